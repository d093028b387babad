"""DOCX -> Document with python-docx, after checking the ZIP is not a bomb or an XML attack.

Tables are read from their own XML so that a merged cell appears once: a horizontally merged
cell is a single w:tc with w:gridSpan, and the rows a vertically merged cell continues into
carry a w:vMerge continuation that is skipped (python-docx's row.cells would repeat it).
"""
from __future__ import annotations

import zipfile
import zlib
from io import BytesIO

import docx
from docx.oxml.ns import nsmap, qn
from lxml import etree

from ..document import Block, Document, Table
from ..errors import UnreadableInput
from .textnorm import clean, document_title, publish_date_in

MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200  # real DOCX XML compresses 5-30x; bombs compress 1000x and more
_RATIO_FLOOR_BYTES = 1024 * 1024  # tiny parts may compress well without harm
MAX_ENTRIES = 5000
_DATE_SEARCH_PARAGRAPHS = 20
_P, _TBL, _SDT, _TR, _TC = qn("w:p"), qn("w:tbl"), qn("w:sdt"), qn("w:tr"), qn("w:tc")
_SDT_CONTENT, _TCPR, _VMERGE, _VAL = qn("w:sdtContent"), qn("w:tcPr"), qn("w:vMerge"), qn("w:val")
_T = qn("w:t")
# A paragraph's text, tracked insertions included (python-docx's Paragraph.text skips runs
# inside w:ins) and deletions left out (w:delText, and the origin of moved text); tabs and
# breaks as spaces. Compiled once: python-docx evaluates its XPath afresh for every run.
_TEXT_NODES = etree.XPath(".//w:t[not(ancestor::w:moveFrom)] | .//w:tab | .//w:br | .//w:cr",
                          namespaces={"w": nsmap["w"]})


def read_docx(data: bytes) -> Document:
    check_package(data)
    try:
        word = docx.Document(BytesIO(data))
    except KeyError as exc:  # a part the package lists is missing from the ZIP
        raise UnreadableInput(f"docx: broken package, missing part {exc}") from None
    blocks = _blocks(word.element.body)
    warnings = [] if blocks else ["docx: no text in the document body (images only?)"]
    return Document(blocks=blocks, kind="docx", title=_title(word),
                    publish_date=_publish_date(blocks), warnings=warnings)


def check_package(data: bytes) -> None:
    """Refuse ZIP bombs and XML parts with a DTD before any XML parser sees them.

    python-docx parses with resolve_entities=False, so entities are not expanded anyway; a
    DOCX never needs a DTD, and refusing one gives the user a clear reason."""
    try:
        archive = zipfile.ZipFile(BytesIO(data))
    except zipfile.BadZipFile:
        raise UnreadableInput("docx: not a valid ZIP archive") from None
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_ENTRIES:
            raise UnreadableInput(f"docx: {len(infos)} ZIP entries, over the {MAX_ENTRIES} limit")
        total = sum(info.file_size for info in infos)
        if total > MAX_UNCOMPRESSED_BYTES:
            raise UnreadableInput(f"docx: {total} bytes uncompressed, over the "
                                  f"{MAX_UNCOMPRESSED_BYTES}-byte limit (ZIP bomb?)")
        for info in infos:
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > _RATIO_FLOOR_BYTES and ratio > MAX_COMPRESSION_RATIO:
                raise UnreadableInput(f"docx: {info.filename} compresses {ratio:.0f}:1, "
                                      f"over the {MAX_COMPRESSION_RATIO}:1 limit (ZIP bomb?)")
        names = set(archive.namelist())
        if "word/document.xml" not in names:
            raise UnreadableInput("docx: an OFD document (GB/T 33190), not supported"
                                  if "OFD.xml" in names else
                                  "docx: ZIP archive is not a Word document (no word/document.xml)")
        for info in infos:
            if info.filename.endswith((".xml", ".rels")) and b"<!DOCTYPE" in _part(archive, info):
                raise UnreadableInput(f"docx: {info.filename} declares a DTD (refused: XML entity attack)")


def _part(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    try:
        return archive.read(info)
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise UnreadableInput(f"docx: corrupt ZIP archive ({exc})") from None


def _blocks(container) -> list[Block]:
    blocks: list[Block] = []
    for child in container.iterchildren():
        if child.tag == _P:
            if text := clean(_paragraph_text(child)):
                blocks.append(text)
        elif child.tag == _TBL:
            blocks.append(Table(_rows(child)))
        elif child.tag == _SDT:  # a content control: its content sits in w:sdtContent
            for content in child.iterchildren(_SDT_CONTENT):
                blocks.extend(_blocks(content))
    return blocks


def _paragraph_text(paragraph) -> str:
    return "".join((node.text or "") if node.tag == _T else " " for node in _TEXT_NODES(paragraph))


def _rows(table) -> list[list[str]]:
    rows = []
    for tr in table.iterchildren(_TR):
        cells = [_cell_text(tc) for tc in tr.iterchildren(_TC) if not _continues_merge(tc)]
        if cells:
            rows.append(cells)
    return rows


def _continues_merge(tc) -> bool:
    """A w:vMerge without val="restart" continues the merged cell above it."""
    properties = tc.find(_TCPR)
    merge = properties.find(_VMERGE) if properties is not None else None
    return merge is not None and merge.get(_VAL) != "restart"


def _cell_text(tc) -> str:
    return clean(" ".join(_paragraph_text(p) for p in tc.iter(_P)))


def _title(word) -> str | None:
    for paragraph in word.paragraphs[:_DATE_SEARCH_PARAGRAPHS]:
        style = (paragraph.style.name if paragraph.style is not None else "").lower()
        if (style.startswith(("title", "heading")) or "标题" in style) and clean(paragraph.text):
            return clean(paragraph.text)
    return document_title(word.core_properties.title)


def _publish_date(blocks: list[Block]) -> str | None:
    lines = [b for b in blocks[:_DATE_SEARCH_PARAGRAPHS] if isinstance(b, str)]
    return next((date for line in lines if (date := publish_date_in(line))), None)
