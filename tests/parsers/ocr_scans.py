"""Scanned reports made here: a report with known cells -> PDF -> page images with the
blemishes of a cheap office scanner (noise, a small skew, JPEG artefacts) -> a PDF of those
images with no text layer. Used by tests/parsers/test_ocr*.py and bench/ocr.py.

The known cells are the seeds' (mostly 0) and synthetic ones: random counts that obey the
report's own arithmetic (R1-R4), so every digit 0-9 appears in every column.
"""
from __future__ import annotations

import random
import subprocess
import tempfile
from io import BytesIO
from pathlib import Path

import numpy as np
from PIL import Image

from parsers.labels import APPEAL_ROWS, OUTCOME_ROWS_2021, REQUEST_COLS
from tests.parsers.fixture_builders import SeedReport, seed_report, to_pdf

_APPLICANTS = REQUEST_COLS[:6]
_ACTIVE = (("regulations", "issued"), ("regulations", "repealed"), ("regulations", "in_force"),
           ("normative_documents", "issued"), ("normative_documents", "repealed"),
           ("normative_documents", "in_force"), ("licensing", "decisions"),
           ("penalty", "decisions"), ("enforcement", "decisions"))


def _count(rng: random.Random) -> int:
    """Half zeros (as real reports print), the rest spread over one to three digits."""
    return 0 if rng.random() < 0.5 else rng.choice((rng.randint(1, 9), rng.randint(10, 99),
                                                   rng.randint(100, 999)))


def synthetic_cells(rng: random.Random) -> list[dict]:
    """One report's cells in seed-expected.json's shape, R1-R4 holding."""
    cells: list[dict] = []

    def put(table: str, row: str, col: str, value: int | float) -> None:
        cells.append({"table": table, "row": row, "col": col, "value": value})

    for row, col in _ACTIVE:
        put("active", row, col, _count(rng))
    put("active", "fees", "amount_10k_yuan", rng.choice((0, round(rng.uniform(0.1, 99), 2))))
    rows: dict[str, list[int]] = {row: [_count(rng) for _ in _APPLICANTS] for row in OUTCOME_ROWS_2021}
    rows["results_total"] = [sum(rows[r][i] for r in OUTCOME_ROWS_2021) for i in range(6)]
    rows["carried_forward"] = [rng.choice((0, rng.randint(1, 20))) for _ in _APPLICANTS]
    rows["carried_over"] = [min(rng.choice((0, rng.randint(1, 20))), t + f)
                            for t, f in zip(rows["results_total"], rows["carried_forward"])]
    rows["new_received"] = [t + f - o for t, f, o in zip(
        rows["results_total"], rows["carried_forward"], rows["carried_over"])]
    for row, values in rows.items():
        for col, value in zip(REQUEST_COLS, values + [sum(values)]):
            put("requests", row, col, value)
    for row in APPEAL_ROWS:
        parts = [_count(rng) for _ in range(4)]
        for col, value in zip(("upheld", "corrected", "other", "pending", "total"), parts + [sum(parts)]):
            put("appeals", row, col, value)
    return cells


def synthetic_report(seed_text: str, rng: random.Random) -> tuple[SeedReport, list[dict]]:
    cells = synthetic_cells(rng)
    return seed_report(seed_text, cells), cells


def rasterise(pdf: bytes, dpi: int, first_page: int | None = None,
              last_page: int | None = None) -> list[Image.Image]:
    """Page images at `dpi` with poppler's pdftoppm (grey, as offices scan documents)."""
    with tempfile.TemporaryDirectory(prefix="nianbao-scan-") as tmp:
        source = Path(tmp) / "in.pdf"
        source.write_bytes(pdf)
        pages = ["-f", str(first_page)] if first_page else []
        pages += ["-l", str(last_page)] if last_page else []
        subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-png", *pages, str(source),
                        f"{tmp}/page"], check=True, capture_output=True, timeout=120)
        return [Image.open(path).copy() for path in sorted(Path(tmp).glob("page*.png"))]


def scanner_blemishes(page: Image.Image, rng: random.Random, *, skew_degrees: float = 0.6,
                      noise: float = 12.0, jpeg_quality: int = 60) -> Image.Image:
    """Mild scan damage: a rotation of up to `skew_degrees`, grey noise, JPEG compression."""
    turned = page.convert("L").rotate(rng.uniform(-skew_degrees, skew_degrees), resample=Image.BILINEAR,
                                      expand=False, fillcolor=255)
    pixels = np.asarray(turned, dtype=np.float32)
    noisy = np.random.default_rng(rng.randint(0, 2**31)).normal(0, noise, pixels.shape)
    damaged = Image.fromarray(np.clip(pixels + noisy, 0, 255).astype(np.uint8))
    out = BytesIO()
    damaged.save(out, "JPEG", quality=jpeg_quality)
    return Image.open(out)


def images_to_pdf(pages: list[Image.Image], dpi: int) -> bytes:
    """The images as a PDF of full-page pictures: no text layer, as a scanner writes it."""
    out = BytesIO()
    pages[0].save(out, "PDF", save_all=True, append_images=pages[1:], resolution=dpi)
    return out.getvalue()


def scan(report: SeedReport, dpi: int, rng: random.Random, **blemishes) -> bytes:
    """The report printed and scanned: a PDF of page images."""
    pages = [scanner_blemishes(page, rng, **blemishes) for page in rasterise(to_pdf(report), dpi)]
    return images_to_pdf(pages, dpi)


OUTCOMES = ("right", "flagged", "wrong_silent", "missing")


def score(report, cells: list[dict]) -> dict[str, int]:
    """Each known cell as read from the scan: right (the number, unflagged), flagged (named in
    an "ocr:" warning, whatever its value), wrong_silent (another number, unflagged: the
    defect that must not happen) or missing (not read at all; the builder says why)."""
    warned = " ".join(w for w in report.warnings if w.startswith("ocr:"))
    got = {cell.key: cell for cell in report.cells}
    counts = dict.fromkeys(OUTCOMES, 0)
    for truth in cells:
        key = f"{truth['table']}/{truth['row']}/{truth['col']}"
        cell = got.get(key)
        if cell is None:
            counts["missing"] += 1
        elif f"{key} " in warned:
            counts["flagged"] += 1
        elif cell.value == truth["value"]:
            counts["right"] += 1
        else:
            counts["wrong_silent"] += 1
    return counts
