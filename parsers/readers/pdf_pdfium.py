"""A PDF's pages through PDFium (pypdfium2): characters with their boxes, and ruling edges.

PDFium parses and lays out in C: a page's characters come with their boxes in one pass, where
pdfminer (under pdfplumber) interprets every content-stream operator in Python, 10-20x slower
(docs/parsers.md gives the measurements). Only the raw facts are read here; lines and tables
are made from them in parsers/readers/pdf_layout.py.

Ruling edges follow pdfminer's reading of a path, as pdfplumber's table finder expects it:
each subpath on its own; a single segment is a line; a closed axis-aligned four-sided subpath
is a rectangle (its four sides); anything else contributes its straight pieces.
"""
from __future__ import annotations

import ctypes
import struct
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

import pypdfium2 as pdfium
import pypdfium2.raw as raw

# PDFium keeps global state and is not thread-safe: one document at a time per process.
LOCK = threading.Lock()
_PATH, _FORM = raw.FPDF_PAGEOBJ_PATH, raw.FPDF_PAGEOBJ_FORM
_MOVETO, _BEZIERTO = raw.FPDF_SEGMENT_MOVETO, raw.FPDF_SEGMENT_BEZIERTO
_MAX_FORM_DEPTH = 8  # forms inside forms: real files nest two or three deep
_BAD_PASSWORD = 4  # FPDF_ERR_PASSWORD
_NOT_PRINTED = frozenset((0, 0x0A, 0x0D, 0xFFFE, 0xFFFF))
# PDFium reports a hyphen ending a line as U+0002 (it may be a soft one): printed, it is "-".
_SOFT_HYPHEN, _HYPHEN = 0x02, "-"


class PdfiumError(Exception):
    """The document cannot be opened; `encrypted` when a password is needed."""

    def __init__(self, message: str, encrypted: bool = False) -> None:
        super().__init__(message)
        self.encrypted = encrypted


@dataclass(slots=True)
class Char:
    text: str
    x0: float
    x1: float
    top: float  # distances from the top of the page, as pdfplumber measures them
    bottom: float
    size: float  # font size as printed (the text matrix's scale included)


# A horizontal ("h") or vertical ("v") ruling piece, in the form pdfplumber's table finder
# takes: x0, x1, top, bottom, width, height, orientation.
Edge = dict
_PREFILTER_EDGE = 1.0  # points: pdfplumber's table finder drops shorter pieces first


def _add_edge(edges: list[Edge], x0: float, x1: float, top: float, bottom: float,
              orientation: str) -> None:
    width, height = x1 - x0, bottom - top
    if (width if orientation == "h" else height) >= _PREFILTER_EDGE:
        edges.append({"x0": x0, "x1": x1, "top": top, "bottom": bottom, "width": width,
                      "height": height, "orientation": orientation})


@dataclass
class Page:
    number: int  # from 1
    height: float
    chars: list[Char]
    edges: list[Edge]
    needs_maps: bool = False  # a font gives no Unicode (no ToUnicode map): not read further
    left_out: int = 0  # read with FontCheck: characters of fonts without a program, left out


def open_document(data: bytes) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        encrypted = getattr(exc, "err_code", None) == _BAD_PASSWORD
        raise PdfiumError(str(exc).splitlines()[0][:160] if str(exc) else "", encrypted) from None


def title(document: pdfium.PdfDocument) -> str | None:
    return document.get_metadata_dict().get("Title") or None


def pages(document: pdfium.PdfDocument, fonts: FontCheck | None = None) -> Iterator[Page]:
    """Each page's characters and edges. With `fonts`, the characters of fonts that give no
    Unicode and have no program are left out (counted), and Unmappable is raised for those
    that have one."""
    for index in range(len(document)):
        page = document[index]
        try:
            yield _read_page(page, index + 1, fonts)
        finally:
            page.close()


def _read_page(page: pdfium.PdfPage, number: int, fonts: FontCheck | None) -> Page:
    left, bottom, _, top = page.get_mediabox()
    height = top - bottom
    text_page = raw.FPDFText_LoadPage(page.raw)
    left_out = 0
    try:
        chars = _chars(text_page, left, top, fonts)
        if chars is None:
            return Page(number, height, [], [], needs_maps=True)
        if fonts is not None:
            chars, left_out = fonts.readable(text_page, chars)
    finally:
        raw.FPDFText_ClosePage(text_page)
    edges: list[Edge] = []
    _collect_edges(ctypes.cast(page.raw, ctypes.c_void_p).value, _count_objects, _get_object,
                   (1.0, 0.0, 0.0, 1.0, -left, -bottom), height, edges, 0)
    return Page(number, height, chars, edges, left_out=left_out)


def _chars(text_page, left: float, top: float, fonts: FontCheck | None = None) -> list[Char] | None:
    """The printed characters; None at the first one whose font gives no Unicode, unless
    `fonts` is given: then the characters' text objects go to it (FontCheck)."""
    count = raw.FPDFText_CountChars(text_page)
    codes = _codes(text_page, count)
    page = ctypes.cast(text_page, ctypes.c_void_p).value
    box, origin_x, origin_y = _BOX, _ORIGIN_X, _ORIGIN_Y
    box_at, x_at, y_at = ctypes.addressof(box), ctypes.addressof(origin_x), ctypes.addressof(origin_y)
    loose_box, get_origin, map_error = _loose_box, _char_origin, _map_error
    text_object, sizes = _text_object_address, {}  # a text object's characters share a size
    chars = []
    for index, code in enumerate(codes):
        flagged = map_error(page, index) == 1
        # PDFium adds the spaces and line ends it infers (its word spaces come from font
        # metrics and split "第1项" where LibreOffice changes fonts): only printed ones count.
        # A code without Unicode is printed whatever its value.
        if not flagged and (code in _NOT_PRINTED
                            or (code == 0x20 and raw.FPDFText_IsGenerated(text_page, index) == 1)):
            continue
        if flagged and fonts is None:
            return None
        loose_box(page, index, box_at)
        get_origin(page, index, x_at, y_at)  # the box's left is the glyph's, less exact
        obj = text_object(page, index)
        if fonts is not None:
            fonts.objects.append(obj)
            if flagged:
                fonts.flagged.append((index, obj))
        size = sizes.get(obj)
        if size is None:
            size = sizes[obj] = _size(text_page, index)
        chars.append(Char(_HYPHEN if code == _SOFT_HYPHEN else chr(code), origin_x.value - left,
                          box.right - left, top - box.top, top - box.bottom, size))
    return chars


def _size(text_page, index: int) -> float:
    """The character's font size as printed (the text matrix's scale included)."""
    matrix = _CHAR_MATRIX
    raw.FPDFText_GetMatrix(text_page, index, matrix)
    return raw.FPDFText_GetFontSize(text_page, index) * (abs(matrix.d) or abs(matrix.b) or 1.0)


def _prototype(function, restype, *argtypes):
    """A PDFium function called with addresses as plain ints: pypdfium2's prototypes check and
    convert each argument, which costs more than the call for the per-character functions
    (0.8 against 0.4 µs for FPDFText_GetCharOrigin, measured)."""
    return ctypes.CFUNCTYPE(restype, *argtypes)(ctypes.cast(function, ctypes.c_void_p).value)


_PAGE_INDEX = (ctypes.c_void_p, ctypes.c_int)
_loose_box = _prototype(raw.FPDFText_GetLooseCharBox, ctypes.c_int, *_PAGE_INDEX, ctypes.c_void_p)
_char_origin = _prototype(raw.FPDFText_GetCharOrigin, ctypes.c_int, *_PAGE_INDEX,
                          ctypes.c_void_p, ctypes.c_void_p)
_map_error = _prototype(raw.FPDFText_HasUnicodeMapError, ctypes.c_int, *_PAGE_INDEX)
_text_object_address = _prototype(raw.FPDFText_GetTextObject, ctypes.c_void_p, *_PAGE_INDEX)
_font_address = _prototype(raw.FPDFTextObj_GetFont, ctypes.c_void_p, ctypes.c_void_p)
# Out-parameters of the character calls, reused (PDFium runs under LOCK).
_BOX, _CHAR_MATRIX = raw.FS_RECTF(), raw.FS_MATRIX()
_ORIGIN_X, _ORIGIN_Y = ctypes.c_double(), ctypes.c_double()


def _codes(text_page, count: int) -> list[int]:
    """Every character's code point, in one call when each is one UTF-16 unit (all of CJK's
    common plane); one call per character otherwise."""
    if count <= 0:
        return []
    buffer = (ctypes.c_ushort * (count + 1))()
    written = raw.FPDFText_GetText(text_page, 0, count, buffer) - 1
    if written != count or any(0xD800 <= unit < 0xE000 for unit in buffer[:count]):
        return [raw.FPDFText_GetUnicode(text_page, index) for index in range(count)]
    codes = buffer[:count]
    # The text writes a hyphen ending a line as U+FFFE, where the character itself is U+0002.
    return [raw.FPDFText_GetUnicode(text_page, index) if code == 0xFFFE else code
            for index, code in enumerate(codes)] if 0xFFFE in codes else codes


def _collect_edges(parent, count_objects, get_object, ctm: tuple, height: float,
                   edges: list[Edge], depth: int) -> None:
    object_type = _object_type
    for index in range(count_objects(parent)):
        obj = get_object(parent, index)
        kind = object_type(obj)
        if kind == _PATH:
            _path_edges(obj, ctm, height, edges)
        elif kind == _FORM and depth < _MAX_FORM_DEPTH:
            _collect_edges(obj, _form_count_objects, _form_object,
                           _times(_matrix(obj), ctm), height, edges, depth + 1)


def _matrix(obj) -> tuple:
    m = _SCRATCH_MATRIX
    _object_matrix(obj, _SCRATCH_MATRIX_AT)
    return (m.a, m.b, m.c, m.d, m.e, m.f)


def _times(m: tuple, n: tuple) -> tuple:
    """m then n, as PDF composes transformation matrices."""
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (a * a2 + b * c2, a * b2 + b * d2, c * a2 + d * c2, c * b2 + d * d2,
            e * a2 + f * c2 + e2, e * b2 + f * d2 + f2)


# Out-parameters reused by every call (PDFium runs under LOCK): allocating ctypes objects for
# each of a page's thousand paths cost more than the calls.
_SCRATCH_MATRIX = raw.FS_MATRIX()
_FILL_MODE, _STROKE = ctypes.c_int(), ctypes.c_int()
_X, _Y = ctypes.c_float(), ctypes.c_float()
_SCRATCH_MATRIX_AT, _FILL_MODE_AT, _STROKE_AT = (
    ctypes.addressof(_SCRATCH_MATRIX), ctypes.addressof(_FILL_MODE), ctypes.addressof(_STROKE))
_X_AT, _Y_AT = ctypes.addressof(_X), ctypes.addressof(_Y)
# The page-object calls, made for each of a page's ~1,500 objects, with int addresses too.
_count_objects = _prototype(raw.FPDFPage_CountObjects, ctypes.c_int, ctypes.c_void_p)
_get_object = _prototype(raw.FPDFPage_GetObject, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int)
_form_count_objects = _prototype(raw.FPDFFormObj_CountObjects, ctypes.c_int, ctypes.c_void_p)
_form_object = _prototype(raw.FPDFFormObj_GetObject, ctypes.c_void_p, ctypes.c_void_p,
                          ctypes.c_ulong)
_object_type = _prototype(raw.FPDFPageObj_GetType, ctypes.c_int, ctypes.c_void_p)
_object_matrix = _prototype(raw.FPDFPageObj_GetMatrix, ctypes.c_int, ctypes.c_void_p,
                            ctypes.c_void_p)
_draw_mode = _prototype(raw.FPDFPath_GetDrawMode, ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p,
                        ctypes.c_void_p)
_count_segments = _prototype(raw.FPDFPath_CountSegments, ctypes.c_int, ctypes.c_void_p)
_segment_point = _prototype(raw.FPDFPathSegment_GetPoint, ctypes.c_int, ctypes.c_void_p,
                            ctypes.c_void_p, ctypes.c_void_p)
_segment_type = _prototype(raw.FPDFPathSegment_GetType, ctypes.c_int, ctypes.c_void_p)
_segment_close = _prototype(raw.FPDFPathSegment_GetClose, ctypes.c_int, ctypes.c_void_p)


def _path_edges(path, ctm: tuple, height: float, edges: list[Edge]) -> None:
    _draw_mode(path, _FILL_MODE_AT, _STROKE_AT)
    if not _FILL_MODE.value and not _STROKE.value:  # a clipping path: nothing is painted
        return
    for shape, points in _subpaths(path, _times(_matrix(path), ctm), height):
        _subpath_edges(shape, points, edges)


def _subpaths(path, ctm: tuple, height: float) -> list[tuple[str, list[tuple[float, float]]]]:
    """Each subpath as pdfminer sees it: its operators ("m", "l", "c", "h") and end points,
    page coordinates measured from the top."""
    a, b, c, d, e, f = ctm
    found: list[tuple[str, list[tuple[float, float]]]] = []
    shape, points, bezier = "", [], 0
    for px, py, kind, closed in _segments(path):
        if kind == _BEZIERTO:  # PDFium lists a curve's two control points and its end
            bezier += 1
            if bezier % 3:
                continue
        point = (a * px + c * py + e, height - (b * px + d * py + f))
        if kind == _MOVETO:
            if shape:
                found.append((shape, points))
            shape, points, bezier = "m", [point], 0
            continue
        shape += "c" if kind == _BEZIERTO else "l"
        points.append(point)
        if closed:
            shape += "h"
            points.append(points[0])
    if shape:
        found.append((shape, points))
    return found


# A path's segments are PDFium's CFX_Path::Point array (FPDFPath_GetPathSegment returns a
# pointer into it): x, y as floats, the type (0 line, 1 Bézier, 2 move: FPDF_SEGMENT_*) and the
# close flag as bytes, 12 bytes each. Reading the array in one copy costs one call a path where
# four calls a segment cost ~12 µs a path (Chromium prints ~1,000 border rectangles a page).
# The layout is checked against the API on the first path of two segments or more; if it differs (another PDFium
# build), segments are read one call at a time.
_POINT = struct.Struct("<ffBB2x")
_segment_address = _prototype(raw.FPDFPath_GetPathSegment, ctypes.c_void_p, ctypes.c_void_p,
                              ctypes.c_int)
_layout_checked: list[bool] = []  # [True] when the array layout matched the API, [False] if not


def _segments(path) -> list[tuple[float, float, int, int]]:
    count = _count_segments(path)
    if count <= 0:
        return []
    if not _layout_checked and count > 1:  # two segments at least: the stride is checked too
        _layout_checked.append(_segments_by_array(path, count) == _segments_by_call(path, count))
    if _layout_checked and _layout_checked[0]:
        return _segments_by_array(path, count)
    return _segments_by_call(path, count)


def _segments_by_array(path, count: int) -> list[tuple[float, float, int, int]]:
    data = ctypes.string_at(_segment_address(path, 0), count * _POINT.size)
    return list(_POINT.iter_unpack(data))


def _segments_by_call(path, count: int) -> list[tuple[float, float, int, int]]:
    x, y = _X, _Y
    found = []
    for index in range(count):
        segment = _segment_address(path, index)
        _segment_point(segment, _X_AT, _Y_AT)
        found.append((x.value, y.value, _segment_type(segment), int(_segment_close(segment) != 0)))
    return found


def _subpath_edges(shape: str, points: list[tuple[float, float]], edges: list[Edge]) -> None:
    if len(shape) > 3 and shape[-2:] == "lh" and points[-2] == points[0]:
        shape, points = shape[:-2] + "h", points[:-2] + points[-1:]
    if shape == "ml" or shape == "mlh":
        (x0, y0), (x1, y1) = points[0], points[1]
        _add_edge(edges, min(x0, x1), max(x0, x1), min(y0, y1), max(y0, y1),
                  "h" if y0 == y1 else "v")
    elif (shape == "mlllh" or shape == "mllll") and _is_rectangle(points):
        (x0, y0), (x1, y1) = points[0], points[2]
        left, right, top, bottom = min(x0, x1), max(x0, x1), min(y0, y1), max(y0, y1)
        _add_edge(edges, left, right, top, top, "h")
        _add_edge(edges, left, right, bottom, bottom, "h")
        _add_edge(edges, left, left, top, bottom, "v")
        _add_edge(edges, right, right, top, bottom, "v")
    else:
        for (x0, y0), (x1, y1) in zip(points, points[1:]):
            if x0 == x1 or y0 == y1:
                _add_edge(edges, min(x0, x1), max(x0, x1), min(y0, y1), max(y0, y1),
                          "v" if x0 == x1 else "h")


def _is_rectangle(points: list[tuple[float, float]]) -> bool:
    (x0, y0), (x1, y1), (x2, y2), (x3, y3), last = points
    return last == points[0] and ((x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0)
                                  or (y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0))


class Unmappable(Exception):
    """A font that gives no Unicode has a program that was not read (parsers/readers/pdf.py
    falls back to pdfminer)."""


@dataclass
class FontCheck:
    """One document's fonts that give PDFium no Unicode, once their embedded TrueType programs
    were given ToUnicode maps (pdf_tounicode): what remains is a Type 3 font (glyphs drawn by
    procedures: no program to map), or a font whose program was not read here (CFF, simple
    TrueType, one PDFium could not load). The first are left out whole, their unflagged
    characters too (PDFium read those through an encoding the font was not given for text: a
    browser's bold Type 3 title came out as "e" and "V"), as pdfminer leaves its "(cid:N)";
    the second raise Unmappable (pdfminer tries them), and so does a font taken as text on an
    earlier page and found without Unicode later."""
    objects: list[int] = field(default_factory=list)  # each character's text object, by _chars
    flagged: list[tuple[int, int]] = field(default_factory=list)  # (index, object) without Unicode
    without_program: set[int] = field(default_factory=set)
    read_as_text: set[int] = field(default_factory=set)

    def readable(self, text_page, chars: list[Char]) -> tuple[list[Char], int]:
        """The characters of fonts that have Unicode or a program, and how many were left out."""
        objects, flagged, self.objects, self.flagged = self.objects, self.flagged, [], []
        fonts = {obj: _font_address(obj) or 0 for obj in set(objects)}  # text object -> font
        for index, obj in flagged:
            if fonts[obj] not in self.without_program:
                if fonts[obj] in self.read_as_text or _has_program(text_page, index):
                    raise Unmappable("a font without Unicode has a program that was not read")
                self.without_program.add(fonts[obj])
        page_fonts = set(fonts.values())
        self.read_as_text.update(page_fonts - self.without_program)
        if not page_fonts & self.without_program:
            return chars, 0
        kept = [char for char, obj in zip(chars, objects) if fonts[obj] not in self.without_program]
        return kept, len(chars) - len(kept)


def _has_program(text_page, index: int) -> bool:
    """False only for a Type 3 font (embedded, drawn by procedures: no font data). A font
    PDFium calls not embedded may still have a program it could not load, which pdfminer
    may read."""
    font = raw.FPDFTextObj_GetFont(raw.FPDFText_GetTextObject(text_page, index))
    size = ctypes.c_size_t()
    raw.FPDFFont_GetFontData(font, None, 0, size)
    return not raw.FPDFFont_GetIsEmbedded(font) or size.value > 0
