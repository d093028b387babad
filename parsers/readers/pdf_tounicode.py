"""ToUnicode maps, made from the embedded font programs, for the CID fonts that lack them.

A PDF printed by a browser with its ToUnicode maps stripped, or from a producer that never
wrote them, leaves PDFium with glyph numbers for the text. The text is still there: an
Identity-H TrueType CID font's code is its CID, the CID names a glyph (CIDToGIDMap, identity
by default), and the embedded font program's own cmap gives the glyph's character — what
poppler and pdfminer read. Feeding PDFium the codes' characters after the fact is not safe:
its text page runs unmapped codes through its right-to-left handling as if they were text,
so a code in a Hebrew or Arabic range comes back mirrored or decomposed (docs/parsers.md).
So the map is given to PDFium instead: each such font gets a ToUnicode CMap, appended to the
file as an incremental update (the new map and the font dictionary that names it, a
cross-reference section, a trailer pointing back at the original one), and PDFium reads the
updated bytes as any file with maps. qpdf (pikepdf) reads the objects; it can only write a
whole new file (12-13 ms for a 340 KB print, pdftotext's whole read is ~18 ms), so the few
update bytes are written here.
"""
from __future__ import annotations

import re
import zlib
from io import BytesIO

import pikepdf

from .pdf_font_cmap import FontError, glyph_chars, needed_bytes

_MAX_DEPTH = 8  # pages tree and form XObjects inside forms
_MAX_NODES = 2000  # page-tree nodes, forms and fonts visited (PDFium refuses over 200 pages)
_FIRST_INFLATE = 4096  # bytes of a font program inflated before its table directory is read
_BFCHAR_BLOCK = 100  # entries a beginbfchar block may hold
_STARTXREF = re.compile(rb"startxref\s+(\d+)\s+%%EOF\s*$")
# "N G" before the last " obj" ahead of a font's /Encoding, within a font dictionary's length.
_OBJECT_NUMBERS = re.compile(rb"(?<![0-9])(\d{1,10})\s+(\d{1,5})\s*$")
_HEADER_REACH = 512
_CMAP_HEAD = (b"/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
              b"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
              b"/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
              b"1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n")
_CMAP_TAIL = b"endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"


def likely_without_maps(data: bytes) -> bool:
    """More Identity-H/V fonts than ToUnicode maps in the bytes: a hint, read in ~0.1 ms, that
    saves PDFium's first pass (~8 ms) on a browser print without maps. Fonts in compressed
    object streams are not seen: PDFium's first pass finds those files."""
    return data.count(b"/Identity-H") + data.count(b"/Identity-V") > data.count(b"/ToUnicode")


def with_tounicode_maps(data: bytes) -> bytes | None:
    """The PDF with a ToUnicode map for each Identity-H TrueType CID font that has none;
    None when no font could be given one (or the file is beyond qpdf and this module)."""
    match = _STARTXREF.search(data[-64:])
    if match is None:
        return None
    try:
        with pikepdf.open(BytesIO(data)) as pdf:
            if pdf.get_warnings():  # qpdf repaired the file: its object numbers are not sure
                return None
            fonts = _fonts_seen_in_bytes(data, pdf)
            fonts = _fonts_without_map(pdf) if fonts is None else fonts
            updates = [(font, cmap) for font in fonts if (cmap := _tounicode(font)) is not None]
            return _updated(data, pdf, updates, int(match.group(1))) if updates else None
    except (pikepdf.PdfError, FontError, _TooLarge, ValueError, TypeError, AttributeError,
            KeyError, RecursionError):
        return None


def _fonts_seen_in_bytes(data: bytes, pdf: pikepdf.Pdf) -> list[pikepdf.Dictionary] | None:
    """Type0 font dictionaries without /ToUnicode found from their "/Identity-H" in the bytes
    (objects written plainly, as browsers do): each occurrence's enclosing "N G obj" is asked
    of qpdf and checked. Walking the pages instead resolves every font of every page, ~1.5 ms
    for a browser print's Type 3 fonts. None when an occurrence leads to no Type0 font (fonts
    in object streams, a long dictionary): the pages are walked then."""
    found: dict[tuple[int, int], pikepdf.Dictionary] = {}
    for encoding in (b"/Identity-H", b"/Identity-V"):
        at = data.find(encoding)
        while at >= 0:
            font = _enclosing_object(data, at, pdf)
            if (len(found) >= _MAX_NODES or not isinstance(font, pikepdf.Dictionary)
                    or font.get("/Subtype") != "/Type0"):
                return None
            if "/ToUnicode" not in font:
                found[font.objgen] = font
            at = data.find(encoding, at + len(encoding))
    return list(found.values()) or None


def _enclosing_object(data: bytes, at: int, pdf: pikepdf.Pdf):
    """The object whose "N G obj" header comes last before `at` (within reach), from qpdf."""
    header = data.rfind(b" obj", max(0, at - _HEADER_REACH), at)
    numbers = _OBJECT_NUMBERS.search(data, max(0, header - 24), header) if header > 0 else None
    return pdf.get_object((int(numbers.group(1)), int(numbers.group(2)))) if numbers else None


def _fonts_without_map(pdf: pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    """Indirect Type0 font dictionaries without /ToUnicode, on the pages and in the forms they
    draw (each once)."""
    found: dict[tuple[int, int], pikepdf.Dictionary] = {}
    seen: set[tuple[int, int]] = set()
    _walk_pages(pdf.Root.get("/Pages"), None, found, seen, 0)
    return list(found.values())


class _TooLarge(Exception):
    """More objects than a report has: the file is left to PDFium's own page limit."""


def _walk_pages(node, inherited, found: dict, seen: set, depth: int) -> None:
    """The page tree, each page's resources (its own or inherited) visited. Walked here:
    pikepdf's page list first copies inherited attributes to every page (~2 ms a file)."""
    if not isinstance(node, pikepdf.Dictionary) or depth > _MAX_DEPTH * 4:
        return
    if node.is_indirect:
        if node.objgen in seen:
            return
        seen.add(node.objgen)
    if len(seen) > _MAX_NODES:
        raise _TooLarge()
    resources = node.get("/Resources", inherited)
    kids = node.get("/Kids")
    if isinstance(kids, pikepdf.Array):
        for kid in kids:
            _walk_pages(kid, resources, found, seen, depth + 1)
    else:
        _visit(resources, found, seen, 0)


def _visit(resources, found: dict, seen: set, depth: int) -> None:
    if not isinstance(resources, pikepdf.Dictionary) or depth > _MAX_DEPTH:
        return
    fonts = resources.get("/Font")
    if isinstance(fonts, pikepdf.Dictionary):
        for font in fonts.values():
            if not font.is_indirect or font.objgen in seen:  # each font once over the pages
                continue
            seen.add(font.objgen)
            if (isinstance(font, pikepdf.Dictionary) and font.get("/Subtype") == "/Type0"
                    and "/ToUnicode" not in font):
                found[font.objgen] = font
    xobjects = resources.get("/XObject")
    if isinstance(xobjects, pikepdf.Dictionary):
        for xobject in xobjects.values():
            if (isinstance(xobject, pikepdf.Stream) and xobject.get("/Subtype") == "/Form"
                    and xobject.objgen not in seen):
                seen.add(xobject.objgen)
                if len(seen) > _MAX_NODES:
                    raise _TooLarge()
                _visit(xobject.get("/Resources"), found, seen, depth + 1)


def _tounicode(font: pikepdf.Dictionary) -> bytes | None:
    """The ToUnicode CMap of an Identity-H TrueType CID font, from its program's cmap."""
    if font.get("/Encoding") not in ("/Identity-H", "/Identity-V"):
        return None
    descendants = font.get("/DescendantFonts")
    if not isinstance(descendants, pikepdf.Array) or len(descendants) != 1:
        return None
    cid_font = descendants[0]
    descriptor = cid_font.get("/FontDescriptor")
    if cid_font.get("/Subtype") != "/CIDFontType2" or not isinstance(descriptor, pikepdf.Dictionary):
        return None
    program = descriptor.get("/FontFile2")
    if not isinstance(program, pikepdf.Stream):
        return None
    try:
        chars = glyph_chars(_program_start(program))
    except (FontError, pikepdf.PdfError, zlib.error):
        return None
    cid_chars = _by_cid(chars, cid_font.get("/CIDToGIDMap"))
    return _cmap(cid_chars) if cid_chars else None


def _program_start(stream: pikepdf.Stream) -> bytes:
    """The font program, or, when it is only deflated, as much of it as glyph_chars reads:
    a browser writes the small tables first, and a CJK subset's glyf and hmtx (~500 KB, 1.3 ms
    to inflate, 2.6 ms through pikepdf) come after its cmap."""
    if stream.get("/Filter") != "/FlateDecode" or "/DecodeParms" in stream:
        return stream.read_bytes()
    inflate, pending, start = zlib.decompressobj(), stream.read_raw_bytes(), b""
    wanted = _FIRST_INFLATE
    while len(start) < wanted and pending:
        start += inflate.decompress(pending, wanted - len(start))
        pending = inflate.unconsumed_tail
        wanted = needed_bytes(start) or len(start) + _FIRST_INFLATE
    return start


def _by_cid(chars: dict[int, str], cid_to_gid) -> dict[int, str] | None:
    if cid_to_gid is None or cid_to_gid == "/Identity":
        return {glyph: char for glyph, char in chars.items() if glyph <= 0xFFFF}
    if not isinstance(cid_to_gid, pikepdf.Stream):
        return None
    table = cid_to_gid.read_bytes()
    return {cid: chars[glyph] for cid in range(min(len(table) // 2, 0x10000))
            if (glyph := int.from_bytes(table[2 * cid: 2 * cid + 2], "big")) in chars}


def _cmap(cid_chars: dict[int, str]) -> bytes:
    entries = [b"<%04X> <%s>" % (cid, b"%04X" % ord(char) if ord(char) <= 0xFFFF
                                 else char.encode("utf-16-be").hex().upper().encode())
               for cid, char in sorted(cid_chars.items())]
    body = b"".join(b"%d beginbfchar\n" % len(block) + b"\n".join(block) + b"\nendbfchar\n"
                    for block in (entries[start: start + _BFCHAR_BLOCK]
                                  for start in range(0, len(entries), _BFCHAR_BLOCK)))
    return _CMAP_HEAD + body + _CMAP_TAIL


def _updated(data: bytes, pdf: pikepdf.Pdf, updates: list, previous_xref: int) -> bytes | None:
    """The original bytes and an incremental update: each map as a new stream object, each
    font dictionary again with /ToUnicode, a cross-reference section and a trailer. New
    objects are numbered from the trailer's /Size (pikepdf's make_stream finds a free number
    by scanning every object: 3.5 ms each); None if that number is taken (a damaged /Size)."""
    size = int(pdf.trailer.get("/Size", 0))
    if size <= 0 or any(pdf.get_object((size + i, 0)) is not None for i in range(len(updates))):
        return None
    out = bytearray(data if data.endswith(b"\n") else data + b"\n")
    offsets: dict[int, tuple[int, int]] = {}  # object number -> (offset, generation)
    for index, (font, cmap) in enumerate(updates):
        number = size + index
        offsets[number] = (len(out), 0)
        out += b"%d 0 obj\n<< /Length %d >>\nstream\n" % (number, len(cmap)) + cmap
        out += b"\nendstream\nendobj\n"
        font_number, generation = font.objgen
        body = font.unparse(resolved=True).rstrip()
        if not (body.startswith(b"<<") and body.endswith(b">>")):
            return None
        offsets[font_number] = (len(out), generation)
        out += b"%d %d obj\n" % (font_number, generation) + body[:-2]
        out += b" /ToUnicode %d 0 R >>\nendobj\n" % number
    xref = len(out)
    out += b"xref\n"
    for number, (offset, generation) in sorted(offsets.items()):
        out += b"%d 1\n%010d %05d n \n" % (number, offset, generation)
    trailer = b"<< /Size %d /Root %s /Prev %d" % (size + len(updates), pdf.trailer.Root.unparse(),
                                                  previous_xref)
    if "/Info" in pdf.trailer:
        trailer += b" /Info " + pdf.trailer.Info.unparse()
    out += b"trailer\n" + trailer + b" >>\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)
