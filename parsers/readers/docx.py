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
import re
import zipfile
import zlib
from io import BytesIO
from collections.abc import Iterator
from itertools import islice

from lxml import etree

from ..document import Block, Document, Table
from ..errors import UnreadableInput, as_parse_errors
from .textnorm import clean, clean_marked, document_title, publish_date_in

MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200  # real DOCX XML compresses 5-30x; bombs compress 1000x and more
_RATIO_FLOOR_BYTES = 1024 * 1024  # tiny parts may compress well without harm
MAX_ENTRIES = 5000
_DATE_SEARCH_PARAGRAPHS = 20
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_P, _BODY, _VAL = f"{_W}p", f"{_W}body", f"{_W}val"
_PPR, _PSTYLE = f"{_W}pPr", f"{_W}pStyle"
_STYLES_CHUNK = 8192  # bytes of the styles part decompressed and parsed at a time
_STYLES_SKIP_LIMIT = 65536
_STYLE_MAX_BYTES = 65536  # of one w:style element cut out by _scanned_style_names (Word's: < 5 KB)
_STYLE, _TYPE, _NAME, _STYLE_ID, _DEFAULT = (f"{_W}{name}" for name in (
    "style", "type", "name", "styleId", "default"))
# The styles part as Word writes it, searched as bytes (_scanned_style_names).
_STYLES_ROOT = re.compile(rb"<w:styles\s[^>]*>")
_W_DECLARATION = f'xmlns:w="{_W[1:-1]}"'.encode()
_STYLE_TAG = re.compile(rb"<w:style[\s/>]")
_STYLE_END = b"</w:style>"
_NAMESPACES = {"w": _W[1:-1], "dc": "http://purl.org/dc/elements/1.1/",
               "r": "http://schemas.openxmlformats.org/package/2006/relationships"}
# Private-use characters mark boundaries in the text the stylesheet writes; any already in
# the document are removed first (from its UTF-8 bytes, before parsing).
_BREAK, _CELL_END, _ROW_END, _TABLE_START, _TABLE_END, _CONTINUED = _MARKS = (
    "\ue000\ue001\ue002\ue003\ue004\ue005")
# Their UTF-8 bytes: EE 80 80-85 (one regex pass; six substring scans took 0.1 ms a document).
_MARK_BYTES = re.compile(b"\xee\x80[\x80-\x85]")
# Layout that holds no text, taken out of word/document.xml's bytes before it is parsed: a
# cell's width (w:tcW) and run properties made of empty elements only (fonts, sizes, language:
# the bulk of what Word, WPS and LibreOffice write, 3-5x the text's bytes), none of them one
# the stylesheet reads (a w:tab there would be a space). libxml2 cannot skip elements while it
# builds the tree, and the tree and the XSLT's walk cost time by the node; a regex with a
# literal start costs a fraction. Whole elements only: a tag cannot hold "<", nor can text
# unescaped; not done when CDATA could hide a tag-like text (_lean).
_LAYOUT_ONLY = (re.compile(rb"<w:tcW [^<>]*/>"), re.compile(
    rb"<w:rPr>(?:<w:(?!(?:t|tab|br|cr|vMerge)[ />])[A-Za-z]+(?: [^<>]*)?/>)*</w:rPr>"))
# A cell a vertical merge continues: _CONTINUED where a cell starts, through its _CELL_END.
_CONTINUED_CELL = re.compile(
    f"{_CONTINUED}(?<=[{_CELL_END}{_ROW_END}{_TABLE_START}]{_CONTINUED})[^{_CELL_END}]*{_CELL_END}")


def _marked_text_xslt() -> etree.XSLT:
    """The body's paragraphs between _BREAK marks and its tables as _TABLE_START, cells each
    ended by _CELL_END and rows by _ROW_END, _TABLE_END; content controls (w:sdt) give their
    content. Text is w:t's, tracked insertions included and deletions left out (w:delText,
    and the origin of moved text: w:moveFrom); tabs and breaks are spaces. A table's own rows
    and cells only (ones wrapped in a content control are not read). A cell a vertical merge
    continues (w:vMerge without val="restart") starts with _CONTINUED, and _blocks leaves it
    out: a merged cell appears once. (Marking it costs a template on the w:vMerge elements
    only; a match pattern testing every w:tc for one took a third of the transform.) Inside a
    cell, every paragraph (a nested table's too) starts with a space; nested tables are read
    in their own mode, so their merges never mark the cell holding them."""
    def mark(character: str) -> str:
        return f"&#x{ord(character):X};"

    text_rules = "".join(f"""
<xsl:template match="w:t" mode="{mode}"><xsl:value-of select="."/></xsl:template>
<xsl:template match="w:tab|w:br|w:cr" mode="{mode}"><xsl:text> </xsl:text></xsl:template>
<xsl:template match="w:moveFrom|text()" mode="{mode}"/>""" for mode in ("paragraph", "cell", "nested"))
    return etree.XSLT(etree.XML(f"""\
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform" xmlns:w="{_W[1:-1]}">
<xsl:output method="text" encoding="UTF-8"/>
<xsl:template match="/"><xsl:apply-templates select="w:document/w:body/*"/></xsl:template>
<xsl:template match="w:p">{mark(_BREAK)}<xsl:apply-templates mode="paragraph"/>{mark(_BREAK)}</xsl:template>
<xsl:template match="w:sdt"><xsl:apply-templates select="w:sdtContent/*"/></xsl:template>
<xsl:template match="w:tbl">{mark(_TABLE_START)}<xsl:apply-templates select="w:tr" mode="row"/>{mark(_TABLE_END)}</xsl:template>
<xsl:template match="*"/>
<xsl:template match="w:tr" mode="row"><xsl:apply-templates select="w:tc" mode="row"/>{mark(_ROW_END)}</xsl:template>
<xsl:template match="w:tc" mode="row"><xsl:apply-templates mode="cell"/>{mark(_CELL_END)}</xsl:template>
<xsl:template match="w:vMerge" mode="cell">{mark(_CONTINUED)}</xsl:template>
<xsl:template match="w:vMerge[@w:val='restart']" mode="cell"/>
<xsl:template match="w:tbl" mode="cell"><xsl:apply-templates mode="nested"/></xsl:template>
<xsl:template match="w:p" mode="cell"><xsl:text> </xsl:text><xsl:apply-templates mode="cell"/></xsl:template>
<xsl:template match="w:p" mode="nested"><xsl:text> </xsl:text><xsl:apply-templates mode="nested"/></xsl:template>
{text_rules}
</xsl:stylesheet>"""))


_AS_MARKED_TEXT = _marked_text_xslt()
# A paragraph's text for the title, read as the stylesheet reads it (see _marked_text_xslt).
_TEXT_NODES = etree.XPath(".//w:t[not(ancestor::w:moveFrom)]/text() | .//w:tab | .//w:br | .//w:cr",
                          namespaces=_NAMESPACES)
_CORE_TITLE = etree.XPath("//dc:title/text()", namespaces=_NAMESPACES)
_RELATIONSHIP = etree.XPath("/r:Relationships/r:Relationship", namespaces=_NAMESPACES)
_OFFICE_DOCUMENT = "/officeDocument"
_CORE_PROPERTIES = "/metadata/core-properties"
_STYLES = "/styles"
# python-docx's parser settings, kept so the text read is the same: entities are never
# expanded (check_package refuses a DTD before this), whitespace between tags is dropped.
_PARSER = etree.XMLParser(remove_blank_text=True, resolve_entities=False, no_network=True)


def read_docx(data: bytes) -> Document:
    # Not closed: a ZIP in memory holds no file, and the title is read from it on demand.
    package = _Package(_checked_archive(data))
    document = package.xml(package.document, document=True)
    body = document.find(_BODY)
    if body is None:
        raise UnreadableInput("docx: the document part has no body")
    blocks = _blocks(document)
    opening = list(islice(body.iterchildren(_P), _DATE_SEARCH_PARAGRAPHS))
    warnings = [] if blocks else ["docx: no text in the document body (images only?)"]
    return Document(blocks=blocks, kind="docx", title=lambda: _title(opening, package),
                    publish_date=_publish_date(blocks), warnings=warnings)


def _title(opening: list, package: "_Package") -> str | None:
    """The styled title, else the core properties' one. Read on demand (parsers.document's
    _OnDemand): the styles part costs a quarter of the reader, and a report needs this title
    only when its text has none."""
    with as_parse_errors("docx"):
        return _styled_title(opening, package) or document_title(package.core_title())


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
        # checked now, though the parts are read only for the title (on demand)
        for part in (self.document, self.styles, self.core):
            if part and part not in self.names:
                raise UnreadableInput(f"docx: broken package, missing part '{part}'")

    def xml(self, name: str, document: bool = False):
        """The part parsed; the document part without marks (always) and layout (_lean)."""
        if name not in self.names:
            raise UnreadableInput(f"docx: broken package, missing part '{name}'")
        data = _part(self.archive, self.archive.getinfo(name))
        if document and _MARK_BYTES.search(data):
            data = _MARK_BYTES.sub(b"", data)
        try:
            root = etree.fromstring(_lean(data) if document else data, _PARSER)
        except etree.XMLSyntaxError:
            try:  # the error as the part gives it, at its own line and column
                root = etree.fromstring(data, _PARSER)
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

    def style_names(self, wanted: set[str]) -> dict[str | None, str]:
        """Names of the wanted paragraph style ids; None -> the default paragraph style's name.

        The styles part is decompressed as it is read and left as soon as the wanted styles
        are found: the paragraph styles come first, and the table styles after them make up
        most of the part (350 KB in python-docx's template; a full parse costs five times the
        whole document's). Of a part written as Word writes it, only the w:style elements
        that may be wanted are parsed (_scanned_style_names); any other is pull-parsed."""
        if not self.styles:
            return {}
        try:
            with self.archive.open(self.styles) as stream:
                names = _scanned_style_names(stream, wanted)
            if names is None:
                with self.archive.open(self.styles) as stream:
                    names = self._pulled_style_names(stream, wanted)
        except (etree.XMLSyntaxError, zipfile.BadZipFile, zlib.error, EOFError) as exc:
            raise UnreadableInput(f"docx: {self.styles} cannot be read ({exc})") from None
        return names

    def _pulled_style_names(self, stream, wanted: set[str]) -> dict[str | None, str]:
        names: dict[str | None, str] = {}
        parser = etree.XMLPullParser(events=("end",), tag=_STYLE, resolve_entities=False,
                                     no_network=True)
        for chunk in _from_first_style(stream):
            parser.feed(chunk)
            for _, style in parser.read_events():
                if not names and style.getroottree().docinfo.doctype:
                    raise UnreadableInput(f"docx: {self.styles} declares a DTD "
                                          "(refused: XML entity attack)")
                _name_style(style, names)
            if None in names and wanted <= names.keys():
                break
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
    _checked_archive(data).close()


def _checked_archive(data: bytes) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(BytesIO(data))
    except zipfile.BadZipFile:
        raise UnreadableInput("docx: not a valid ZIP archive") from None
    try:
        _check_entries(archive)
    except UnreadableInput:
        archive.close()
        raise
    return archive


def _check_entries(archive: zipfile.ZipFile) -> None:
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


def _name_style(style, names: dict[str | None, str]) -> None:
    if style.get(_TYPE) != "paragraph":
        return
    name = style.find(_NAME)
    names[style.get(_STYLE_ID)] = name.get(_VAL, "") if name is not None else ""
    if style.get(_DEFAULT) in ("1", "true", "on"):
        names.setdefault(None, names[style.get(_STYLE_ID)])


def _scanned_style_names(stream, wanted: set[str]) -> dict[str | None, str] | None:
    """The names _pulled_style_names gives, parsing only the w:style elements whose start tag
    may be the default or a wanted paragraph style (it names "paragraph", and "default", a
    wanted id or an escaped character), each cut out by its tags and parsed under the root's
    start tag; the regex finding the tags skips the rest in C (pull-parsing it cost ~14 µs a
    KB). None for a part not written as Word writes it, whose tags a byte search could
    misread: no <w:styles> root declaring the w prefix, a comment, CDATA or DTD, a start tag
    with unbalanced quotes, a cut-out element that does not parse or no end of one within
    _STYLE_MAX_BYTES (the pull parser reads on in one pass)."""
    keys = [style_id.encode() for style_id in wanted]
    names: dict[str | None, str] = {}
    data, pos, root = b"", 0, None
    while chunk := stream.read(_STYLES_CHUNK):
        if b"<!" in data[-1:] + chunk:
            return None
        data = data[pos:] + chunk
        pos = 0
        if root is None:
            match = _STYLES_ROOT.search(data)
            if match is None:
                if len(data) > _STYLES_SKIP_LIMIT:
                    return None
                continue
            root, pos = match.group(), match.end()
            if _W_DECLARATION not in root:
                return None
        if len(data) - pos > _STYLE_MAX_BYTES:  # no element ends: not searched again and again
            return None
        for start, tag_end, end in _style_spans(data, pos):
            pos = end
            tag = data[start:tag_end]
            if tag.count(b'"') % 2 or tag.count(b"'") % 2:
                return None
            if b"paragraph" not in tag or not (
                    b"default" in tag or b"&" in tag or any(key in tag for key in keys)):
                continue
            try:
                style = etree.fromstring(root + data[start:end] + b"</w:styles>", _PARSER)[0]
            except etree.XMLSyntaxError:
                return None
            _name_style(style, names)
            if None in names and wanted <= names.keys():
                return names
    return names if root is not None else None


def _style_spans(data: bytes, pos: int) -> Iterator[tuple[int, int, int]]:
    """(start, start tag's end, end) of each whole w:style element in data from pos."""
    while match := _STYLE_TAG.search(data, pos):
        tag_end = data.find(b">", match.start()) + 1
        if not tag_end:
            return
        if data[tag_end - 2:tag_end - 1] == b"/":
            end = tag_end
        else:
            close = data.find(_STYLE_END, tag_end)
            if close < 0:
                return
            end = close + len(_STYLE_END)
        yield match.start(), tag_end, end
        pos = end


def _from_first_style(stream) -> Iterator[bytes]:
    """The styles part's bytes in chunks, less what lies between its root's start tag and the
    first w:style (the document defaults and the latent-style table, two thirds of what comes
    before the paragraph styles) when both are found in its first 64 KB as Word writes them."""
    head = b""
    while chunk := stream.read(_STYLES_CHUNK):
        head += chunk
        root = head.find(b"<w:styles")
        root_end = head.find(b">", root) if root >= 0 else -1
        first = head.find(b"<w:style ", root_end) if root_end >= 0 else -1
        if first >= 0 or len(head) > _STYLES_SKIP_LIMIT:
            yield head[: root_end + 1] + head[first:] if first >= 0 else head
            break
    else:
        if head:
            yield head
        return
    while chunk := stream.read(_STYLES_CHUNK):
        yield chunk


def _lean(data: bytes) -> bytes:
    """The document part without the layout of _LAYOUT_ONLY (kept whole when it has CDATA)."""
    if b"<![CDATA[" in data:
        return data
    for pattern in _LAYOUT_ONLY:
        data = pattern.sub(b"", data)
    return data


def _part(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    try:
        return archive.read(info)
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise UnreadableInput(f"docx: corrupt ZIP archive ({exc})") from None


def _blocks(document) -> list[Block]:
    """The body as text with boundary marks (one XSLT pass, in C), whitespace cleaned in one
    pass, split back into paragraphs and tables."""
    text = str(_AS_MARKED_TEXT(document.getroottree()))
    if _CONTINUED in text:
        # a w:vMerge not first in its cell (out of schema order) marks nothing: its mark goes
        text = _CONTINUED_CELL.sub("", text).replace(_CONTINUED, "")
    text = clean_marked(text)
    blocks: list[Block] = []
    for index, part in enumerate(text.split(_TABLE_START)):
        if index:
            table_text, _, part = part.partition(_TABLE_END)
            blocks.append(_table(table_text))
        blocks.extend(line for piece in part.split(_BREAK) if (line := piece.strip()))
    return blocks


def _table(text: str) -> Table:
    rows = []
    for row_text in text.split(_ROW_END):
        if cells := row_text.split(_CELL_END)[:-1]:
            rows.append([cell.strip() for cell in cells])
    return Table(rows)


def _paragraph_text(paragraph) -> str:
    return "".join(node if isinstance(node, str) else " " for node in _TEXT_NODES(paragraph))


def _styled_title(paragraphs: list, package: _Package) -> str | None:
    """The first of the opening body paragraphs in a title or heading style ("标题" in
    Chinese); a paragraph without a known style has the default paragraph style."""
    if not paragraphs:
        return None
    style_ids = [style.get(_VAL) if (style := p.find(f"{_PPR}/{_PSTYLE}")) is not None else None
                 for p in paragraphs]
    names = package.style_names({i for i in style_ids if i is not None})
    for paragraph, style_id in zip(paragraphs, style_ids):
        name = names[style_id] if style_id in names else names.get(None, "")
        if name.lower().startswith(("title", "heading")) or "标题" in name:
            if text := clean(_paragraph_text(paragraph)):
                return text
    return None


def _publish_date(blocks: list[Block]) -> str | None:
    lines = [b for b in blocks[:_DATE_SEARCH_PARAGRAPHS] if isinstance(b, str)]
    return next((date for line in lines if (date := publish_date_in(line))), None)
