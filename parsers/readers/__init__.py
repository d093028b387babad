"""Bytes -> Document: cap the size, tell the input kind, hand it to its reader.

The kind comes from the bytes first (magic numbers cannot be mislabelled), then the HTTP
content type, then the URL's extension, then a look at the decoded text. Whatever goes wrong
inside a reader leaves as a ParseError with a one-line message, never as another exception.
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from ..document import Document
from ..errors import InputTooLarge, NeedsOCR, UnreadableInput, as_parse_errors
from . import magic
from .encoding import decode

MAX_INPUT_BYTES = 50 * 1024 * 1024
# Characters of text (of a text or markdown input, of an HTML page's article) a report may hold:
# real ones hold under 200,000, and the report builder's time and memory grow with the text
# (7.7 million characters took 5 s and 470 MB), which parsers.limits runs in-process.
MAX_TEXT_CHARS = 2_000_000

_CONTENT_TYPES = {
    "text/html": "html", "application/xhtml+xml": "html",
    "text/markdown": "markdown", "text/x-markdown": "markdown", "text/plain": "text",
    "application/pdf": "pdf", "application/msword": "doc",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/kswps": "wps", "application/vnd.ms-works": "wps", "application/wps-office.wps": "wps",
    "image/png": "image", "image/jpeg": "image", "image/tiff": "image",
}
_EXTENSIONS = {
    ".html": "html", ".htm": "html", ".shtml": "html", ".xhtml": "html", ".md": "markdown",
    ".markdown": "markdown", ".txt": "text", ".pdf": "pdf", ".doc": "doc", ".docx": "docx",
    ".wps": "wps", ".png": "image", ".jpg": "image", ".jpeg": "image", ".tif": "image",
    ".tiff": "image",
}
_HTML_SNIFF = re.compile(r"<(!doctype html|html|head|body|meta|title|div|table|p)[\s>/]", re.I)
_MARKDOWN_SNIFF = re.compile(r"^#{1,6} \S", re.M)
_SNIFF_CHARS = 2048
# Share of control characters above which decoded "text" is really unknown binary data.
_MAX_CONTROL_SHARE = 0.02
_CONTROL_SAMPLE_CHARS = 8192
# Control characters (form feed, tab and line ends aside) and U+FFFD. Counted in the UTF-8
# bytes, where each control character is one byte: a deletion pass is 3x faster than a regex.
_CONTROL_BYTES = bytes((*range(0x09), 0x0B, *range(0x0E, 0x20), 0x7F))


def read(data: bytes, content_type: str | None = None, url: str | None = None,
         *, max_bytes: int = MAX_INPUT_BYTES, ocr: bool = True) -> Document:
    """Read one capture. Raises a ParseError subclass with a one-line message. Scans (a PDF
    without a text layer, an image) are read with OCR, or raise NeedsOCR when `ocr` is off."""
    if len(data) > max_bytes:
        raise InputTooLarge(f"input is {len(data)} bytes, over the {max_bytes}-byte limit")
    if not data.strip():
        raise UnreadableInput("input is empty")
    kind = sniff_kind(data, content_type, url)
    with as_parse_errors(kind):
        return _read_kind(kind, data, content_type, ocr)


def sniff_kind(data: bytes, content_type: str | None = None, url: str | None = None) -> str:
    """html | text | markdown | docx | pdf | doc | wps | image."""
    declared = _declared_kind(content_type, url)
    head = data[:1024]
    if magic.PDF in head:
        return "pdf"
    if data.startswith(magic.IMAGES):
        return "image"
    if data.startswith(magic.ZIP):
        return "docx"
    if data.startswith(magic.OLE2) or data[:64].lstrip().startswith(magic.RTF):
        # Sites often serve RTF under a .doc name; LibreOffice reads both.
        return "wps" if declared == "wps" else "doc"
    if declared in ("html", "markdown", "text"):
        return declared
    sample = data[:_SNIFF_CHARS].decode("utf-8", errors="ignore")
    if _HTML_SNIFF.search(sample):
        return "html"
    if declared in (None, "text") and _MARKDOWN_SNIFF.search(sample):
        return "markdown"
    return "text"


def _declared_kind(content_type: str | None, url: str | None) -> str | None:
    mime = (content_type or "").split(";")[0].strip().lower()
    if mime in _CONTENT_TYPES:
        return _CONTENT_TYPES[mime]
    path = urlsplit(url or "").path.lower()
    extension = path[path.rfind("."):] if "." in path.rsplit("/", 1)[-1] else ""
    return _EXTENSIONS.get(extension)


def _read_kind(kind: str, data: bytes, content_type: str | None, ocr: bool) -> Document:
    if kind == "pdf":
        from .pdf import read_pdf
        try:
            return read_pdf(data)
        except NeedsOCR:
            if not ocr:
                raise
            return _read_scan(kind, data)
    if kind == "image":
        if not ocr:
            raise NeedsOCR("image: a scan, needs OCR")
        return _read_scan(kind, data)
    if kind == "docx":
        from .docx import read_docx
        return read_docx(data)
    if kind in ("doc", "wps"):
        from .office import read_office
        return read_office(data, kind)
    decoded = decode(data, content_type)
    text = decoded.text
    sample = text[:_CONTROL_SAMPLE_CHARS]
    if _control_count(sample) > _MAX_CONTROL_SHARE * len(sample):
        raise UnreadableInput("input is binary data of an unknown kind")
    if kind == "html":
        from .html import read_html
        # Bytes that decoded as UTF-8 are the text's UTF-8 encoding: not encoded again.
        return read_html(text, data if decoded.source == "utf-8" else None)
    if len(text) > MAX_TEXT_CHARS:
        raise InputTooLarge(f"{kind}: {len(text)} characters, over the {MAX_TEXT_CHARS} limit")
    from .text import read_text
    return read_text(text, kind=kind)


def _read_scan(kind: str, data: bytes) -> Document:
    from . import ocr_engine
    from .ocr import read_image, read_scanned_pdf

    if not ocr_engine.available():
        raise NeedsOCR(f"{kind}: a scan, needs OCR, and the OCR engine is not installed "
                       "(pip install rapidocr onnxruntime)")
    return read_scanned_pdf(data) if kind == "pdf" else read_image(data)


def _control_count(text: str) -> int:
    encoded = text.encode("utf-8", "surrogatepass")
    return len(encoded) - len(encoded.translate(None, _CONTROL_BYTES)) + text.count("\ufffd")
