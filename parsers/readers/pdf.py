"""PDF -> Document: PDFium's characters and ruling edges, pdfplumber's table finder on them.

Pages are read top to bottom into one flow of lines and tables. Page furniture (page numbers,
running headers repeated in the margins) is dropped, wrapped lines are joined back into
paragraphs, and a table continued on the next page is joined to its first part with the
repeated header rows removed. A PDF without ruled tables gets its tables from text lines: a
label followed by numbers separated by spaces is one row.

The page contents come from PDFium (parsers/readers/pdf_pdfium.py, pdf_layout.py); a PDF whose
fonts give PDFium no Unicode is read through pdfminer instead (pdf_plumber.py), which finds
the text in the embedded fonts' own character maps. docs/parsers.md gives the measurements.
"""
from __future__ import annotations

import re
from collections import Counter
from contextlib import closing
from dataclasses import dataclass

from ..document import Block, Document, Table
from ..errors import NeedsOCR, UnreadableInput
from . import pdf_pdfium
from .pdf_layout import FoundTable, TextLine, page_layout
from .pdf_pdfium import PdfiumError
from .pdf_tounicode import likely_without_maps, with_tounicode_maps
from .textnorm import clean, collapse, document_title, publish_date_in

MAX_PAGES = 200
_MIN_TEXT_CHARS = 20  # fewer characters in the whole file: the text is in images
_MARGIN = 0.08  # share of the page height at top and bottom where page furniture lives
_PAGE_NUMBER = re.compile(r"^[-—–\s]*(第\s*)?\d+(\s*页)?(\s*/\s*\d+|\s*共\s*\d+\s*页)?[-—–\s]*$")
_NUMBER_TOKEN = re.compile(r"^(\d[\d,]*(\.\d+)?%?|[-—/])$")
_MAX_ROW_LABEL_CHARS = 60
_SAME_EDGE = 3.0  # points: two table parts with the same left and right edges continue
_DATE_SEARCH_LINES = 20
_SAME_SIZE = 0.5  # points
_TITLE_SIZE_RATIO = 1.2  # a title line is printed at least this much larger than the body


@dataclass
class _Line:
    text: str
    page: int
    room: float  # space left before the right edge of the text on its page
    lead: float  # width of the unbreakable start (a CJK character, a Latin word or number)
    size: float  # font size


_HEADING_START = re.compile(r"^([（(][一二三四五六七八九十\d]{1,2}[)）]|[一二三四五六七八九十]{1,2}、|\d{1,2}[、.．])")
_LEAD = re.compile(r"^[\x21-\x7e]+")  # a Latin word or number wraps as one unit


@dataclass
class _TablePart:
    table: Table
    page: int
    left: float
    right: float


def read_pdf(data: bytes) -> Document:
    try:
        with pdf_pdfium.LOCK:
            title, page_count, flow, unreadable = _read(data)
    except PdfiumError as exc:
        raise UnreadableInput(_reason(exc)) from None
    if _text_chars(flow) < _MIN_TEXT_CHARS:
        raise NeedsOCR()
    # Before the paragraphs are made: joining a table's parts over pages moves its page on.
    warnings = _textless_pages(flow, page_count)
    if not any(isinstance(item, _TablePart) for item in flow):
        blocks = _text_tables(_paragraphs(flow))
    else:
        blocks = _paragraphs(flow)
    lines = [item for item in flow if isinstance(item, _Line)]
    if unreadable:
        warnings.append(f"pdf: {unreadable} characters in fonts that give no Unicode for them "
                        "(left out: the text around them is incomplete)")
    return Document(blocks=blocks, kind="pdf", title=document_title(title) or _heading_title(lines),
                    publish_date=_publish_date(blocks), warnings=warnings)


def _read(data: bytes) -> tuple[str | None, int, list[_Line | _TablePart], int]:
    """Title, page count, the pages' flow, and how many characters no font could map."""
    # Fonts without ToUnicode maps are given maps before PDFium reads the file (see
    # pdf_tounicode): at once when the bytes hint at them, else when PDFium meets one.
    hinted = likely_without_maps(data)
    repaired = with_tounicode_maps(data) if hinted else None
    if repaired is None:
        title, page_count, pages = _pdfium_pages(data)
        if pages is None:
            repaired = (None if hinted else with_tounicode_maps(data)) or data
    if repaired is not None:
        try:
            title, page_count, pages = _pdfium_pages(repaired, pdf_pdfium.FontCheck())
        except PdfiumError:  # the update is at fault: the original file is readable
            title, page_count, pages = _pdfium_pages(data, pdf_pdfium.FontCheck())
    if pages is None:
        from . import pdf_plumber  # pdfminer: only for fonts with programs not read here
        layouts, unreadable = pdf_plumber.layouts(data)
    else:
        layouts = [(page.number, page.height, *page_layout(page.chars, page.edges)) for page in pages]
        unreadable = sum(page.left_out for page in pages)
    return title, page_count, _flow([_page_items(*layout) for layout in layouts]), unreadable


def _pdfium_pages(data: bytes, fonts: pdf_pdfium.FontCheck | None = None
                  ) -> tuple[str | None, int, list[pdf_pdfium.Page] | None]:
    """Title, page count and pages. The pages are None when a font gives no Unicode (without
    `fonts`: maps are to be made first) or, with `fonts`, when such a font has a program that
    was not read (pdfminer reads the file then)."""
    document = pdf_pdfium.open_document(data)
    try:
        page_count = len(document)
        if page_count > MAX_PAGES:
            raise UnreadableInput(f"pdf: {page_count} pages, over the {MAX_PAGES}-page limit")
        pages: list[pdf_pdfium.Page] | None = []
        try:
            with closing(pdf_pdfium.pages(document, fonts)) as read_pages:
                for page in read_pages:
                    if page.needs_maps:
                        pages = None
                        break
                    pages.append(page)
        except pdf_pdfium.Unmappable:
            pages = None
        return pdf_pdfium.title(document), page_count, pages
    finally:
        document.close()


def _text_chars(flow: list[_Line | _TablePart]) -> int:
    return sum(len(item.text) if isinstance(item, _Line)
               else sum(len(cell) for row in item.table.rows for cell in row) for item in flow)


def _textless_pages(flow: list[_Line | _TablePart], page_count: int) -> list[str]:
    """Pages printed as images among pages with text: their content is missing."""
    with_text = {item.page for item in flow}
    missing = [str(page) for page in range(1, page_count + 1) if page not in with_text]
    return [f"pdf: page(s) {', '.join(missing)} have no text layer (images: need OCR)"] if missing else []


def _heading_title(lines: list[_Line]) -> str | None:
    """The first page's opening lines printed larger than the body text."""
    if not lines:
        return None
    body_size = Counter(round(line.size) for line in lines).most_common(1)[0][0]
    title = ""
    for line in lines:
        if line.page != lines[0].page or line.size < body_size * _TITLE_SIZE_RATIO:
            break
        title = _joined(title, line.text) if title else line.text
    return title or None


def _reason(exc: PdfiumError) -> str:
    if exc.encrypted:
        return "pdf: encrypted (a password is needed to read it)"
    return f"pdf: corrupt or unreadable ({exc})" if str(exc) else "pdf: corrupt or unreadable"


_DIGITS = re.compile(r"\d+")


def _flow(pages: list[list[tuple[_Line | _TablePart, bool]]]) -> list[_Line | _TablePart]:
    """Every page's lines and tables in reading order, page furniture removed."""
    running = _running_lines(pages)
    flow: list[_Line | _TablePart] = []
    for items in pages:
        flow.extend(item for item, in_margin in items
                    if not (in_margin and isinstance(item, _Line)
                            and (_PAGE_NUMBER.match(item.text) or _furniture_key(item.text)
                                 in running)))
    return flow


def _page_items(number: int, height: float, lines: list[TextLine],
                tables: list[FoundTable]) -> list[tuple[_Line | _TablePart, bool]]:
    placed: list[tuple[float, _Line | _TablePart]] = []
    for table in tables:
        rows = [[clean(cell) for cell in row] for row in table.rows]
        left, top, right, _ = table.bbox
        placed.append((top, _TablePart(Table([r for r in rows if r]), number, left, right)))
    right_edge = max((line.x1 for line in lines), default=0)
    for line in lines:
        chars = line.chars
        lead = _LEAD.match(line.text)
        lead_chars = chars[: len(lead.group(0)) if lead else 1]
        placed.append((line.top, _Line(
            # A space between two characters of a page line is a visible gap (between
            # unruled table cells, say), not a source-code line break: it is kept.
            collapse(line.text), number, room=right_edge - line.x1,
            lead=lead_chars[-1].x1 - lead_chars[0].x0, size=chars[-1].size)))
    placed.sort(key=lambda pair: pair[0])
    return [(item, not (_MARGIN * height < top < (1 - _MARGIN) * height)) for top, item in placed]


def _running_lines(pages: list[list[tuple[_Line | _TablePart, bool]]]) -> set[str]:
    """Texts printed in the margins of more than one page: running headers and footers."""
    seen = Counter(text for items in pages for text in {
        _furniture_key(item.text) for item, in_margin in items
        if in_margin and isinstance(item, _Line)})
    return {text for text, count in seen.items() if count > 1}


def _furniture_key(text: str) -> str:
    """A margin line's text with its numbers blanked: a browser's print footer (the page's URL
    and "1/4") or a header with the page number repeats but for its counter."""
    return _DIGITS.sub("#", text)


def _paragraphs(flow: list[_Line | _TablePart]) -> list[Block]:
    blocks: list[Block] = []
    previous: _Line | None = None  # the line before, when the paragraph may go on
    last_part: _TablePart | None = None
    for item in flow:
        if isinstance(item, _TablePart):
            if last_part is not None and blocks[-1] is last_part.table and _continues(last_part, item):
                _join(last_part, item)
            else:
                blocks.append(item.table)
                last_part = item
            previous = None
        elif item.text:
            if previous is not None and _wrapped(previous, item):
                blocks[-1] = _joined(str(blocks[-1]), item.text)
            else:
                blocks.append(item.text)
            previous = item
    return blocks


def _wrapped(line: _Line, following: _Line) -> bool:
    """The line ended only because the next line's first word did not fit (one character of
    slack for the rule that keeps closing punctuation off the start of a line). A line ending
    in a separate number is a table row reaching the last column, not a wrapped sentence; a
    paragraph keeps its type size (a heading does not run on into the body text below it)."""
    return (line.room < following.lead + line.size * 1.5
            and abs(line.size - following.size) < _SAME_SIZE
            and not _HEADING_START.match(following.text)
            and not (" " in line.text and _NUMBER_TOKEN.match(line.text.rsplit(" ", 1)[1])))


def _continues(first: _TablePart, second: _TablePart) -> bool:
    return (second.page == first.page + 1 and abs(second.left - first.left) < _SAME_EDGE
            and abs(second.right - first.right) < _SAME_EDGE)


def _join(first: _TablePart, second: _TablePart) -> None:
    """Append a table's continuation, minus the header rows repeated at the top of the page."""
    rows, more = first.table.rows, second.table.rows
    repeated = 0
    while repeated < min(len(rows), len(more)) and more[repeated] == rows[repeated]:
        repeated += 1
    rows.extend(more[repeated:])
    first.page = second.page


def _joined(paragraph: str, line: str) -> str:
    """A wrapped line goes on without a space, except between two Latin words."""
    gap = " " if paragraph[-1:].isascii() and paragraph[-1:].isalpha() and line[:1].isascii() \
        and line[:1].isalpha() else ""
    return paragraph + gap + line


def _text_tables(blocks: list[Block]) -> list[Block]:
    """Runs of "label n n n" lines become tables (PDFs printed without ruled tables)."""
    out: list[Block] = []
    for block in blocks:
        row = _row_of(block) if isinstance(block, str) else None
        if row is None:
            out.append(block)
        elif out and isinstance(out[-1], Table):
            out[-1].rows.append(row)
        else:
            out.append(Table([row]))
    return out


def _row_of(line: str) -> list[str] | None:
    tokens = line.split(" ")
    count = 0
    while count < len(tokens) and _NUMBER_TOKEN.match(tokens[-1 - count]):
        count += 1
    label = " ".join(tokens[: len(tokens) - count])
    if count == 0 or (not label and count < 2) or len(label) > _MAX_ROW_LABEL_CHARS:
        return None
    return ([label] if label else []) + tokens[len(tokens) - count:]


def _publish_date(blocks: list[Block]) -> str | None:
    lines = [b for b in blocks[:_DATE_SEARCH_LINES] if isinstance(b, str)]
    return next((date for line in lines if (date := publish_date_in(line))), None)
