"""Pages through pdfplumber (pdfminer): for PDFs whose fonts give PDFium no Unicode.

A font without a ToUnicode map leaves PDFium with glyph numbers, where pdfminer still reads
the text through the embedded TrueType font's own character map. Such files are rare and
pdfminer is 10-20x slower, so it reads only them (parsers/readers/pdf.py decides).
"""
from __future__ import annotations

import logging
from collections.abc import Iterator
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


def layouts(data: bytes) -> Iterator[PageLayout]:
    """Each page's number, height, text lines and ruled tables. Errors as PdfiumError."""
    try:
        with pdfplumber.open(BytesIO(data)) as pdf:
            for page in pdf.pages:
                yield page.page_number, float(page.height), *_page(page)
    except _PDF_ERRORS as exc:
        cause = exc.args[0] if exc.args and isinstance(exc.args[0], Exception) else exc
        detail = str(cause).splitlines()[0][:160] if str(cause) else ""
        raise PdfiumError(f"{type(cause).__name__}{': ' + detail if detail else ''}",
                          encrypted=isinstance(cause, PDFEncryptionError)) from None


def _page(page) -> tuple[list[TextLine], list[FoundTable]]:
    tables = page.find_tables()
    found = [FoundTable(table.bbox, [[cell for cell in row if cell is not None]
                                     for row in table.extract()]) for table in tables]
    text_page = page
    for table in tables:
        text_page = text_page.outside_bbox(table.bbox)
    lines = [TextLine([Char(c["text"], c["x0"], c["x1"], c["top"], c["bottom"], c["size"])
                       for c in line["chars"]], line["text"])
             for line in text_page.extract_text_lines(return_chars=True)]
    return [line for line in lines if line.chars], found
