"""Turn any capture (bytes + optional content type and URL) into one canonical Report.

Pure: no network, no database, no Scrapy.
"""
from __future__ import annotations

from .errors import ConverterMissing, InputTooLarge, NeedsOCR, ParseError, UnreadableInput
from .model import Cell, Check, Contacts, Region, Report

PARSER_VERSION = "1"

__all__ = [
    "parse", "PARSER_VERSION", "Report", "Cell", "Check", "Region", "Contacts",
    "ParseError", "UnreadableInput", "NeedsOCR", "ConverterMissing", "InputTooLarge",
]


def parse(data: bytes, content_type: str | None = None, url: str | None = None,
          *, ocr: bool = True) -> Report:
    """Parse one document. Raises ParseError (one-line message) for unreadable input; a scan
    is read with OCR, or raises NeedsOCR when `ocr` is off (parsers.limits bounds it apart)."""
    from .readers import read
    from .report_builder import build_report

    document = read(data, content_type=content_type, url=url, ocr=ocr)
    report = build_report(document)
    if document.kind == "ocr":  # numbers read from images: checked, corrected or flagged
        from .readers.ocr_verify import verify
        verify(report, document)
    return report
