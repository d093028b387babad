"""Scans -> Document: image-only PDFs and image attachments (PNG, JPEG, TIFF) read with OCR.

Each page is levelled, its ruled tables found from their lines (ocr_grid), every table cell's
text lines read by the recogniser in one batch per page, and the headings and other short
lines around the tables read the same way. The result is an ordinary Document (kind "ocr") that the report
builder reads like any other, plus what the builder cannot carry: each numeric cell's
recognition confidence, which parsers/readers/ocr_verify.py turns into flags and corrections.

Bounded by page count, pixels and cells per page, and CPU budgets per page and per document
checked after each page;
parsers/limits.py runs OCR in a child process with bounds of its own (OCR_BOUNDS).
"""
from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from io import BytesIO

import numpy as np

from ..document import Block, Document, Table
from ..errors import InputTooLarge, NeedsOCR, UnreadableInput
from . import ocr_engine
from .ocr_grid import Box, GridTable, cell_lines, deskew, find_tables, ink_mask, text_lines
from .textnorm import clean, publish_date_in

MAX_OCR_PAGES = 40
# CPU seconds a document's OCR may use, checked after each page: a long scan stops with a
# clear error well before the child's hard CPU limit (parsers/limits.py OCR_BOUNDS) kills it.
MAX_OCR_CPU_SECONDS = 240.0
MAX_PAGE_CPU_SECONDS = 60.0  # a page takes 2-5 s; more is a hostile or absurd page
MAX_PAGE_PIXELS = 12_000_000  # an A4 page at 300 dpi is 8.7 million
_MAX_IMAGE_PIXELS = 4 * MAX_PAGE_PIXELS  # decoded, then scaled down to MAX_PAGE_PIXELS
MAX_PAGE_CELLS = 2_000  # a statistics table page has some 250
# Scans are read at their own resolution, within these (below 150 dpi digits lose strokes,
# above 300 the recogniser gains nothing and the page costs more).
_MIN_DPI, _MAX_DPI, _DEFAULT_DPI = 150, 300, 200
_NUMBER = re.compile(r"^[\d.,%]+$")
_MARGIN = 0.06  # share of the page height at top and bottom: running headers, page numbers
_SHORT_LINE = 0.6  # of the text width: a heading, a title, a date line, not running text
_LARGE_PRINT = 1.3  # of the usual line height: a title


@dataclass
class OcrTable(Table):
    """A table read from an image: each cell's confidence beside its text (1.0 for a cell
    with no ink), and the cells whose number a second reading disagrees on."""
    confidence: list[list[float]] = field(default_factory=list)
    disputed: set[tuple[int, int]] = field(default_factory=set)


@dataclass
class OcrDocument(Document):
    unread_lines: int = 0


@dataclass
class _Page:
    gray: np.ndarray
    number: int


def read_scanned_pdf(data: bytes) -> OcrDocument:
    import pypdfium2

    try:
        pdf = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as exc:
        raise UnreadableInput(f"pdf: unreadable for OCR ({exc})") from None
    try:
        _check_pages(len(pdf))
        if not any(_images(pdf[i]) for i in range(len(pdf))):
            raise NeedsOCR("pdf: no text layer, and no page images to OCR (drawings only)")
        pages = (_Page(_render(pdf[i]), i + 1) for i in range(len(pdf)))
        return _read_pages(pages)
    finally:
        pdf.close()


def read_image(data: bytes) -> OcrDocument:
    """A PNG, JPEG or TIFF attachment (every frame of a multi-page TIFF)."""
    from PIL import Image, ImageSequence, UnidentifiedImageError

    try:
        image = Image.open(BytesIO(data))  # reads the header only: the size is known
        frames = getattr(image, "n_frames", 1)
        _check_pages(frames)
        if image.width * image.height > _MAX_IMAGE_PIXELS:
            raise InputTooLarge(f"image: {image.width}x{image.height} pixels, over the "
                                f"{_MAX_IMAGE_PIXELS} limit")
        pages = (_Page(_fit(np.asarray(frame.convert("L"))), i + 1)
                 for i, frame in enumerate(ImageSequence.Iterator(image)))
        return _read_pages(pages)
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError) as exc:
        raise UnreadableInput(f"image: unreadable ({type(exc).__name__})") from None


def _check_pages(count: int) -> None:
    if count > MAX_OCR_PAGES:
        raise InputTooLarge(f"scan has {count} pages, over the {MAX_OCR_PAGES}-page OCR limit")


def _render(page) -> np.ndarray:
    """The page at its scan's resolution (the largest image on it decides), grey."""
    width_points = page.get_width()
    images = _images(page)
    dpi = _DEFAULT_DPI
    if images:
        pixels = max(obj.get_metadata().width for obj in images)
        dpi = round(pixels / (width_points / 72))
    dpi = min(max(dpi, _MIN_DPI), _MAX_DPI)
    # A page declared huge is rendered at most MAX_PAGE_PIXELS, never rendered then shrunk.
    fitting = (MAX_PAGE_PIXELS / max(1.0, width_points * page.get_height())) ** 0.5
    bitmap = page.render(scale=min(dpi / 72, fitting), grayscale=True)
    return np.asarray(bitmap.to_pil().convert("L"))


def _images(page) -> list:
    return [obj for obj in page.get_objects() if obj.type == 3]  # FPDF_PAGEOBJ_IMAGE


def _fit(gray: np.ndarray) -> np.ndarray:
    """A page over MAX_PAGE_PIXELS scaled down to it."""
    import cv2

    pixels = gray.shape[0] * gray.shape[1]
    if pixels <= MAX_PAGE_PIXELS:
        return np.ascontiguousarray(gray)
    scale = (MAX_PAGE_PIXELS / pixels) ** 0.5
    return cv2.resize(gray, (int(gray.shape[1] * scale), int(gray.shape[0] * scale)),
                      interpolation=cv2.INTER_AREA)


def _read_pages(pages) -> OcrDocument:
    document = OcrDocument(blocks=[], kind="ocr")
    start = time.process_time()
    for page in pages:
        page_start = time.process_time()
        document.blocks.extend(_read_page(page, document))
        if time.process_time() - page_start > MAX_PAGE_CPU_SECONDS:
            raise InputTooLarge(f"OCR of page {page.number} used over "
                                f"{MAX_PAGE_CPU_SECONDS:.0f} s of CPU")
        if time.process_time() - start > MAX_OCR_CPU_SECONDS:
            raise InputTooLarge(f"OCR used over {MAX_OCR_CPU_SECONDS:.0f} s of CPU "
                                f"by page {page.number}")
    paragraphs = document.paragraphs()
    document.title = paragraphs[0] if paragraphs else None
    document.publish_date = next((d for p in paragraphs[:20] if (d := publish_date_in(p))), None)
    document.warnings.append("ocr: read from page images; every number was recognised by OCR")
    if document.unread_lines:
        document.warnings.append(f"ocr: {document.unread_lines} lines of running text not read "
                                 "(headings, titles, short lines and tables are)")
    return document


def _read_page(page: _Page, document: OcrDocument) -> list[Block]:
    gray = deskew(page.gray)
    ink = ink_mask(gray)
    tables, rules = find_tables(ink)
    cells = sum(len(row) for table in tables for row in table.rows)
    if cells > MAX_PAGE_CELLS:
        raise InputTooLarge(f"page {page.number} has {cells} table cells, over the "
                            f"{MAX_PAGE_CELLS} OCR limit")
    text_ink = ink & ~rules
    placed: list[tuple[float, Block]] = [
        (table.box.top, _read_table(table, text_ink, gray)) for table in tables]
    placed.extend(_text_lines(gray, text_ink, [t.box for t in tables], document))
    placed.sort(key=lambda pair: pair[0])
    return [block for _, block in placed]


def _read_table(table: GridTable, ink: np.ndarray, gray: np.ndarray) -> OcrTable:
    """Every cell's lines recognised in one batch; a cell that reads as a number is read a
    second time from a softened, framed copy of its image, and a disagreement is kept (the
    recogniser's score alone is sometimes high for a wrong digit)."""
    cells = [[cell_lines(ink, gray, cell) for cell in row] for row in table.rows]
    read = iter(ocr_engine.recognise([line for row in cells for lines in row for line in lines]))
    texts, scores = [], []
    for row in cells:
        parts = [[next(read) for _ in lines] for lines in row]
        texts.append([clean("".join(text for text, _ in part)) for part in parts])
        # A number over two lines is a digit split by the line finder, not a wrapped label.
        scores.append([0.0 if len(part) > 1 and _NUMBER.match(text) else
                       min((score for _, score in part), default=1.0)
                       for part, text in zip(parts, texts[-1])])
    numbers = [(r, c) for r, row in enumerate(texts) for c, text in enumerate(row)
               if len(cells[r][c]) == 1 and _NUMBER.match(text)]
    again = ocr_engine.recognise([_second_view(cells[r][c][0]) for r, c in numbers])
    disputed = {(r, c) for (r, c), (text, _) in zip(numbers, again) if clean(text) != texts[r][c]}
    return OcrTable(texts, confidence=scores, disputed=disputed)


def _second_view(line: np.ndarray) -> np.ndarray:
    import cv2

    pad = line.shape[0] // 2
    framed = cv2.copyMakeBorder(line, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=255)
    return cv2.GaussianBlur(framed, (3, 3), 0)


def _text_lines(gray: np.ndarray, ink: np.ndarray, table_boxes: list[Box],
                document: OcrDocument) -> list[tuple[float, str]]:
    """The page's headings, titles and other short lines outside its tables, as (top, text).
    Lines of running text are counted, not read: recognition costs by the character, and a
    page of prose costs twice what its tables do, for none of the numbers."""
    free = ink.copy()
    for box in table_boxes:
        free[box.top:box.bottom + 1, box.left:box.right + 1] = 0
    height = gray.shape[0]
    lines = [line for line in text_lines(free, Box(0, 0, height, gray.shape[1]))
             if _MARGIN * height < (line.top + line.bottom) / 2 < (1 - _MARGIN) * height]
    if not lines:
        return []
    body = max(line.right for line in lines) - min(line.left for line in lines)
    usual = float(np.median([line.bottom - line.top for line in lines]))
    wanted = [line for line in lines if line.right - line.left <= _SHORT_LINE * body
              or line.bottom - line.top >= _LARGE_PRINT * usual]
    document.unread_lines += len(lines) - len(wanted)
    read = ocr_engine.recognise([gray[b.top:b.bottom, b.left:b.right] for b in wanted])
    return [(line.top, clean(text)) for line, (text, _) in zip(wanted, read) if clean(text)]
