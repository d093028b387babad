"""OCR of scans: reports with known cells printed, scanned (tests/parsers/ocr_scans.py) and
read back through parsers.parse; the verifier on documents with planted misreadings."""
from __future__ import annotations

import random
import subprocess
import sys
from dataclasses import replace
from io import BytesIO
from pathlib import Path

import pytest
from PIL import Image

from parsers import parse
from parsers.errors import InputTooLarge, NeedsOCR, UnreadableInput
from parsers.limits import OCR_BOUNDS, parse_bounded
from parsers.readers.ocr import MAX_OCR_PAGES, OcrDocument, OcrTable
from parsers.readers.ocr_verify import verify
from parsers.report_builder import build_report
from tests.conftest import SEED_FILES, SEEDS_DIR, seed_expected
from tests.parsers.fixture_builders import (
    SeedReport, expected_document, seed_report, seed_reports, to_pdf,
)
from tests.parsers.ocr_scans import (
    images_to_pdf, rasterise, scan, scanner_blemishes, score, synthetic_cells,
)

pytest.importorskip("rapidocr")

# A report with nothing but its three tables and their headings: two pages to scan.
_SHORT_TEXT = "\n".join([
    "某某县工业和信息化局2023年政府信息公开工作年度报告", "一、总体情况", "本年度政务公开工作平稳推进。",
    "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "无。"])


@pytest.fixture(scope="module")
def short_report():
    cells = synthetic_cells(random.Random(7))
    return seed_report(_SHORT_TEXT, cells), cells


@pytest.fixture(scope="module")
def scanned(short_report):
    report, cells = short_report
    pdf = scan(report, 200, random.Random(7))
    return parse(pdf, "application/pdf"), cells


def test_scan_at_200_dpi_reads_its_cells(scanned) -> None:
    report, cells = scanned
    counts = score(report, cells)
    assert counts["wrong_silent"] == 0
    assert counts["right"] >= 0.97 * len(cells), counts
    assert report.source_kind == "ocr" and report.format == "2021" and report.year == 2023
    assert all(cell.confidence is not None and 0 <= cell.confidence <= 1 for cell in report.cells)
    assert all(check.ok for check in report.checks if check.rule in ("R1", "R2", "R3", "R4"))


def test_image_attachment_is_read_like_a_scanned_pdf(short_report) -> None:
    report, cells = short_report
    start = next(i for i, b in enumerate(report.blocks) if isinstance(b, str) and b.startswith("四、"))
    one_table = SeedReport(report.blocks[start:start + 2], report.title)  # heading, appeals table
    jpeg = BytesIO()
    page = rasterise(to_pdf(one_table), 200)[0]
    scanner_blemishes(page, random.Random(3)).convert("L").save(jpeg, "JPEG", quality=70)
    parsed = parse(jpeg.getvalue(), None, "http://x.gov.cn/scan.jpg")
    appeals = [c for c in cells if c["table"] == "appeals"]
    assert parsed.source_kind == "ocr"
    assert score(parsed, appeals) == {"right": 15, "flagged": 0, "wrong_silent": 0, "missing": 0}


# ---------------------------------------------------------------- verifier on planted misreads


def _ocr_document(seed_name: str = SEED_FILES[2]) -> tuple[OcrDocument, list[dict]]:
    """A seed's document as the OCR reader would give it, every cell read with confidence 1."""
    cells = synthetic_cells(random.Random(11))
    seed = seed_report((SEEDS_DIR / seed_name).read_text(encoding="utf-8"), cells)
    blocks = [OcrTable(b.rows, confidence=[[1.0] * len(r) for r in b.rows]) if not isinstance(b, str)
              else b for b in expected_document(seed, "ocr").blocks]
    return OcrDocument(blocks=blocks, kind="ocr"), cells


def _plant(document: OcrDocument, old: str, new: str) -> tuple[int, int, OcrTable]:
    """Replace the first cell reading `old` in the requests table with `new`."""
    table = next(b for b in document.blocks if isinstance(b, OcrTable) and len(b.rows) > 20)
    for r, row in enumerate(table.rows):
        for c, text in enumerate(row):
            if text == old and c >= len(row) - 7:
                row[c] = new
                return r, c, table
    raise AssertionError(f"no cell {old!r}")


def _verified(document: OcrDocument):
    report = build_report(document)
    verify(report, document)
    return report


def _requests_value(cells: list[dict], predicate) -> str:
    return next(str(c["value"]) for c in cells if c["table"] == "requests" and predicate(c["value"]))


def test_one_confusable_digit_that_restores_every_rule_is_taken_with_a_warning() -> None:
    document, cells = _ocr_document()
    printed = _requests_value(cells, lambda v: "6" in str(v) and v >= 10)
    _plant(document, printed, printed.replace("6", "5", 1))
    report = _verified(document)
    fixes = [w for w in report.warnings if "taken as" in w]
    assert len(fixes) == 1 and f"taken as {printed}:" in fixes[0]
    assert all(check.ok for check in report.checks if check.rule in ("R1", "R2", "R3", "R4"))
    assert score(report, cells)["wrong_silent"] == 0


def test_a_misreading_no_single_swap_explains_is_flagged_not_changed() -> None:
    document, cells = _ocr_document()
    printed = _requests_value(cells, lambda v: v >= 100)
    misread = str(int(printed) + 40)  # a 4 in the tens: no confusable digit gives it back
    _plant(document, printed, misread)
    report = _verified(document)
    assert not any("taken as" in w for w in report.warnings)
    assert any(f"= {misread} unverified" in w for w in report.warnings)
    assert score(report, cells)["wrong_silent"] == 0


def test_low_confidence_and_disputed_unchecked_cells_are_flagged() -> None:
    document, _cells = _ocr_document()
    requests = next(b for b in document.blocks if isinstance(b, OcrTable) and len(b.rows) > 20)
    active = next(b for b in document.blocks if isinstance(b, OcrTable))
    numbers = [(r, c) for r, row in enumerate(active.rows) for c, text in enumerate(row)
               if text.isdigit()]
    (r0, c0), (r1, c1) = numbers[:2]
    active.confidence[r0][c0] = 0.7  # nothing but the recogniser vouches for it: flagged
    active.disputed.add((r1, c1))  # the two readings differ: flagged
    last = len(requests.rows) - 1  # 四、结转下年度继续办理: R1 and R3 vouch for its cells
    requests.confidence[last][-1] = 0.7  # doubtful, but the arithmetic holds: not flagged
    requests.confidence[last][-2] = 0.3  # the recogniser barely read it: flagged all the same
    requests.disputed.add((last, len(requests.rows[last]) - 3))  # vouched: not flagged
    flags = [w for w in _verified(document).warnings if w.startswith("ocr:")]
    assert len(flags) == 3, flags
    assert "ocr: active/" in flags[0] and "low confidence (0.70)" in flags[0]
    assert "ocr: active/" in flags[1] and "second reading differs" in flags[1]
    assert "requests/carried_forward/other" in flags[2] and "(0.30)" in flags[2]


# ---------------------------------------------------------------- bounds and a missing engine


def test_tiff_frames_are_pages_and_a_broken_image_is_a_clean_error() -> None:
    pages = [Image.new("L", (400, 560), 255) for _ in range(2)]
    tiff = BytesIO()
    pages[0].save(tiff, "TIFF", save_all=True, append_images=pages[1:])
    report = parse(tiff.getvalue())
    assert report.source_kind == "ocr" and report.cells == []
    png = BytesIO()
    pages[0].save(png, "PNG")
    with pytest.raises(UnreadableInput, match="image"):
        parse(png.getvalue()[:60])


def test_an_image_too_large_to_decode_is_refused_from_its_header() -> None:
    bomb = BytesIO()
    Image.new("1", (8_000, 8_000), 1).save(bomb, "PNG")  # 64 million pixels in a few KB
    with pytest.raises(InputTooLarge, match="pixels"):
        parse(bomb.getvalue())


def test_a_scan_over_the_page_limit_is_refused_quickly() -> None:
    blank = Image.new("L", (200, 280), 255)
    pdf = images_to_pdf([blank] * (MAX_OCR_PAGES + 1), 24)
    with pytest.raises(InputTooLarge, match="page OCR limit"):
        parse(pdf)


def test_bounded_ocr_runs_apart_and_stops_at_its_cpu_bound(short_report) -> None:
    report, _cells = short_report
    pdf = images_to_pdf(rasterise(to_pdf(report), 150, last_page=1), 150)
    with pytest.raises(NeedsOCR):
        parse_bounded(pdf, "application/pdf", ocr_bounds=None)
    with pytest.raises(InputTooLarge, match="CPU"):
        parse_bounded(pdf, "application/pdf", ocr_bounds=replace(OCR_BOUNDS, cpu_seconds=1))


def test_without_the_engine_a_scan_is_needs_ocr_with_the_reason() -> None:
    code = ("import sys; sys.modules['rapidocr'] = None\n"
            "from parsers import parse\nfrom parsers.errors import NeedsOCR\n"
            "from PIL import Image\nfrom io import BytesIO\n"
            "out = BytesIO(); Image.new('L', (50, 50), 255).save(out, 'PNG')\n"
            "try:\n    parse(out.getvalue())\nexcept NeedsOCR as exc:\n    print(exc)\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                            cwd=Path(__file__).resolve().parents[2])
    assert "OCR engine is not installed" in result.stdout, result.stderr


# ---------------------------------------------------------------- the full sweep


@pytest.mark.slow
@pytest.mark.timeout(3600)  # eight reports of three or four pages: minutes on a shared machine
@pytest.mark.parametrize("dpi", [150, 200, 300])
def test_golden_and_synthetic_scans_at_each_resolution(dpi: int) -> None:
    totals = dict.fromkeys(("right", "flagged", "wrong_silent", "missing"), 0)
    items = [(seed_reports()[n], seed_expected()[n]["cells"]) for n in SEED_FILES]
    for number in range(3):
        cells = synthetic_cells(random.Random(200 + number))
        text = (SEEDS_DIR / SEED_FILES[number]).read_text(encoding="utf-8")
        items.append((seed_report(text, cells), cells))
    for number, (report, cells) in enumerate(items):
        parsed = parse(scan(report, dpi, random.Random(number)))
        for outcome, count in score(parsed, cells).items():
            totals[outcome] += count
    assert totals["wrong_silent"] == 0, totals
    if dpi >= 200:
        assert totals["right"] >= 0.97 * sum(totals.values()), totals
