"""Every representation real sites use, rendered from a report's layout (generator.Truth).

Light renderings are pure Python (string HTML, python-docx, reportlab); heavy ones run the
real tools in batches: LibreOffice (DOC, WPS, PDF from the DOCX) and headless Chromium
(browser-printed PDF of the HTML page). Each rendering is (bytes, content type)."""
from __future__ import annotations

import html as html_escape
import re
import subprocess
import tempfile
from pathlib import Path
from typing import Callable

from tests.corpus.generator import Truth
from tests.parsers.fixture_builders import SeedReport, SpanRow, grid, soffice, to_docx, to_html, to_pdf

Rendering = tuple[bytes, str]

# Representations that keep every cell separator (targets: 100 % right) and those that lose
# them (tables flattened to text: ≥ 97 %).
KEEPS_SEPARATORS = ("html", "html_gbk", "html_pre", "text_cells", "markdown", "markdown_broken", "docx",
                    "pdf_reportlab", "doc", "wps", "pdf_libreoffice", "pdf_chromium")
FLATTENED = ("flat_text", "flat_html")
HEAVY = ("doc", "wps", "pdf_libreoffice", "pdf_chromium")
LIGHT = tuple(r for r in KEEPS_SEPARATORS + FLATTENED if r not in HEAVY)


def _blocks(truth: Truth):
    return truth.layout.blocks


def _present_cells(rows: list[SpanRow]) -> list[list[str]]:
    return [[span.text for span in row] for row in rows]


def _expanded(rows: list[SpanRow]) -> list[list[str]]:
    """The span grid as a converter writes it: each span's text in its first cell, the cells
    it covers empty."""
    placed, width = grid(rows)
    out = [["" for _ in range(width)] for _ in rows]
    for row in placed:
        for r, c, span in row:
            out[r][c] = span.text
    return out


# ------------------------------------------------------------------ text and markdown

def text_cells(truth: Truth) -> str:
    """Seed 000's layout: one cell per TAB-prefixed line, a blank line between rows."""
    lines: list[str] = []
    for block in _blocks(truth):
        if isinstance(block, str):
            lines.append(block)
            continue
        for row in _present_cells(block):
            lines.extend(f"\t{cell}" for cell in row)
            lines.append("")
    return "\n".join(lines) + "\n"


def _pipe(cells: list[str]) -> str:
    return "| " + " | ".join(c.replace("|", "/") for c in cells) + " |"


def markdown(truth: Truth, broken: bool = False) -> str:
    """Headings as #, tables as pipe tables of the expanded grid. Broken: the requests table
    cut into one pipe table per outcome group under "### （三）不予公开" headings, each with a
    header row shorter than its body, and some rows left as loose lines, as PDF-to-markdown
    converters leave it."""
    lines = [f"# {truth.layout.title}", ""]
    for block in _blocks(truth)[1:]:
        if isinstance(block, str):
            lines += [f"## {block}" if block[1:2] == "、" else block, ""]
            continue
        grid_rows = _expanded(block)
        if broken and len(grid_rows) > 20:
            lines += _broken_requests(grid_rows)
            continue
        lines += [_pipe(grid_rows[0]), _pipe(["---"] * len(grid_rows[0]))]
        lines += [_pipe(r) for r in grid_rows[1:]] + [""]
    return "\n".join(lines)


def _broken_requests(rows: list[list[str]]) -> list[str]:
    out: list[str] = []
    for i, r in enumerate(rows):
        group = next((c for c in r[:2] if c.startswith("（")), None)
        if group or not out:
            out += ["", f"### {group or '申请情况'}", "", _pipe(["项目", "数量"]), _pipe(["---", "---"])]
        if i % 4 == 3 and all(r[3:]):  # a row the converter left as a loose line
            out += ["", " ".join(c for c in r if c), ""]
        else:
            out.append(_pipe(r))
    return out + [""]


# ------------------------------------------------------------------ flattened

def _flat(rows: list[SpanRow]) -> str:
    return "".join(cell for row in _present_cells(rows) for cell in row)


def flat_text(truth: Truth) -> str:
    """text_content() of the page: the three tables and their headings one paragraph."""
    lines, run = [], None
    for block in _blocks(truth):
        if isinstance(block, str):
            if block.startswith("二、"):
                run = block
                continue
            if run is not None and block[:2] in ("五、", "5、"):
                lines.append(run)
                run = None
            if run is not None:
                run += block
            else:
                lines.append(block)
        else:
            run += _flat(block)
    return "\n".join(lines) + "\n"


def flat_html(truth: Truth) -> str:
    """Each table's text run together in one <p> (a scraper's copy of a page)."""
    body = []
    for block in _blocks(truth):
        text = block if isinstance(block, str) else _flat(block)
        body.append(f"<p>{html_escape.escape(text)}</p>")
    return f"<html><head><title>{html_escape.escape(truth.layout.title)}</title></head><body>{''.join(body)}</body></html>"


# ------------------------------------------------------------------ light renderings

def render_light(truth: Truth, name: str) -> Rendering:
    seed = truth.layout
    makers: dict[str, Callable[[], Rendering]] = {
        "html": lambda: (to_html(seed).encode("utf-8"), "text/html"),
        "html_gbk": lambda: (to_html(seed, charset="gbk").encode("gbk"), "text/html"),
        "html_pre": lambda: (f"<html><body><div class='nav'>首页 &gt; 政务公开</div><pre>"
                             f"{html_escape.escape(text_cells(truth))}</pre></body></html>".encode(), "text/html"),
        "text_cells": lambda: (text_cells(truth).encode("utf-8"), "text/plain"),
        "markdown": lambda: (markdown(truth).encode("utf-8"), "text/markdown"),
        "markdown_broken": lambda: (markdown(truth, broken=True).encode("utf-8"), "text/markdown"),
        "flat_text": lambda: (flat_text(truth).encode("utf-8"), "text/plain"),
        "flat_html": lambda: (flat_html(truth).encode("utf-8"), "text/html"),
        "docx": lambda: (to_docx(seed), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        "pdf_reportlab": lambda: (to_pdf(seed), "application/pdf"),
    }
    return makers[name]()


# ------------------------------------------------------------------ heavy renderings, in batches

_OFFICE = {"doc": ("doc:MS Word 97", "doc", "application/msword"),
           # WPS Office writes the Word 97 binary format under a .wps name; sites serve it as such.
           "wps": ("doc:MS Word 97", "doc", "application/kswps"),
           "pdf_libreoffice": ("pdf:writer_pdf_Export", "pdf", "application/pdf")}


def render_office(truths: list[Truth], name: str, timeout: float = 900) -> list[Rendering]:
    """The DOCX of every report converted by one LibreOffice run."""
    binary = soffice()
    if binary is None:
        raise RuntimeError("LibreOffice (soffice) is not installed")
    target, ext, content_type = _OFFICE[name]
    with tempfile.TemporaryDirectory(prefix="nianbao-corpus-") as tmp:
        sources = []
        for i, truth in enumerate(truths):
            path = Path(tmp) / f"r{i:05d}.docx"
            path.write_bytes(to_docx(truth.layout))
            sources.append(str(path))
        subprocess.run([binary, f"-env:UserInstallation=file://{tmp}/profile", "--headless",
                        "--convert-to", target, "--outdir", f"{tmp}/out", *sources],
                       check=True, capture_output=True, timeout=timeout)
        return [((Path(tmp) / "out" / f"r{i:05d}.{ext}").read_bytes(), content_type)
                for i in range(len(truths))]


def title_in_heading_only(truth: Truth) -> str:
    """The page with the report's title only in its <h1> (no title paragraph) and a generic
    <title>: the printed PDF's text is then the only source of the title, where the browser
    moves the title's digits ("…信息化局 年政府信息公开工作年度报2020")."""
    seed = truth.layout
    page = to_html(SeedReport(seed.blocks[1:], seed.title) if seed.blocks[0] == seed.title else seed)
    return re.sub(r"<title>.*?</title>", "<title>政府信息公开</title>", page, count=1)


def render_chromium(truths: list[Truth]) -> list[Rendering]:
    """Each HTML page printed to PDF by headless Chromium (one browser for the batch); every
    other page carries its title in its heading only."""
    from playwright.sync_api import sync_playwright

    out = []
    with tempfile.TemporaryDirectory(prefix="nianbao-chromium-") as tmp, sync_playwright() as p:
        browser = p.chromium.launch_persistent_context(
            f"{tmp}/profile", executable_path="/usr/bin/chromium", headless=True,
            args=["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"])
        try:
            page = browser.new_page()
            for i, truth in enumerate(truths):
                page.set_content(title_in_heading_only(truth) if i % 2 else to_html(truth.layout),
                                 wait_until="load")
                out.append((page.pdf(format="A4", print_background=False), "application/pdf"))
        finally:
            browser.close()
    return out


def render_all(truths: list[Truth], name: str) -> list[Rendering]:
    if name == "pdf_chromium":
        return render_chromium(truths)
    if name in _OFFICE:
        return render_office(truths, name)
    return [render_light(t, name) for t in truths]
