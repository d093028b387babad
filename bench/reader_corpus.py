"""PDF and DOCX files for the reader fidelity harness and bench/parse, built once and cached.

Every kind of file the test suite reads, plus the real-world producers the fixtures stand in
for: reportlab (the built-in CID font STSong-Light: no embedded font, no ToUnicode map),
headless Chromium printing the seed HTML pages (embedded subset TrueType with ToUnicode, the
way browser-printed reports are made), the same with the ToUnicode maps taken out, LibreOffice
exporting the seed DOCX files (ruled Word-like tables) and saving them as DOCX again (the XML
office suites write: properties on every run and cell, 5x the bytes of python-docx's), and
tables running over pages from each producer. The slow producers (Chromium, LibreOffice: seconds a file) are run once; the
files are kept in the cache directory, keyed by this module's source so a change rebuilds them.
"""
from __future__ import annotations

import hashlib
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

CACHE_ROOT = Path(tempfile.gettempdir()) / "nianbao-reader-corpus"
_LONG_ROWS = 90


def corpus(kinds: tuple[str, ...] = ("pdf", "docx")) -> dict[str, bytes]:
    """name -> bytes; names start with their kind ("pdf/chromium/000-….txt")."""
    cache = CACHE_ROOT / hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:12]
    files: dict[str, bytes] = {}
    for name, build in _builders(kinds).items():
        path = cache / name.replace("/", "__")
        if not path.exists():
            cache.mkdir(parents=True, exist_ok=True)
            data = build()
            if data is None:  # the producer is not installed here
                continue
            path.write_bytes(data)
        files[name] = path.read_bytes()
    return files


def _builders(kinds: tuple[str, ...]) -> dict[str, Callable[[], bytes | None]]:
    from replica import documents
    from tests.conftest import SEED_FILES
    from tests.parsers import fixture_builders as fb

    seeds = fb.seed_reports()
    builders: dict[str, Callable[[], bytes | None]] = {}
    for n in SEED_FILES:
        seed = seeds[n]
        if "docx" in kinds:
            builders[f"docx/python-docx/{n}"] = lambda s=seed: fb.to_docx(s)
            builders[f"docx/replica/{n}"] = lambda n=n: documents._build_docx(_seed_text(n))
            builders[f"docx/libreoffice/{n}"] = lambda s=seed: _libreoffice(fb.to_docx(s), "docx")
        if "pdf" in kinds:
            builders[f"pdf/reportlab-ruled/{n}"] = lambda s=seed: fb.to_pdf(s)
            builders[f"pdf/reportlab-unruled/{n}"] = lambda s=seed: fb.to_pdf(s, ruled=False)
            builders[f"pdf/replica/{n}"] = lambda n=n: documents._build_pdf(_seed_text(n))
            builders[f"pdf/chromium/{n}"] = lambda s=seed: fb.chromium_pdf(fb.to_html(s).encode())
            builders[f"pdf/chromium-no-tounicode/{n}"] = lambda s=seed: _without_tounicode(
                fb.chromium_pdf(fb.to_html(s).encode()))
            builders[f"pdf/libreoffice/{n}"] = lambda s=seed: _libreoffice(fb.to_docx(s), "pdf")
    if "pdf" in kinds:
        builders["pdf/reportlab-no-title-metadata"] = \
            lambda: fb.to_pdf(seeds[SEED_FILES[2]], title_metadata=False)
        builders["pdf/reportlab-long-table"] = lambda: fb.to_pdf_long_table(rows=80, repeat_rows=2)
        builders["pdf/chromium-long-table"] = lambda: fb.chromium_pdf(_long_table_html())
        builders["pdf/libreoffice-long-table"] = lambda: _libreoffice(_long_table_docx(), "pdf")
        for cut in (3, 2):
            builders[f"pdf/truncated-1-{cut}"] = \
                lambda cut=cut: (lambda d: d[: len(d) // cut])(fb.to_pdf(seeds[SEED_FILES[1]]))
        builders["pdf/corrupt-catalog-only"] = lambda: b"%PDF-1.4\n1 0 obj << /Type /Catalog >>\n%%EOF"
    return builders


def _seed_text(name: str) -> str:
    from tests.conftest import SEEDS_DIR

    return (SEEDS_DIR / name).read_text(encoding="utf-8")


def _long_rows() -> list[list[str]]:
    rows = [["信息内容", "本年制发件数", "本年废止件数"], ["", "（件）", "（件）"]]
    return rows + [[f"第{i}项规章", str(i), str(i * 3 % 7)] for i in range(1, _LONG_ROWS + 1)]


def _long_table_html() -> bytes:
    head = "".join(f"<tr>{''.join(f'<th>{c}</th>' for c in r)}</tr>" for r in _long_rows()[:2])
    body = "".join(f"<tr>{''.join(f'<td>{c}</td>' for c in r)}</tr>" for r in _long_rows()[2:])
    return ("<!doctype html><html><head><meta charset='utf-8'><title>长表</title><style>"
            "table{border-collapse:collapse;width:100%}td,th{border:1px solid #000;padding:2px}"
            f"</style></head><body><h1>某某局2023年政府信息公开工作年度报告</h1><table>"
            f"<thead>{head}</thead><tbody>{body}</tbody></table></body></html>").encode()


def _long_table_docx() -> bytes:
    from io import BytesIO

    import docx

    document = docx.Document()
    document.add_paragraph("某某局2023年政府信息公开工作年度报告")
    rows = _long_rows()
    table = document.add_table(rows=len(rows), cols=3)
    table.style = "Table Grid"
    for cells, row in zip((r.cells for r in table.rows), rows):
        for cell, value in zip(cells, row):
            cell.text = value
    out = BytesIO()
    document.save(out)
    return out.getvalue()


_LIBREOFFICE_FILTERS = {"pdf": "pdf", "docx": "docx:MS Word 2007 XML"}


def _libreoffice(docx_bytes: bytes, target: str) -> bytes | None:
    """The DOCX exported by LibreOffice as a PDF or saved again as a DOCX."""
    binary = shutil.which("soffice") or shutil.which("libreoffice")
    if binary is None:
        return None
    with tempfile.TemporaryDirectory(prefix="nianbao-corpus-") as tmp:
        source = Path(tmp) / "report.docx"
        source.write_bytes(docx_bytes)
        subprocess.run([binary, f"-env:UserInstallation=file://{tmp}/profile", "--headless",
                        "--convert-to", _LIBREOFFICE_FILTERS[target], "--outdir", f"{tmp}/out",
                        str(source)], check=True, capture_output=True, timeout=180)
        return (Path(tmp) / "out" / f"report.{target}").read_bytes()


def _without_tounicode(data: bytes | None) -> bytes | None:
    from tests.parsers.fixture_builders import without_tounicode

    return None if data is None else without_tounicode(data)
