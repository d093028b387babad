"""Turn a seed report's text (tests/fixtures/seeds) into the forms sites publish it in.

The seed text layout: a line starting with a tab is one table cell, a blank line ends a table
row, any other line is a paragraph. From that we build real HTML tables, DOCX tables (python-docx),
a PDF (reportlab's CID font STSong-Light), a .doc (LibreOffice converts the DOCX) and a plain
text-layout page.
"""
from __future__ import annotations

import hashlib
import html
import io
import os
import re
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

SEEDS_DIR = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "seeds"
CACHE_DIR = Path(os.environ.get("NIANBAO_REPLICA_CACHE", Path.home() / ".cache" / "nianbao-replica"))

# Part of the cache key: a change to how a kind is built must not serve files built before it.
BUILD_VERSION = 2  # 2: PDF table rows are broken between cells
Block = str | list[list[str]]  # a paragraph or a table (rows of cells)


@dataclass(frozen=True)
class Seed:
    name: str  # file name in SEEDS_DIR
    text: str

    @classmethod
    def load(cls, prefix: str, seeds_dir: Path = SEEDS_DIR) -> "Seed":
        (path,) = sorted(seeds_dir.glob(f"{prefix}_*.txt"))
        return cls(path.name, path.read_text(encoding="utf-8"))

    def with_year(self, old: int, new: int) -> "Seed":
        """The same report for another year (the variants the replica needs beyond five seeds)."""
        return Seed(f"{self.name}@{new}", self.text.replace(str(old), str(new)))

    def renamed(self, agency: str, new: str) -> "Seed":
        """The same report published by another agency (the replica's district portal)."""
        return Seed(f"{self.name}>{new}", self.text.replace(agency, new))

    def with_figures(self) -> "Seed":
        """The report with varied, consistent figures (replica/figures.py) instead of zeros."""
        from .figures import with_figures

        return Seed(f"{self.name}#figures", with_figures(self.text, self.name))

    def revised(self) -> "Seed":
        """A revision: the 规范性文件 row's first two figures changed, everything else kept."""
        lines = self.text.split("\n")
        start = next(i for i, line in enumerate(lines) if line.strip().endswith("规范性文件"))
        changed = 0
        for i in range(start + 1, len(lines)):
            if changed == 2:
                break
            if re.fullmatch(r"\t\d+\s*", lines[i]):
                lines[i] = f"\t{int(lines[i]) + 1}"
                changed += 1
        return Seed(f"{self.name}~revised", "\n".join(lines))

    @property
    def title(self) -> str:
        return "".join(self.text.strip().split("\n")[:2]).replace(" ", "").lstrip("#")


def blocks(text: str) -> list[Block]:
    """Paragraphs and tables, in order."""
    out: list[Block] = []
    table: list[list[str]] | None = None
    row: list[str] = []
    for line in text.split("\n"):
        if line.startswith("\t"):
            row.append(line.strip())
            continue
        if row:
            if table is None:
                table = []
                out.append(table)
            table.append(row)
            row = []
        if line.strip():
            table = None
            out.append(line.strip().lstrip("# "))
    if row:
        (table if table is not None else out).append(row)
    return out


def html_body(text: str) -> str:
    """The report as a CMS article body: paragraphs and HTML tables."""
    parts = []
    for block in blocks(text):
        if isinstance(block, str):
            parts.append(f"<p>{html.escape(block)}</p>")
            continue
        rows = "".join(
            "<tr>" + "".join(f"<td>{html.escape(c) or '&nbsp;'}</td>" for c in row) + "</tr>"
            for row in block)
        parts.append(f'<table border="1" cellspacing="0">{rows}</table>')
    return "\n".join(parts)


def text_layout_body(text: str) -> str:
    """A small county site's page: every line of the text a paragraph, tables included."""
    return "\n".join(f"<p>{html.escape(line.strip()) or '&nbsp;'}</p>" for line in text.split("\n"))


def _cached(kind: str, text: str, build: Callable[[str], bytes], cache_dir: Path) -> bytes:
    """Built once per text and kept on disk: the same bytes (and ETag) on every server start."""
    key = hashlib.sha256(f"{kind}\n{BUILD_VERSION}\n{text}".encode()).hexdigest()[:24]
    path = cache_dir / f"{key}.{kind}"
    if path.exists():
        return path.read_bytes()
    data = build(text)
    cache_dir.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
    return data


def docx_bytes(text: str, cache_dir: Path = CACHE_DIR) -> bytes:
    return _cached("docx", text, _build_docx, cache_dir)


def pdf_bytes(text: str, cache_dir: Path = CACHE_DIR) -> bytes:
    return _cached("pdf", text, _build_pdf, cache_dir)


def doc_bytes(text: str, cache_dir: Path = CACHE_DIR) -> bytes:
    """Word 97 bytes: LibreOffice converts the DOCX (slow, hence the cache)."""
    return _cached("doc", text, lambda t: _convert_to_doc(docx_bytes(t, cache_dir)), cache_dir)


def _build_docx(text: str) -> bytes:
    from docx import Document

    document = Document()
    for block in blocks(text):
        if isinstance(block, str):
            document.add_paragraph(block)
            continue
        width = max(len(r) for r in block)
        table = document.add_table(rows=len(block), cols=width)
        table.style = "Table Grid"
        for cells, row in zip((r.cells for r in table.rows), block):
            for cell, value in zip(cells, row):
                cell.text = value
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _build_pdf(text: str) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=1)  # invariant: same bytes every build
    width, height = A4
    y = height - 50
    for block in blocks(text):
        if isinstance(block, str):
            lines = [block[start:start + 38] for start in range(0, max(len(block), 1), 38)]
        else:
            lines = [line for row in block for line in _wrap_cells(row, 38)]
        for line in lines:
            if y < 50:
                pdf.showPage()
                y = height - 50
            pdf.setFont("STSong-Light", 11)
            pdf.drawString(40, y, line)
            y -= 16
    pdf.save()
    return buffer.getvalue()


def _wrap_cells(cells: list[str], width: int) -> list[str]:
    """A table row on as many lines as it needs, broken between cells (a figure cut in two
    would read as two figures)."""
    lines = [""]
    for cell in cells:
        if lines[-1] and len(lines[-1]) + 3 + len(cell) > width:
            lines.append("")
        lines[-1] = f"{lines[-1]}   {cell}" if lines[-1] else cell
    return lines


def _convert_to_doc(source: bytes) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        docx = Path(tmp) / "report.docx"
        docx.write_bytes(source)
        subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp}/profile",
                        "--convert-to", "doc", "--outdir", tmp, str(docx)],
                       check=True, capture_output=True, timeout=180)
        return (Path(tmp) / "report.doc").read_bytes()
