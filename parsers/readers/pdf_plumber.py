"""Pages through pdfplumber (pdfminer): the last resort for fonts PDFium gives no Unicode.

Fonts without ToUnicode maps are mostly read on the PDFium path (Identity-H TrueType CID
fonts get maps from their programs: pdf_tounicode.py). What remains with a program not read
there (a simple TrueType or a CFF font without a map) comes here: pdfminer tries the font's
encoding and TrueType cmap. It is 10-20x slower, so it reads only those files
(parsers/readers/pdf.py decides); `documents_read` counts them.
"""
from __future__ import annotations

import logging
import re
from io import BytesIO

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError
from pdfminer.pdfexceptions import PDFException
from pdfminer.psexceptions import PSException
from pdfplumber.utils.exceptions import MalformedPDFException, PdfminerException

from .pdf_layout import FoundTable, TextLine
from .pdf_pdfium import Char, PdfiumError

# pdfminer logs a warning for every damaged object it steps over; the outcome is what counts.
logging.getLogger("pdfminer").setLevel(logging.ERROR)
_PDF_ERRORS = (PdfminerException, MalformedPDFException, PDFException, PSException)

PageLayout = tuple[int, float, list[TextLine], list[FoundTable]]
_UNMAPPED = re.compile(r"\(cid:\d+\)")  # pdfminer's text for a glyph it cannot map
documents_read = 0  # files read here in this process (tests check the fast path was taken)


def layouts(data: bytes) -> tuple[list[PageLayout], int]:
    """Each page's number, height, text lines and ruled tables, and the count of characters
    whose font gives no Unicode at all (pdfminer's "(cid:N)": left out). Errors as PdfiumError."""
    global documents_read
    documents_read += 1
    unreadable = [0]
    try:
        with pdfplumber.open(BytesIO(data)) as pdf:
            pages = [(page.page_number, float(page.height), *_page(page, unreadable))
                     for page in pdf.pages]
    except _PDF_ERRORS as exc:
        cause = exc.args[0] if exc.args and isinstance(exc.args[0], Exception) else exc
        detail = str(cause).splitlines()[0][:160] if str(cause) else ""
        raise PdfiumError(f"{type(cause).__name__}{': ' + detail if detail else ''}",
                          encrypted=isinstance(cause, PDFEncryptionError)) from None
    return pages, unreadable[0]


def _page(page, unreadable: list[int]) -> tuple[list[TextLine], list[FoundTable]]:
    tables = page.find_tables()
    found = [FoundTable(table.bbox, [[_readable(cell, unreadable) for cell in row if cell is not None]
                                     for row in table.extract()]) for table in tables]
    text_page = page
    for table in tables:
        text_page = text_page.outside_bbox(table.bbox)
    lines = []
    for line in text_page.extract_text_lines(return_chars=True):
        # One entry per character of the line's text: a "(cid:N)" glyph has seven.
        chars = [Char(c["text"], c["x0"], c["x1"], c["top"], c["bottom"], c["size"])
                 for c in line["chars"] if not _UNMAPPED.fullmatch(c["text"])]
        text = _readable(line["text"], unreadable)
        if chars:
            lines.append(TextLine(chars, text))
    return lines, found


def _readable(cell: str, unreadable: list[int]) -> str:
    text, count = _UNMAPPED.subn("", cell)
    unreadable[0] += count
    return text
