"""PDF reader: seed reports drawn by reportlab (STSong-Light, ruled grid, page furniture)."""
from __future__ import annotations

from io import BytesIO

import pytest

from parsers.document import Table
from parsers.errors import NeedsOCR, UnreadableInput
from parsers.readers import read
from tests.conftest import SEED_FILES
from tests.parsers.fixture_builders import (
    expected_document, seed_file, seed_reports, to_pdf, to_pdf_long_table,
)


def _paragraph_text(blocks: list) -> str:
    return "".join(b for b in blocks if isinstance(b, str))


@pytest.mark.parametrize("seed_name", SEED_FILES)
def test_seed_pdf_reads_as_its_document(seed_name: str) -> None:
    seed = seed_reports()[seed_name]
    document = read(seed_file(seed_name, "pdf"), "application/pdf")
    expected = expected_document(seed, "pdf")
    assert document.kind == "pdf"
    assert document.tables() == expected.tables()
    # Line wraps are joined back; where a line ends exactly at the margin the paragraph
    # boundary is a guess, so the text is compared whole, and the headings one by one.
    assert _paragraph_text(document.blocks) == _paragraph_text(expected.blocks)
    headings = [b for b in expected.blocks if isinstance(b, str) and len(b) < 30]
    assert [b for b in document.blocks if b in headings] == headings
    assert document.title == seed.title


def test_title_from_the_larger_print_without_metadata() -> None:
    seed = seed_reports()[SEED_FILES[2]]
    assert read(to_pdf(seed, title_metadata=False)).title == seed.title


def test_page_numbers_and_running_header_are_dropped() -> None:
    document = read(seed_file(SEED_FILES[0], "pdf"))
    assert "- 1 -" not in _paragraph_text(document.blocks)
    assert document.blocks.count("政府信息公开工作年度报告") == 1  # the title line, not the header


def test_table_over_pages_keeps_each_row_once() -> None:
    document = read(to_pdf_long_table(rows=80, repeat_rows=2))
    assert len(document.tables()) == 1
    rows = document.tables()[0].rows
    assert rows[:3] == [["信息内容", "本年制发件数", "本年废止件数"], ["", "（件）", "（件）"],
                        ["第1项", "1", "2"]]
    assert len(rows) == 82
    assert [r[0] for r in rows[2:]] == [f"第{i}项" for i in range(1, 81)]
    assert document.warnings == []  # page 1 holds the table's first part: it has text


def test_unruled_tables_come_from_text_lines() -> None:
    document = read(to_pdf(seed_reports()[SEED_FILES[4]], ruled=False))
    rows = [row for table in document.tables() for row in table.rows]
    assert ["行政规范性文件", "2", "1", "2"] in rows
    assert ["一、本年新收政府信息公开申请数量"] + ["0"] * 7 in rows
    assert ["0"] * 15 in rows  # the appeals table: one line of fifteen numbers
    assert "二、主动公开政府信息情况" in document.blocks


def _drawing_only_pdf() -> bytes:
    from reportlab.pdfgen import canvas

    out = BytesIO()
    page = canvas.Canvas(out)
    page.rect(100, 100, 300, 500, fill=1)
    page.showPage()
    page.save()
    return out.getvalue()


def test_pdf_without_text_needs_ocr() -> None:
    with pytest.raises(NeedsOCR):
        read(_drawing_only_pdf())


def test_pages_without_text_are_named_in_a_warning() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    out = BytesIO()
    pages = canvas.Canvas(out)
    pages.setFont("STSong-Light", 12)
    pages.drawString(72, 700, "一、总体情况：本年度共主动公开政府信息三百零九条。")
    pages.showPage()
    pages.rect(100, 100, 300, 500, fill=1)  # a scanned page: no text layer
    pages.showPage()
    pages.save()
    document = read(out.getvalue())
    assert document.blocks == ["一、总体情况：本年度共主动公开政府信息三百零九条。"]
    assert document.warnings == ["pdf: page(s) 2 have no text layer (images: need OCR)"]


def test_encrypted_pdf_is_unreadable_with_a_reason() -> None:
    from reportlab.lib import pdfencrypt
    from reportlab.pdfgen import canvas

    out = BytesIO()
    page = canvas.Canvas(out, encrypt=pdfencrypt.StandardEncryption("user-secret", "owner-secret"))
    page.drawString(100, 700, "annual report")
    page.save()
    with pytest.raises(UnreadableInput, match="encrypted") as error:
        read(out.getvalue())
    assert "\n" not in str(error.value)


@pytest.mark.parametrize("data", [b"%PDF-1.4\n1 0 obj << /Type /Catalog >>\n%%EOF",
                                  b"%PDF-1.7\n" + bytes(range(256)) * 20])
def test_corrupt_pdf_is_unreadable_not_a_crash(data: bytes) -> None:
    with pytest.raises((UnreadableInput, NeedsOCR)) as error:
        read(data)
    assert "\n" not in str(error.value)


def test_truncated_seed_pdf_is_a_parse_error_or_a_document() -> None:
    data = seed_file(SEED_FILES[1], "pdf")
    for cut in (len(data) // 3, len(data) // 2, len(data) - 200):
        try:
            document = read(data[:cut])
        except (UnreadableInput, NeedsOCR):
            continue
        assert all(isinstance(b, (str, Table)) for b in document.blocks)


def test_cells_from_ruling_lines_are_pdfplumbers() -> None:
    """The indexed intersections_to_cells gives pdfplumber's cells, in its order, on ruled
    grids with missing and partial lines (merged cells, open sides)."""
    import random

    from pdfplumber.table import edges_to_intersections, intersections_to_cells

    from parsers.readers.pdf_layout import intersections_to_cells as indexed

    rng = random.Random(14)
    for _ in range(200):
        xs = sorted(rng.sample(range(0, 400, 10), rng.randint(2, 9)))
        ys = sorted(rng.sample(range(0, 400, 10), rng.randint(2, 9)))
        edges = []
        for y in ys:
            a, b = sorted(rng.sample(xs, 2)) if rng.random() < 0.3 else (xs[0], xs[-1])
            edges.append({"x0": a, "x1": b, "top": y, "bottom": y, "orientation": "h"})
        for x in xs:
            a, b = sorted(rng.sample(ys, 2)) if rng.random() < 0.3 else (ys[0], ys[-1])
            edges.append({"x0": x, "x1": x, "top": a, "bottom": b, "orientation": "v"})
        intersections = edges_to_intersections(edges, 3, 3)
        assert indexed(intersections) == intersections_to_cells(intersections)



def test_snapped_edges_are_pdfplumbers() -> None:
    """The snap that copies only moved edges gives pdfplumber's snap_edges, in its order."""
    import random

    from pdfplumber.table import snap_edges

    from parsers.readers.pdf_layout import _snapped

    rng = random.Random(14)
    for _ in range(100):
        edges = []
        for _ in range(rng.randint(1, 60)):
            a, b = sorted(rng.uniform(0, 400) for _ in range(2))
            at = rng.choice((rng.uniform(0, 400), float(rng.randrange(0, 400, 4))))
            edges.append({"x0": a, "x1": b, "top": at, "bottom": at, "orientation": "h"}
                         if rng.random() < 0.5 else
                         {"x0": at, "x1": at, "top": a, "bottom": b, "orientation": "v"})
        assert _snapped(edges) == snap_edges(edges, 3, 3)


def test_path_points_read_in_one_copy_are_the_apis(browser_printed: bytes) -> None:
    """A path's points copied from PDFium's array are those its per-segment calls give, and
    the per-call fallback (another PDFium build) reads the same edges."""
    import pypdfium2.raw as raw

    from parsers.readers import pdf_pdfium

    with pdf_pdfium.LOCK:
        document = pdf_pdfium.open_document(browser_printed)
        page = document[1]
        paths = [obj for obj in (raw.FPDFPage_GetObject(page.raw, i)
                                 for i in range(raw.FPDFPage_CountObjects(page.raw)))
                 if raw.FPDFPageObj_GetType(obj) == raw.FPDF_PAGEOBJ_PATH]
        assert len(paths) > 100  # Chromium's cell borders
        for path in paths:
            count = raw.FPDFPath_CountSegments(path)
            assert (pdf_pdfium._segments_by_array(path, count)
                    == pdf_pdfium._segments_by_call(path, count))
        page.close()
        edges = [p.edges for p in pdf_pdfium.pages(document)]
        saved = pdf_pdfium._layout_checked[:]
        pdf_pdfium._layout_checked[:] = [False]
        try:
            assert [p.edges for p in pdf_pdfium.pages(document)] == edges
        finally:
            pdf_pdfium._layout_checked[:] = saved
        document.close()


def test_hyphen_ending_a_line_is_kept() -> None:
    """PDFium reports a hyphen at a line's end as a soft hyphen (U+0002, U+FFFE in its text):
    printed, it is a hyphen, as in a URL broken over two lines."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    out = BytesIO()
    page = canvas.Canvas(out)
    page.setFont("STSong-Light", 12)
    page.drawString(72, 700, "政府信息公开网址为：http://gxj.yichun.gov.cn/xxgk-")
    page.drawString(72, 684, "show-61584.html，如需了解更多政府信息，请登录查询。")
    page.showPage()
    page.save()
    text = "".join(read(out.getvalue()).paragraphs())
    assert "xxgk-" in text and "show-61584" in text


@pytest.fixture(scope="module")
def browser_printed() -> bytes:
    from tests.parsers.fixture_builders import chromium_pdf, to_html

    data = chromium_pdf(to_html(seed_reports()[SEED_FILES[4]]).encode())
    if data is None:
        pytest.skip("Chromium is not installed")
    return data


def test_browser_printed_report_gives_the_seeds_cells(browser_printed: bytes) -> None:
    """Chromium prints tables as ruled cells drawn with filled rectangles, text in subset
    TrueType fonts: the cells are those of the seed."""
    from parsers import parse

    cells = {c.key: c.value for c in parse(browser_printed).cells}
    expected = {c.key: c.value for c in parse(seed_file(SEED_FILES[4], "pdf")).cells}
    assert len(cells) == 200 and cells == expected


def test_fonts_without_unicode_maps_read_through_their_programs(browser_printed: bytes) -> None:
    """Without ToUnicode maps PDFium has glyph numbers only; maps are made from the embedded
    fonts' own character maps (tests/parsers/test_pdf_tounicode.py): the same tables."""
    from tests.parsers.fixture_builders import without_tounicode

    unmapped = without_tounicode(browser_printed)
    assert unmapped != browser_printed
    assert read(unmapped).tables() == read(browser_printed).tables()


def _with_unmappable_line(readable: str | None) -> bytes:
    """A page with a line in a subset TrueType font whose ToUnicode map is unlinked and whose
    own character map does not give the codes used (reportlab's single-byte subsets), and
    optionally a readable line in STSong-Light."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    from tests.parsers.fixture_builders import without_tounicode

    pdfmetrics.registerFont(TTFont("WQY", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"))
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    out = BytesIO()
    page = canvas.Canvas(out)
    page.setFont("WQY", 12)
    page.drawString(72, 700, "一、总体情况：本年度共主动公开政府信息三百零九条。")
    if readable:
        page.setFont("STSong-Light", 12)
        page.drawString(72, 680, readable)
    page.showPage()
    page.save()
    return without_tounicode(out.getvalue())


def test_characters_no_font_can_map_are_left_out_and_flagged() -> None:
    """No reader can tell such text: it is left out and flagged, never passed on as text. A
    simple TrueType font gets no map from its program here: pdfminer, the last resort, tries."""
    from parsers.readers import pdf_plumber

    readable = "二、收到和处理政府信息公开申请情况：本年度共收到申请十二件。"
    before = pdf_plumber.documents_read
    document = read(_with_unmappable_line(readable))
    assert pdf_plumber.documents_read == before + 1
    assert document.blocks == [readable]
    assert document.warnings == ["pdf: 25 characters in fonts that give no Unicode for them "
                                 "(left out: the text around them is incomplete)"]


def test_a_text_layer_no_font_can_map_needs_ocr() -> None:
    with pytest.raises(NeedsOCR):
        read(_with_unmappable_line(None))
