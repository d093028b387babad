"""PDFs whose fonts carry no ToUnicode map: maps made from the embedded font programs' own
cmaps (parsers/readers/pdf_tounicode.py, pdf_font_cmap.py), read on the PDFium path."""
from __future__ import annotations

import struct
from io import BytesIO

import pikepdf
import pytest

from parsers import parse
from parsers.errors import NeedsOCR
from parsers.readers import pdf_plumber, read
from parsers.readers.pdf_font_cmap import FontError, glyph_chars
from parsers.readers.pdf_tounicode import with_tounicode_maps
from tests.conftest import SEED_FILES
from tests.parsers.fixture_builders import seed_reports, without_tounicode


@pytest.fixture(scope="module")
def printed() -> tuple[bytes, bytes]:
    """A seed report printed by Chromium (subset TrueType CID fonts, Identity-H), with its
    ToUnicode maps and without them."""
    from tests.parsers.fixture_builders import chromium_pdf, to_html

    data = chromium_pdf(to_html(seed_reports()[SEED_FILES[3]]).encode())
    if data is None:
        pytest.skip("Chromium is not installed")
    return data, without_tounicode(data)


def _cells(data: bytes) -> dict[str, str | None]:
    return {cell.key: cell.value for cell in parse(data).cells}


def test_fonts_without_maps_read_on_the_fast_path_with_the_same_cells(printed) -> None:
    with_maps, without_maps = printed
    assert b"/ToUnicode" not in without_maps
    before = pdf_plumber.documents_read
    cells = _cells(without_maps)
    assert len(cells) == 200 and cells == _cells(with_maps)
    assert read(without_maps).tables() == read(with_maps).tables()
    assert pdf_plumber.documents_read == before  # pdfminer was not used


def test_fonts_in_compressed_object_streams_too(printed) -> None:
    """Fonts inside object streams are not seen in the bytes: PDFium's first pass finds them,
    and the maps are appended over a cross-reference stream."""
    with_maps, without_maps = printed
    out = BytesIO()
    with pikepdf.open(BytesIO(without_maps)) as pdf:
        pdf.save(out, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    packed = out.getvalue()
    assert b"/Identity-H" not in packed  # the font dictionaries are compressed
    before = pdf_plumber.documents_read
    assert _cells(packed) == _cells(with_maps)
    assert pdf_plumber.documents_read == before


def test_a_font_program_that_cannot_be_read_falls_back_and_invents_no_number(printed) -> None:
    """The fonts' programs replaced by garbage: no map can be made; pdfminer (the last
    resort) reads what it can (here: too little, the file needs OCR), and no cell gets a
    value the report does not print."""
    with_maps, without_maps = printed
    out = BytesIO()
    with pikepdf.open(BytesIO(without_maps)) as pdf:
        programs = [font.DescendantFonts[0].FontDescriptor.FontFile2
                    for page in pdf.pages for font in page.Resources.Font.values()
                    if font.Subtype == "/Type0"]
        for program in programs:
            program.write(b"\x00\x01\x00\x00" + bytes(range(256)) * 4)
        pdf.save(out)
    before = pdf_plumber.documents_read
    try:
        cells = _cells(out.getvalue())
    except NeedsOCR:
        cells = {}
    assert pdf_plumber.documents_read == before + 1
    expected = _cells(with_maps)
    assert all(value == expected.get(key) for key, value in cells.items() if value is not None)


def test_maps_are_appended_as_an_update_and_leave_the_file_as_it_was(printed) -> None:
    _, without_maps = printed
    updated = with_tounicode_maps(without_maps)
    assert updated is not None and updated.startswith(without_maps)
    assert b"/ToUnicode" in updated[len(without_maps):]
    assert with_tounicode_maps(updated) is None  # every font has its map now


def test_a_damaged_file_is_not_updated(printed) -> None:
    _, without_maps = printed
    damaged = without_maps.replace(b"startxref", b"startxrex")
    assert with_tounicode_maps(damaged) is None


# ------------------------------------------------------------------ the font program's cmap


def _font(segments: list[tuple[int, int, int]], glyph_count: int = 100) -> bytes:
    """A TrueType program with only maxp and a (3,1) format-4 cmap of (first code, last code,
    first glyph) segments."""
    segments = sorted(segments) + [(0xFFFF, 0xFFFF, 1)]
    count = len(segments)
    subtable = struct.pack(">HHHHHHH", 4, 16 + 8 * count, 0, 2 * count, 0, 0, 0)
    subtable += struct.pack(f">{count}H", *(end for _, end, _ in segments)) + b"\0\0"
    subtable += struct.pack(f">{count}H", *(start for start, _, _ in segments))
    subtable += struct.pack(f">{count}h", *(((glyph - start + 0x8000) % 0x10000) - 0x8000
                                            for start, _, glyph in segments))
    subtable += struct.pack(f">{count}H", *([0] * count))
    cmap = struct.pack(">HHHHI", 0, 1, 3, 1, 12) + subtable
    maxp = struct.pack(">IH", 0x5000, glyph_count)
    tables = [(b"cmap", cmap), (b"maxp", maxp)]
    offset = 12 + 16 * len(tables)
    directory, body = b"", b""
    for tag, table in tables:
        directory += struct.pack(">4sIII", tag, 0, offset + len(body), len(table))
        body += table
    return struct.pack(">IHHHH", 0x10000, len(tables), 0, 0, 0) + directory + body


def test_glyphs_get_the_characters_the_cmap_gives_them() -> None:
    chars = glyph_chars(_font([(0x30, 0x39, 10), (0x4E00, 0x4E00, 50), (0x2F00, 0x2F00, 50),
                               (0x41, 0x41, 60), (0x42, 0x42, 60), (0x5E02, 0x5E02, 500)]))
    assert [chars[g] for g in range(10, 20)] == list("0123456789")
    assert chars[50] == "一"  # "一" and the Kangxi radical "⼀": one character
    assert 60 not in chars  # "A" and "B" on one glyph: no guess
    assert 500 not in chars  # past the font's 100 glyphs


def test_the_programs_chromium_embeds_are_read(printed) -> None:
    with pikepdf.open(BytesIO(printed[0])) as pdf:
        programs = [font.DescendantFonts[0].FontDescriptor.FontFile2.read_bytes()
                    for font in pdf.pages[0].Resources.Font.values() if font.Subtype == "/Type0"]
    chars = glyph_chars(max(programs, key=len))  # the CJK subset
    assert len(chars) > 300 and {"年", "、", "（"} <= set(chars.values())


@pytest.mark.parametrize("program", [
    b"", b"\x00\x01\x00\x00", b"OTTO" + bytes(100), b"\x00\x01\x00\x00\xff\xff" + bytes(6),
])
def test_what_is_not_a_truetype_program_is_refused(program: bytes) -> None:
    with pytest.raises(FontError):
        glyph_chars(program)


def test_overlapping_segments_are_refused_at_once() -> None:
    """2,000 segments each claiming every code: a hostile table, refused before it is listed."""
    hostile = _font([(0, 0xFFFE, 1)] * 2000)
    with pytest.raises(FontError):
        glyph_chars(hostile)
