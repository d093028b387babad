"""DOCX -> Document from the package's own XML (lxml), after checking the ZIP is not a bomb
or an XML attack.

word/document.xml is read directly: python-docx builds an object for every element and took
5-10x the time of the XML parse itself (docs/parsers.md gives the measurements). Tables are
read so that a merged cell appears once: a horizontally merged cell is a single w:tc with
w:gridSpan, and the rows a vertically merged cell continues into carry a w:vMerge continuation
that is skipped. The title is the first paragraph in a title or heading style (names from
word/styles.xml), else the core properties' title.
"""
from __future__ import annotations

import posixpath
import zipfile
import zlib
from io import BytesIO
from itertools import islice

from lxml import etree

from ..document import Block, Document, Table
from ..errors import UnreadableInput
from .textnorm import clean, document_title, publish_date_in

MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200  # real DOCX XML compresses 5-30x; bombs compress 1000x and more
_RATIO_FLOOR_BYTES = 1024 * 1024  # tiny parts may compress well without harm
MAX_ENTRIES = 5000
_DATE_SEARCH_PARAGRAPHS = 20
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_P, _TBL, _SDT, _TR, _TC, _BODY = (f"{_W}{tag}" for tag in ("p", "tbl", "sdt", "tr", "tc", "body"))
_SDT_CONTENT, _TCPR, _VMERGE, _VAL = f"{_W}sdtContent", f"{_W}tcPr", f"{_W}vMerge", f"{_W}val"
_T, _PPR, _PSTYLE = f"{_W}t", f"{_W}pPr", f"{_W}pStyle"
_NAMESPACES = {"w": _W[1:-1], "dc": "http://purl.org/dc/elements/1.1/",
               "r": "http://schemas.openxmlformats.org/package/2006/relationships"}
# A paragraph's text, tracked insertions included and deletions left out (w:delText, and the
# origin of moved text); tabs and breaks as spaces. Compiled once.
_TEXT_NODES = etree.XPath(".//w:t[not(ancestor::w:moveFrom)] | .//w:tab | .//w:br | .//w:cr",
                          namespaces=_NAMESPACES)
_STYLE_NAMES = etree.XPath("/w:styles/w:style[@w:type='paragraph']", namespaces=_NAMESPACES)
_CORE_TITLE = etree.XPath("//dc:title/text()", namespaces=_NAMESPACES)
_RELATIONSHIP = etree.XPath("/r:Relationships/r:Relationship", namespaces=_NAMESPACES)
_OFFICE_DOCUMENT = "/officeDocument"
_CORE_PROPERTIES = "/metadata/core-properties"
_STYLES = "/styles"
# python-docx's parser settings, kept so the text read is the same: entities are never
# expanded (check_package refuses a DTD before this), whitespace between tags is dropped.
_PARSER = etree.XMLParser(remove_blank_text=True, resolve_entities=False, no_network=True)


def read_docx(data: bytes) -> Document:
    check_package(data)
    with zipfile.ZipFile(BytesIO(data)) as archive:
        package = _Package(archive)
        body = package.xml(package.document).find(_BODY)
        if body is None:
            raise UnreadableInput("docx: the document part has no body")
        blocks = _blocks(body)
        title = _styled_title(body, package) or document_title(package.core_title())
    warnings = [] if blocks else ["docx: no text in the document body (images only?)"]
    return Document(blocks=blocks, kind="docx", title=title,
                    publish_date=_publish_date(blocks), warnings=warnings)


class _Package:
    """The parts this reader needs, found through the package's relationships as Word does;
    a part a relationship names that is not in the ZIP is a broken package."""

    def __init__(self, archive: zipfile.ZipFile) -> None:
        self.archive = archive
        self.names = set(archive.namelist())
        root = self._targets("", "_rels/.rels")
        self.document = root.get(_OFFICE_DOCUMENT, "word/document.xml")
        self.core = root.get(_CORE_PROPERTIES)
        folder, name = posixpath.split(self.document)
        self.styles = self._targets(folder, f"{folder}/_rels/{name}.rels").get(_STYLES)

    def xml(self, name: str):
        if name not in self.names:
            raise UnreadableInput(f"docx: broken package, missing part '{name}'")
        try:
            root = etree.fromstring(_part(self.archive, self.archive.getinfo(name)), _PARSER)
        except etree.XMLSyntaxError as exc:
            raise UnreadableInput(f"docx: {name} is not well-formed XML ({exc})") from None
        # Entities are never expanded (resolve_entities=False, no_network) and a DOCX never
        # needs a DTD: one is refused with a clear reason rather than read around.
        if root.getroottree().docinfo.doctype:
            raise UnreadableInput(f"docx: {name} declares a DTD (refused: XML entity attack)")
        return root

    def core_title(self) -> str | None:
        if not self.core:
            return None
        titles = _CORE_TITLE(self.xml(self.core))
        return str(titles[0]) if titles else None

    def style_names(self) -> dict[str | None, str]:
        """Paragraph style id -> name; None -> the default paragraph style's name."""
        if not self.styles:
            return {}
        names: dict[str | None, str] = {}
        for style in _STYLE_NAMES(self.xml(self.styles)):
            name = style.find(f"{_W}name")
            names[style.get(f"{_W}styleId")] = name.get(_VAL, "") if name is not None else ""
            if style.get(f"{_W}default") in ("1", "true", "on"):
                names.setdefault(None, names[style.get(f"{_W}styleId")])
        return names

    def _targets(self, folder: str, rels: str) -> dict[str, str]:
        """Relationship type (its last path segments) -> part name, for one .rels part."""
        if rels not in self.names:
            return {}
        targets = {}
        for relationship in _RELATIONSHIP(self.xml(rels)):
            if relationship.get("TargetMode") == "External":
                continue
            target = relationship.get("Target", "")
            part = target[1:] if target.startswith("/") else posixpath.normpath(
                posixpath.join(folder, target))
            kind = relationship.get("Type", "")
            for suffix in (_OFFICE_DOCUMENT, _CORE_PROPERTIES, _STYLES):
                if kind.endswith(suffix):
                    targets.setdefault(suffix, part)
        return targets


def check_package(data: bytes) -> None:
    """Refuse ZIP bombs and ZIP archives that are not Word documents before any part is read.
    (A part with a DTD is refused when it is parsed: _Package.xml.)"""
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


def _styled_title(body, package: _Package) -> str | None:
    """The first of the opening body paragraphs in a title or heading style ("标题" in
    Chinese); a paragraph without a known style has the default paragraph style."""
    paragraphs = list(islice(body.iterchildren(_P), _DATE_SEARCH_PARAGRAPHS))
    names = package.style_names() if paragraphs else {}
    for paragraph in paragraphs:
        style = paragraph.find(f"{_PPR}/{_PSTYLE}")
        name = names.get(style.get(_VAL) if style is not None else None) or names.get(None, "")
        text = clean(_paragraph_text(paragraph))
        if (name.lower().startswith(("title", "heading")) or "标题" in name) and text:
            return text
    return None


def _publish_date(blocks: list[Block]) -> str | None:
    lines = [b for b in blocks[:_DATE_SEARCH_PARAGRAPHS] if isinstance(b, str)]
    return next((date for line in lines if (date := publish_date_in(line))), None)
