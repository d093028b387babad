"""Glyph -> character, from a TrueType font program's own `cmap` table.

For fonts embedded without a ToUnicode map (parsers/readers/pdf_tounicode.py gives them one).
Read with `struct`: fontTools reads the same table but first names every glyph (and a CJK
subset keeps all ~40,000 of its font's glyph numbers): 8-11 ms for the cmap of a 533 KB
subset where this takes ~1 ms, and pdftotext reads the whole document in ~18 ms.
"""
from __future__ import annotations

import struct
import unicodedata

_MAX_TABLES = 64
_MAX_CODES = 0x110000  # code -> glyph pairs a cmap subtable may list: all of Unicode once


class FontError(Exception):
    """The font program is not a TrueType font with a Unicode cmap."""


def glyph_chars(program: bytes) -> dict[int, str]:
    """Each glyph's character, from the program or its first needed_bytes(). A glyph two characters share is kept only when they are one
    character in compatibility form ("一" and the Kangxi radical "⼀": "一"); otherwise it is
    left out (no guess)."""
    try:
        tables = _tables(program)
        if b"cmap" not in tables or b"maxp" not in tables:
            raise FontError("no cmap or maxp table")
        if any(sum(tables[tag]) > len(program) for tag in (b"cmap", b"maxp")):
            raise FontError("cmap or maxp runs past the end")
        glyph_count = _u16(program, tables[b"maxp"][0] + 4)
        codes, shared = _unicode_codes(program, tables[b"cmap"][0], glyph_count)
    except struct.error:
        raise FontError("truncated font program") from None
    chars = {glyph: chr(code) for glyph, code in codes.items() if glyph not in shared}
    for glyph, found in shared.items():
        forms = {unicodedata.normalize("NFKC", chr(code)) for code in found}
        if len(forms) == 1 and len(form := forms.pop()) == 1:
            chars[glyph] = form
    return chars


def _u16(data: bytes, offset: int) -> int:
    return struct.unpack_from(">H", data, offset)[0]


def needed_bytes(start: bytes) -> int | None:
    """How much of a font program glyph_chars reads (the table directory, cmap and maxp),
    from its first bytes; None while they do not hold the whole directory."""
    if len(start) < 12 or len(start) < 12 + 16 * _u16(start, 4):
        return None
    tables = _tables(start)
    return max([12 + 16 * len(tables)] + [offset + length for tag, (offset, length)
                                            in tables.items() if tag in (b"cmap", b"maxp")])


def _tables(data: bytes) -> dict[bytes, tuple[int, int]]:
    """Tag -> (offset, length) from the table directory."""
    if data[:4] not in (b"\x00\x01\x00\x00", b"true"):
        raise FontError("not a TrueType font program")
    count = _u16(data, 4)
    if count > _MAX_TABLES:
        raise FontError(f"{count} tables")
    tables = {}
    for index in range(count):
        tag, _, offset, length = struct.unpack_from(">4sIII", data, 12 + 16 * index)
        tables[tag] = (offset, length)
    return tables


def _unicode_codes(data: bytes, cmap: int, glyph_count: int
                   ) -> tuple[dict[int, int], dict[int, set[int]]]:
    """Each glyph's character code, and the glyphs several codes share with all their codes."""
    codes: dict[int, int] = {}
    shared: dict[int, set[int]] = {}
    subtables = set()
    for index in range(_u16(data, cmap + 2)):
        platform, encoding, offset = struct.unpack_from(">HHI", data, cmap + 4 + 8 * index)
        if (platform == 0 or (platform, encoding) in ((3, 1), (3, 10))) and offset not in subtables:
            subtables.add(offset)  # Unicode and Windows records often name one subtable
            for code, glyph in _subtable(data, cmap + offset):
                if 0 < glyph < glyph_count and code < 0x110000 and not 0xD800 <= code < 0xE000:
                    first = codes.setdefault(glyph, code)
                    if first != code:
                        shared.setdefault(glyph, {first}).add(code)
    if not codes:
        raise FontError("no Unicode cmap")
    return codes, shared


def _subtable(data: bytes, offset: int) -> list[tuple[int, int]]:
    kind = _u16(data, offset)
    if kind == 4:
        return _format4(data, offset)
    if kind == 12:
        count = struct.unpack_from(">I", data, offset + 12)[0]
        pairs: list[tuple[int, int]] = []
        for group in range(count):
            start, end, glyph = struct.unpack_from(">III", data, offset + 16 + 12 * group)
            if end < start or len(pairs) + end - start >= _MAX_CODES:
                raise FontError("bad cmap groups")
            pairs.extend((code, glyph + code - start) for code in range(start, end + 1))
        return pairs
    return []  # formats 0, 2, 6...: single-byte and legacy encodings, not Unicode


def _format4(data: bytes, offset: int) -> list[tuple[int, int]]:
    segments = _u16(data, offset + 6) // 2
    ends = offset + 14
    starts = ends + 2 * segments + 2
    deltas = starts + 2 * segments
    ranges = deltas + 2 * segments
    pairs: list[tuple[int, int]] = []
    for index, (start, end, delta, range_offset) in enumerate(zip(
            struct.unpack_from(f">{segments}H", data, starts),
            struct.unpack_from(f">{segments}H", data, ends),
            struct.unpack_from(f">{segments}h", data, deltas),
            struct.unpack_from(f">{segments}H", data, ranges))):
        if start == 0xFFFF or end < start:
            continue
        if len(pairs) + end - start >= _MAX_CODES:  # overlapping segments: a hostile table
            raise FontError("cmap segments overlap")
        for code in range(start, end + 1):
            if range_offset == 0:
                glyph = (code + delta) & 0xFFFF
            else:
                glyph = _u16(data, ranges + 2 * index + range_offset + 2 * (code - start))
                glyph = (glyph + delta) & 0xFFFF if glyph else 0
            pairs.append((code, glyph))
    return pairs
