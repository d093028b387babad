"""One report in every form an agency publishes it, made by the real tools: the page (HTML),
a browser-printed PDF of the report (headless Chromium, its header and footer on), a DOCX
and a DOC from LibreOffice, a LibreOffice-exported PDF, and a text copy."""
from __future__ import annotations

import html
import subprocess
import tempfile
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from tests.parsers.fixture_builders import (SeedReport, Span, _html_table, docx_to_doc, seed_reports,
                                            soffice, to_docx, to_html)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync"]
CONTENT_TYPES = {
    "page": "text/html; charset=utf-8", "pdf": "application/pdf",
    "chrome.pdf": "application/pdf", "lo.pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "doc": "application/msword", "txt": "text/plain; charset=utf-8"}


@dataclass(frozen=True)
class Form:
    name: str  # page, chrome.pdf, docx, lo.pdf, doc, txt
    body: bytes

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.name]

    def url(self, base: str) -> str:
        return f"{base}.html" if self.name == "page" else f"{base}.{self.name}"


def report_html(seed: SeedReport) -> str:
    """The report alone as a document (what an agency prints or exports), no site chrome."""
    body = [f"<p>{html.escape(b)}</p>" if isinstance(b, str) else _html_table(b)
            for b in seed.blocks]
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{html.escape(seed.title)}'
            f"</title><style>table {{ border-collapse: collapse; font-size: 8pt }} "
            f"td {{ border: 1px solid black }}</style></head><body>{''.join(body)}</body></html>")


def chromium_pdf(page: str) -> bytes:
    """Printed by headless Chromium with its default header (date, title) and footer (URL,
    page n/m)."""
    with tempfile.TemporaryDirectory(prefix="nianbao-print-") as tmp:
        source = Path(tmp) / "report.html"
        source.write_text(page, encoding="utf-8")
        out = Path(tmp) / "report.pdf"
        subprocess.run([CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={tmp}/profile",
                        f"--print-to-pdf={out}", source.as_uri()],
                       check=True, capture_output=True, timeout=120)
        return out.read_bytes()


def libreoffice_convert(data: bytes, suffix: str, target: str, timeout: float = 120) -> bytes:
    """data (a file ending in suffix) converted by headless LibreOffice to `target`
    ("pdf:writer_pdf_Export", ...); a fresh profile, so parallel runs do not collide."""
    with tempfile.TemporaryDirectory(prefix="nianbao-lo-") as tmp:
        source = Path(tmp) / f"report{suffix}"
        source.write_bytes(data)
        subprocess.run([soffice(), f"-env:UserInstallation=file://{tmp}/profile", "--headless",
                        "--convert-to", target, "--outdir", f"{tmp}/out", str(source)],
                       check=True, capture_output=True, timeout=timeout)
        return next((Path(tmp) / "out").iterdir()).read_bytes()


def tools_missing() -> str | None:
    if not Path(CHROMIUM).exists():
        return "chromium is not installed"
    if soffice() is None:
        return "LibreOffice (soffice) is not installed"
    return None


@lru_cache(maxsize=None)
def forms(seed_name: str) -> tuple[Form, ...]:
    """A seed's report as page, browser-printed PDF, DOCX, LibreOffice PDF, DOC and its text
    copy (the seed file itself), made once per test session."""
    from tests.conftest import SEEDS_DIR

    seed = seed_reports()[seed_name]
    text = (SEEDS_DIR / seed_name).read_text(encoding="utf-8")
    docx = to_docx(seed)
    return (Form("page", to_html(seed).encode("utf-8")),
            Form("chrome.pdf", chromium_pdf(report_html(seed))),
            Form("docx", docx),
            Form("lo.pdf", libreoffice_convert(docx, ".docx", "pdf:writer_pdf_Export")),
            Form("doc", docx_to_doc(docx)),
            Form("txt", text.encode("utf-8")))


def revised(seed: SeedReport, old: str, new: str) -> SeedReport:
    """The seed with one printed cell value changed (the first span printing `old`, in the
    tables only)."""
    blocks, done = [], False
    for block in seed.blocks:
        if isinstance(block, list) and not done:
            rows = []
            for row in block:
                spans = []
                for span in row:
                    if not done and span.text == old:
                        span, done = replace(span, text=new), True
                    spans.append(span)
                rows.append(spans)
            block = rows
        blocks.append(block)
    assert done, f"no cell prints {old!r}"
    return SeedReport(blocks=blocks, title=seed.title)


def clipped(seed: SeedReport, keep_columns: int) -> SeedReport:
    """The seed with its widest table cut after `keep_columns` grid columns, as a wide table
    printed past the page edge loses its last columns."""
    from tests.parsers.fixture_builders import grid

    blocks = []
    for block in seed.blocks:
        if isinstance(block, list):
            placed, width = grid(block)
            if width == max(grid(b)[1] for b in seed.blocks if isinstance(b, list)):
                block = [[Span(s.text, s.rows, min(s.cols, keep_columns - c))
                          for _, c, s in row if c < keep_columns] for row in placed]
        blocks.append(block)
    return SeedReport(blocks=blocks, title=seed.title)

