"""Parse speed per input kind, on files generated from the five seed reports.

HTML is made by the test fixture builders (tests/parsers/fixture_builders.py: real
government-page chrome); DOCX and PDF are bench.reader_corpus's files (python-docx and replica
DOCX, and as "docx-office" the same saved again by LibreOffice, written as office suites write
DOCX; reportlab ruled and unruled PDFs, Chromium-printed, LibreOffice-exported, multi-page
tables), DOC by LibreOffice from a DOCX; text and markdown are the seeds as published. Figures
are for one process (one core), in CPU time (wall time for DOC, converted in a child process),
from each file's fastest of repeated calls: reports/s of the full parse (bytes -> Report), the
reader alone (bytes -> Document), and the full parse time over each kind's bare baseline on the
same files: lxml.html.fromstring for HTML, poppler's `pdftotext -layout` for PDF (a child
process: its CPU time and ours), a ZIP open + lxml parse of word/document.xml for DOCX.
Targets: >= 500 reports/s per core for HTML and text, full HTML parse <= 15x lxml, full PDF
parse <= 3x pdftotext, full DOCX parse <= 3x zip+lxml (issue 14's done-when). PDFs whose
fonts have no ToUnicode map (given maps made from their embedded font programs:
parsers/readers/pdf_tounicode.py) are measured apart, as "pdf-nomap", with the same target.
"""
from __future__ import annotations

import argparse
import gc
import resource
import subprocess
import time
import zipfile
from collections.abc import Callable
from io import BytesIO

import lxml.etree
import lxml.html

from parsers import parse
from parsers.readers import read

TARGET_REPORTS_PER_S = 500  # HTML and text, per core
TARGET_LXML_RATIO = 15.0
TARGET_BASELINE_RATIO = {"pdf": 3.0, "pdf-nomap": 3.0, "docx": 3.0, "docx-office": 3.0}
FAST_KINDS = ("html", "text", "markdown")
KINDS = FAST_KINDS + ("docx", "docx-office", "pdf", "pdf-nomap", "doc")
PDF_PASSES = 3

Capture = tuple[bytes, str | None, str | None]


def captures(with_doc: bool, kinds: tuple[str, ...] | None = None) -> dict[str, list[Capture]]:
    from bench.reader_corpus import corpus
    from tests.conftest import SEED_FILES, SEEDS_DIR
    from tests.parsers import fixture_builders as fb

    files = {name: data for name, data in corpus().items()
             if not name.startswith(("pdf/truncated", "pdf/corrupt"))}
    found: dict[str, list[Capture]] = {
        "html": [(fb.seed_file(n, "html"), "text/html", None) for n in SEED_FILES],
        "text": [((SEEDS_DIR / n).read_bytes(), "text/plain", None) for n in SEED_FILES],
        "markdown": [((SEEDS_DIR / n).read_bytes(), None, "http://x.gov.cn/r.md") for n in SEED_FILES],
        "docx": [(data, None, None) for name, data in files.items()
                 if name.startswith("docx/") and "libreoffice" not in name],
        "docx-office": [(data, None, None) for name, data in files.items()
                        if name.startswith("docx/libreoffice")],
        "pdf": [(data, None, None) for name, data in files.items()
                if name.startswith("pdf/") and "no-tounicode" not in name],
        "pdf-nomap": [(data, None, None) for name, data in files.items() if "no-tounicode" in name],
    }
    if with_doc and fb.soffice() and (kinds is None or "doc" in kinds):
        found["doc"] = [(fb.docx_to_doc(fb.seed_file(SEED_FILES[4], "docx")), "application/msword", None)]
    return {kind: items for kind, items in found.items() if kinds is None or kind in kinds}


def _pdftotext(capture: Capture) -> None:
    subprocess.run(["pdftotext", "-layout", "-", "-"], input=capture[0], capture_output=True,
                   check=True)


def _zip_lxml(capture: Capture) -> None:
    with zipfile.ZipFile(BytesIO(capture[0])) as archive:
        lxml.etree.fromstring(archive.read("word/document.xml"))


BASELINES: dict[str, tuple[str, Callable[[Capture], object]]] = {
    "html": ("lxml", lambda c: lxml.html.fromstring(c[0])),
    "pdf": ("pdftotext", _pdftotext), "pdf-nomap": ("pdftotext", _pdftotext),
    "docx": ("zip+lxml", _zip_lxml), "docx-office": ("zip+lxml", _zip_lxml),
}


def _cpu_with_children() -> float:
    """This process's CPU time and its finished children's (pdftotext runs as a child)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def rates(functions: dict[str, Callable[[Capture], object]], items: list[Capture],
          min_seconds: float, clock: Callable[[], float] = time.process_time,
          min_passes: int = 1) -> dict[str, float]:
    """Calls per second of each function, from each item's fastest call over passes repeated
    for at least min_seconds and min_passes. The clock is this process's CPU time by default:
    on a machine shared with other work, wall time measures the neighbours too. The functions
    take turns on every item, and the fastest call is the least disturbed one (timeit's rule)."""
    best = {name: [float("inf")] * len(items) for name in functions}
    start = time.perf_counter()
    passes = 0
    while True:
        for index, item in enumerate(items):
            for name, function in functions.items():
                call_start = clock()
                function(item)
                best[name][index] = min(best[name][index], clock() - call_start)
        passes += 1
        if time.perf_counter() - start >= min_seconds and passes >= min_passes:
            return {name: len(items) / sum(times) for name, times in best.items()}


def run(seconds: float = 3.0, with_doc: bool = True, kinds: tuple[str, ...] | None = None) -> dict:
    """Flat figures, per kind "<kind>_reports_per_s" etc., and "ratio_*" for the targets;
    `kinds`: only those (default: all)."""
    figures: dict = {}
    for kind, items in captures(with_doc, kinds).items():
        functions: dict[str, Callable[[Capture], object]] = {
            "full": lambda c: parse(*c), "reader": lambda c: read(*c)}
        if kind in BASELINES:
            functions["baseline"] = BASELINES[kind][1]
        for item in items:  # warm-up: imports, caches
            parse(*item)
        # The fixtures built above (python-docx, reportlab objects) would make every garbage
        # collection here slower than in a lean parsing process: set them aside.
        gc.collect()
        gc.freeze()
        # DOC is converted in a LibreOffice child process: its CPU time is not ours, use wall time.
        clock = time.perf_counter if kind == "doc" else _cpu_with_children
        # PDF: a few passes, each file's fastest (one file's CPU time moves 10-20 % between
        # passes on a shared machine); DOC: one (seconds a file).
        timed = FAST_KINDS + ("docx", "docx-office")
        measured = rates(functions, items, seconds if kind in timed else 0.0, clock,
                         min_passes=PDF_PASSES if kind.startswith("pdf") else 1)
        figures[f"{kind}_files"] = len(items)
        figures[f"{kind}_avg_bytes"] = sum(len(c[0]) for c in items) // len(items)
        figures[f"{kind}_reports_per_s"] = round(measured["full"], 1)
        figures[f"{kind}_ms_per_report"] = round(1000 / measured["full"], 2)
        figures[f"{kind}_reader_documents_per_s"] = round(measured["reader"], 1)
        if kind in ("html", "text"):
            figures[f"ratio_{kind}_reports_per_s_vs_target"] = round(
                measured["full"] / TARGET_REPORTS_PER_S, 2)
        if kind in BASELINES:
            figures[f"{kind}_baseline_per_s"] = round(measured["baseline"], 1)
            figures[f"ratio_{kind}_full_over_baseline"] = round(
                measured["baseline"] / measured["full"], 2)
            figures[f"ratio_{kind}_reader_over_baseline"] = round(
                measured["baseline"] / measured["reader"], 2)
    return figures


def report(figures: dict) -> None:
    print(f"{'kind':<11} {'files':>5} {'avg KB':>7} {'reports/s':>10} {'ms/report':>10} "
          f"{'reader docs/s':>14} {'baseline/s':>11} {'full/base':>10} {'reader/base':>12}  target")
    kinds = [key[: -len("_files")] for key in figures if key.endswith("_files")]
    for kind in kinds:
        f = {key[len(kind) + 1:]: value for key, value in figures.items() if key.startswith(f"{kind}_")}
        print(f"{kind:<11} {f['files']:>5} {f['avg_bytes'] / 1024:>7.1f} {f['reports_per_s']:>10.1f} "
              f"{f['ms_per_report']:>10.2f} {f['reader_documents_per_s']:>14.1f} "
              f"{f.get('baseline_per_s', '-'):>11} {_over(kind, 'full', figures):>10} "
              f"{_over(kind, 'reader', figures):>12}  {_target(kind, figures)}")


def _over(kind: str, what: str, figures: dict) -> str:
    ratio = figures.get(f"ratio_{kind}_{what}_over_baseline")
    return f"{ratio:.2f}x" if ratio is not None else "-"


def _target(kind: str, figures: dict) -> str:
    """The full parse against the kind's baseline (for DOCX too: issue 14's done-when)."""
    if kind in BASELINES:
        name = BASELINES[kind][0]
        if kind == "html":
            return f"full <= {TARGET_LXML_RATIO:g}x {name}"
        if kind in TARGET_BASELINE_RATIO:
            return f"full <= {TARGET_BASELINE_RATIO[kind]:g}x {name}"
        return f"(no target; vs {name})"
    vs = figures.get(f"ratio_{kind}_reports_per_s_vs_target")
    return f"{vs:.2f}x of {TARGET_REPORTS_PER_S}/s" if vs is not None else "-"


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(prog="python -m bench.parse", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=3.0, help="time per fast kind (default 3)")
    parser.add_argument("--no-doc", action="store_true", help="skip DOC (LibreOffice, ~3 s a file)")
    parser.add_argument("--kind", action="append", choices=KINDS,
                        help="measure only this kind (repeatable; default: all)")
    args = parser.parse_args(argv)
    figures = run(args.seconds, with_doc=not args.no_doc, kinds=tuple(args.kind) if args.kind else None)
    report(figures)
    return figures


if __name__ == "__main__":
    main()
