"""HTML page -> Document, with lxml (the hot path of a crawl).

Government pages wrap the report in site chrome: menus, visit counters, share buttons,
footers. The article body is found as the lowest common ancestor of the report's own
landmarks (its numbered section headings and its statistics tables), so chrome around it
never reaches the paragraphs; metadata lines inside it (发布时间, 信息来源 …) are dropped too,
and chrome phrases (浏览次数, 今天是…) are cut by parsers.chrome when the report is built.

Speed: rather than walking every element in Python, one XSLT pass (libxslt, in C) writes the
article as text with private-use characters marking block, cell, row and table boundaries,
and Python only splits that text.
"""
from __future__ import annotations

import re
import secrets
from itertools import islice

from lxml import etree

from ..document import Block, Document, Table
from ..errors import InputTooLarge, UnreadableInput
from . import MAX_TEXT_CHARS
from .html_text import tab_owners, tab_structured_text, verbatim_report
from .text import read_text
from .textnorm import clean, clean_marked, is_chrome_line, iso_date, publish_date_in_markup

_DROP_TAGS = ("script", "style", "noscript", "template", "iframe", "object", "embed", "select",
              "button", "input", "textarea", "svg", "map", "head")
_BLOCK_TAGS = ("p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd",
               "section", "article", "aside", "header", "footer", "nav", "main", "blockquote",
               "pre", "center", "address", "figure", "figcaption", "form", "hr", "tr", "td", "th",
               "caption", "table", "tbody", "br")
# Private-use characters mark boundaries in the text (lxml refuses control characters);
# any already in the page are removed first.
_BREAK, _CELL_END, _ROW_END, _TABLE_START, _TABLE_END = _MARKS = "\ue000\ue001\ue002\ue003\ue004"
# Removed before parsing: our marks, and characters XML forbids (lxml refuses them in text).
_UNWANTED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff" + _MARKS + "]")
# Most pages hold none of them, which is cheaper to tell from the page's UTF-8 bytes than from
# its text (a regex, or one scan per character): each control character is a byte of its own,
# and each mark starts with 0xEE, which only the rare private-use characters start with.
_UNWANTED_CONTROL_BYTES = bytes((*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20)))
_MARK_LEAD_BYTE = b"\xee"
_SHORT_TEXT = 120  # headings are short: long paragraphs are not searched for them

# Section-heading words; a text holding one is a landmark when its line is numbered (一、…).
_HEADING_WORDS = re.compile("总体情况|主动公开政府信息|收到和处理|行政复议|主要问题|其他需要报告")
_HEADING_MAX_CHARS = 60
_NUMBERED = re.compile(r"^[（(]?[一二三四五六七八九十\d]{1,2}[)）]?\s*[、.．]")
_OVERVIEW_WORD = "总体情况"
_IS_REPORT_TABLE = etree.XPath(
    "contains(., '申请') or contains(., '信息内容') or contains(., '行政复议') or contains(., '结果维持')"
)
_TITLE_SEPARATORS = re.compile(r"\s*(?:_|\||——|--|\s-\s)\s*")
_DATE_META = ("pubdate", "publishdate", "publish_date", "firstpublishedtime", "releasedate",
              "article:published_time", "dc.date", "dcterms.issued", "createdate")
MAX_ATTRIBUTES_PER_TAG = 1000
# Size caps that keep a hostile page cheap to read in-process (parsers.limits runs HTML without
# a child process): real reports hold < 100 rows and < 20 columns per table.
MAX_TAGS = 200_000  # start tags, counted before parsing: bounds the tree's size (and cells)
MAX_ROWS = 5_000
MAX_CELLS_PER_ROW = 200
_START_TAG = re.compile(r"<[a-zA-Z]")
_LONG_TAG_CHARS = 16384
_LONG_TAG = re.compile(rf"<[a-zA-Z][^<>]{{{_LONG_TAG_CHARS}}}")
# The inside of a long tag holds a whole chunk of half that length, aligned at a multiple of it.
_TAG_FREE_CHUNK = _LONG_TAG_CHARS // 2


def _mark(character: str) -> str:
    return f"&#x{ord(character):X};"


# Inline hiding (display:none in any spacing, the hidden attribute) is looked for only on
# pages holding one of these substrings.
_HIDDEN_HINTS = ("none", "NONE", "None", "hidden")
# Elements with a style or hidden attribute: stepping to the attributes and back to their
# owners is 3x faster in libxml2 than testing every element with a predicate ([@style]).
_STYLED_OR_HIDDEN = etree.XPath("descendant-or-self::*/@style/.. | descendant-or-self::*/@hidden/..")
# The stylesheet matches elements by name only: matching a name is a hash lookup, where a
# pattern with a predicate is evaluated on every element of that name (testing attributes for
# hiding cost half of the transform, the data-table test a fifth). So a hidden element is
# renamed to this tag, which the stylesheet leaves out, and a data table to _DATA_TABLE_TAG
# once the data-table test has been made (in Python, where it finds the report tables too).
_HIDDEN_TAG = "nianbao-hidden"
# Drawn per process, so no page can hold them: the data-table tag, and the article's id, which
# the stylesheet starts from (libxml2 indexes the ids of an HTML document, so id() finds it
# without the scan of every element that an attribute test costs, 0.2 ms).
_TOKEN = secrets.token_hex(16)
_DATA_TABLE_TAG = f"nianbao-table-{_TOKEN}"
_ARTICLE_ID = f"nianbao-{_TOKEN}"


def _marked_text_xslt() -> etree.XSLT:
    """The article (found by its id) as text: a _BREAK around every block element, data tables
    as _TABLE_START, cells each ended by _CELL_END and rows by _ROW_END, _TABLE_END; inside a
    cell, block elements and <br> become spaces. Layout tables are blocks like any other.
    Word's HTML export ends tables with an invisible row of empty cells (<tr height=0>): left
    out, like hidden elements (renamed by _mark_hidden)."""
    leave_out = "".join(f'<xsl:template match="{_HIDDEN_TAG}"{mode}/>'
                        for mode in ("", ' mode="rows"', ' mode="cell"'))
    return etree.XSLT(etree.XML(f"""\
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
<xsl:output method="text" encoding="UTF-8"/>
<xsl:template match="/"><xsl:apply-templates select="id('{_ARTICLE_ID}')"/></xsl:template>
<xsl:template match="{'|'.join(_BLOCK_TAGS)}">{_mark(_BREAK)}<xsl:apply-templates/>{_mark(_BREAK)}</xsl:template>
<xsl:template match="{_DATA_TABLE_TAG}">{_mark(_BREAK)}{_mark(_TABLE_START)}<xsl:apply-templates mode="rows"/>{_mark(_TABLE_END)}{_mark(_BREAK)}</xsl:template>
<xsl:template match="tr" mode="rows"><xsl:apply-templates mode="rows"/>{_mark(_ROW_END)}</xsl:template>
<xsl:template match="tr[@height='0']" mode="rows"/>
<xsl:template match="td|th" mode="rows"><xsl:apply-templates mode="cell"/>{_mark(_CELL_END)}</xsl:template>
<xsl:template match="text()" mode="rows"/>
<xsl:template match="{'|'.join(_BLOCK_TAGS)}" mode="cell"><xsl:text> </xsl:text><xsl:apply-templates mode="cell"/><xsl:text> </xsl:text></xsl:template>
{leave_out}
</xsl:stylesheet>"""))


_AS_MARKED_TEXT = _marked_text_xslt()
_PARSER = etree.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True)


def read_html(text: str, page: bytes | None = None) -> Document:
    """`page`: the text's UTF-8 encoding, when the caller has it."""
    text, page = _without_unwanted(text, page)
    _refuse_attribute_floods(text)
    _refuse_tag_floods(text)
    root = etree.fromstring(page, _PARSER)
    if root is None:
        raise UnreadableInput("html: the page has no elements")
    _refuse_oversized(root)
    meta = _meta(root)
    title = _title(root, meta)
    publish_date = _meta_date(meta) or publish_date_in_markup(text)
    verbatim = verbatim_report(root)
    etree.strip_elements(root, *_DROP_TAGS, with_tail=False)
    data_tables = [table for table in root.iter("table") if _is_data_table(table)]
    report_tables = [table for table in data_tables if _IS_REPORT_TABLE(table)]
    body, located = _article_body(root, report_tables)
    if not report_tables:
        as_text = verbatim
        if as_text is None and (owners := tab_owners(root)):
            as_text = tab_structured_text(_article_body(root, owners)[0])
        if as_text is not None:
            return _text_document(as_text, title, publish_date)
    warnings = [] if located else [
        "html: no report headings or tables found to locate the article; the whole page was read"]
    if any(hint in text for hint in _HIDDEN_HINTS):
        _mark_hidden(body)
    for table in data_tables:
        if table.tag == "table":  # not hidden
            table.tag = _DATA_TABLE_TAG
    return Document(blocks=_blocks(body), kind="html", title=title,
                    publish_date=publish_date, warnings=warnings)


def _text_document(text: str, title: str | None, publish_date: str | None) -> Document:
    """An article printed as text (see html_text): read as text or markdown, so it reads as
    the same report would from a text file; the page keeps its kind, title and date."""
    if len(text) > MAX_TEXT_CHARS:
        raise InputTooLarge(f"html: the article holds {len(text)} characters, over the "
                            f"{MAX_TEXT_CHARS} limit")
    document = read_text(text)
    document.kind = "html"
    document.title = document.title or title
    document.publish_date = publish_date
    return document


def _without_unwanted(text: str, page: bytes | None) -> tuple[str, bytes]:
    """The text without _UNWANTED characters, and as UTF-8 bytes (`page` if given): lxml
    refuses str input carrying an encoding declaration."""
    if page is None:
        page = text.encode("utf-8")
    if (len(page.translate(None, _UNWANTED_CONTROL_BYTES)) < len(page) or _MARK_LEAD_BYTE in page
            or "\ufffe" in text or "\uffff" in text):
        text = _UNWANTED.sub("", text)
        page = text.encode("utf-8")
    return text, page


def _refuse_attribute_floods(text: str) -> None:
    """libxml2 checks a tag's attributes for duplicates in quadratic time: a 400 KB tag with
    50,000 attributes takes it 10 s. Real tags are long only for a data: URI (one attribute)."""
    if text.count("=") <= MAX_ATTRIBUTES_PER_TAG:  # no tag can hold that many: skip the scan
        return
    if not _has_tag_free_chunk(text):  # no tag is long: skip the scan (the regex walks every tag)
        return
    for tag in _LONG_TAG.finditer(text):
        end = text.find(">", tag.start())
        attributes = text.count("=", tag.start(), end if end >= 0 else len(text))
        if attributes > MAX_ATTRIBUTES_PER_TAG:
            raise UnreadableInput(f"html: a tag with {attributes} attributes, over the "
                                  f"{MAX_ATTRIBUTES_PER_TAG} limit")


def _has_tag_free_chunk(text: str) -> bool:
    """Whether an aligned chunk of _TAG_FREE_CHUNK characters holds no "<" nor ">": a few
    bounded str.find calls, which stop at a chunk's first tag."""
    size = _TAG_FREE_CHUNK
    return any(text.find("<", start, start + size) < 0 and text.find(">", start, start + size) < 0
               for start in range(0, len(text) - size + 1, size))


def _refuse_tag_floods(text: str) -> None:
    """Each element of the tree comes from a start tag (libxml2 adds only a few implied ones),
    so counting them before parsing bounds the tree's memory and the time of every later pass."""
    if text.count("<") > MAX_TAGS and len(_START_TAG.findall(text)) > MAX_TAGS:
        raise InputTooLarge(f"html: over {MAX_TAGS} tags")


def _refuse_oversized(root: etree._Element) -> None:
    """InputTooLarge beyond the row and cells-per-row caps. Depth needs no cap here: libxml2's
    HTML parser nests no deeper than 256 levels (100,000 nested <div>s read in 0.03 s)."""
    for rows, row in enumerate(root.iter("tr"), 1):
        if rows > MAX_ROWS:
            raise InputTooLarge(f"html: over {MAX_ROWS} table rows")
        if len(row) > MAX_CELLS_PER_ROW:
            raise InputTooLarge(f"html: a table row with {len(row)} cells, over the "
                                f"{MAX_CELLS_PER_ROW} limit")


def _is_data_table(table: etree._Element) -> bool:
    """Layout tables hold tables or one cell. (lxml's tag-filtered walks, in C, take half the
    time of the XPath "not(.//table) and count(.//td | .//th) > 1".)"""
    return next(table.iterdescendants("table"), None) is None \
        and next(islice(table.iterdescendants("td", "th"), 1, None), None) is not None


def _is_hidden(element: etree._Element) -> bool:
    """Hidden inline: the hidden attribute, or display:none in the style (any case, spaces)."""
    style = element.get("style") or ""
    return element.get("hidden") is not None or "display:none" in style.replace(" ", "").lower()


def _mark_hidden(body: etree._Element) -> None:
    """Hidden elements (the body itself included) renamed for the stylesheet to leave out; done
    once the body is chosen, so landmarks are looked for in the page as served."""
    for element in _STYLED_OR_HIDDEN(body):
        if _is_hidden(element):
            element.tag = _HIDDEN_TAG


def _blocks(body: etree._Element) -> list[Block]:
    """The body as text with boundary marks (one XSLT pass, in C), whitespace cleaned in one
    pass, split back into blocks."""
    # Applied to the whole page, from the body given the article id. Applied to
    # the body element, lxml hands libxslt a stand-in document whose elements carry no document
    # order, and libxslt then orders nodes by walking siblings: quadratic time (20,000 cells in
    # a row took 2.6 s, 100,000 rows 210 s). A copy of the body as a document of its own
    # avoids that too, but copying cost as much as the transform (0.2 ms a report).
    body.set("id", _ARTICLE_ID)
    text = clean_marked(str(_AS_MARKED_TEXT(body.getroottree())))
    if len(text) > MAX_TEXT_CHARS:
        raise InputTooLarge(f"html: the article holds {len(text)} characters, over the "
                            f"{MAX_TEXT_CHARS} limit")
    blocks: list[Block] = []
    for index, part in enumerate(text.split(_TABLE_START)):
        if index:
            table_text, _, part = part.partition(_TABLE_END)
            blocks.append(_table(table_text))
        blocks.extend(line for piece in part.split(_BREAK)
                      if (line := piece.strip()) and not is_chrome_line(line))
    return blocks


def _table(text: str) -> Table:
    rows = []
    for row_text in text.split(_ROW_END):
        cells = row_text.split(_CELL_END)[:-1]
        if cells:
            rows.append([cell.strip() for cell in cells])
    return Table(rows)


def _article_body(root: etree._Element,
                  tables: list[etree._Element]) -> tuple[etree._Element, bool]:
    """The element holding the report and as little else as possible, and whether report
    landmarks located it (a page whose article sits directly in <body> is located too).

    Fast path: the lowest common ancestor of the report's tables, widened until it holds the
    overview heading (一、总体情况). Otherwise the lowest common ancestor of the numbered
    section headings and tables; <body> when fewer than two of those exist."""
    if tables:
        container: etree._Element | None = _common_ancestor(tables)
        while container is not None and container.tag not in ("body", "html"):
            # Lazy: the overview heading comes first, so most pages stop after a few texts.
            if any(_OVERVIEW_WORD in text for text in container.itertext()):
                return container, True
            container = container.getparent()
    landmarks = [el for el in _heading_owners(root) if _is_heading(el)
                 and not any(map(_is_hidden, el.iterancestors())) and not _is_hidden(el)] + tables
    if len(set(landmarks)) < 2:
        body = root.find("body")
        return (body if body is not None else root), False
    return _common_ancestor(landmarks), True


def _common_ancestor(elements: list[etree._Element]) -> etree._Element:
    chains = [list(el.iterancestors())[::-1] + [el] for el in elements]
    common = chains[0][0]
    for level in zip(*chains):
        if any(el is not level[0] for el in level):
            break
        common = level[0]
    return common


def _heading_owners(root: etree._Element) -> list[etree._Element]:
    """Elements whose own text holds a section-heading word: one Python pass, cheaper here
    than an XPath text() search."""
    owners = []
    for element in root.iter():
        for text, owner in ((element.text, element), (element.tail, element.getparent())):
            if text and owner is not None and len(text) < _SHORT_TEXT and _HEADING_WORDS.search(text):
                owners.append(owner)
    return owners


def _is_heading(element: etree._Element) -> bool:
    """A numbered heading line ("一、总体情况", "3、 收到和处理…"), not a menu link."""
    block = element
    while block.tag not in _BLOCK_TAGS and block.getparent() is not None:
        block = block.getparent()
    text = clean("".join(block.itertext()))
    return len(text) < _HEADING_MAX_CHARS and bool(_NUMBERED.match(text))


def _meta(root: etree._Element) -> dict[str, str]:
    found: dict[str, str] = {}
    for tag in root.iter("meta"):
        name = (tag.get("name") or tag.get("property") or "").strip().lower()
        content = (tag.get("content") or "").strip()
        if name and content:
            found.setdefault(name, content)
    return found


def _title(root: etree._Element, meta: dict[str, str]) -> str | None:
    if meta.get("articletitle"):
        return clean(meta["articletitle"])
    heading = root.find(".//h1")
    if heading is not None and (text := clean("".join(heading.itertext()))):
        return text
    title = root.find(".//title")
    for text in (meta.get("og:title"), meta.get("title"),
                 "".join(title.itertext()) if title is not None else None):
        if text and (text := clean(text)):
            return _without_site_name(text)
    return None


def _without_site_name(title: str) -> str:
    """"…年度报告_宜春市人民政府" -> "…年度报告": the part naming the report, else the first."""
    parts = [part for part in _TITLE_SEPARATORS.split(title) if part]
    return next((part for part in parts if "报告" in part), parts[0] if parts else title)


def _meta_date(meta: dict[str, str]) -> str | None:
    return next((date for name in _DATE_META if name in meta and (date := iso_date(meta[name]))), None)
