"""Plain text and markdown -> Document.

Two table layouts are seen in text extracted from report pages:

* one cell per line, each cell line starting with a tab, a blank line between table rows;
  a cell that wraps continues on the next line without a tab ("商业" / "企业");
* one row per line, cells separated by tabs (markdown exports), or markdown pipe tables.

Lines that are not table rows are paragraphs. The kind is "markdown" when the text has
markdown headings or pipe tables (or the caller says so), else "text".
"""
from __future__ import annotations

import re

from ..document import Document, Table

_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")
_MD_EMPHASIS = re.compile(r"^\*\*(.+)\*\*$")
_PIPE_ROW = re.compile(r"^\s*\|.*\|\s*$")
_PIPE_SEP = re.compile(r"^\s*\|?(?:\s*:?-{2,}:?\s*\|)+\s*:?-{0,}:?\s*\|?\s*$")
# A numbered heading cannot be the continuation of a table cell.
_HEADING = re.compile(
    r"^\s*(?:#|[一二三四五六七八九十]+\s*[、.．]|\d{1,2}\s*[、．]|[（(][一二三四五六七八九十]+[）)]|注[:：])")
_SPACES = " \t\u00a0\u3000\ufeff\u200b"
_MAX_CONTINUATION = 40  # chars: a wrapped cell's next line is short
_LONG_PARAGRAPH = 60


def read_text(text: str, kind: str = "text") -> Document:
    text = text.lstrip("\ufeff")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    cell_lines = row_lines = 0
    markdown = kind == "markdown"
    pipe = False
    for ln in lines:
        if "\t" in ln:
            if ln[0] == "\t" and ln.count("\t") == 1:
                cell_lines += 1
            elif ln.strip(_SPACES):
                row_lines += 1
        elif ln[:1] in ("#", "|", " ") and not markdown:
            if _MD_HEADING.match(ln):
                markdown = True
            elif _PIPE_ROW.match(ln):
                pipe = True
    if pipe:
        markdown = True
    if cell_lines > row_lines:
        blocks = _read_cell_per_line(lines, markdown)
    else:
        blocks = _read_row_per_line(lines, markdown)
    doc = Document(blocks=blocks, kind="markdown" if markdown else "text")
    if markdown:
        for ln in lines:
            if ln.startswith("# "):
                doc.title = ln[2:].strip(_SPACES + "#") or None
                break
    return doc


def _paragraph(line: str, markdown: bool) -> str:
    s = line.strip(_SPACES)
    if markdown:
        if s.startswith("#"):
            s = _MD_HEADING.sub("", s).rstrip("#").strip(_SPACES)
        m = _MD_EMPHASIS.match(s)
        if m:
            s = m.group(1).strip(_SPACES)
    return s


_NUMERIC = re.compile(r"^[\s\d.,，。%％\-+—]*$")


def _wraps(cell: str) -> bool:
    """Only a label cell wraps onto the next line: not a blank, not a number."""
    return bool(cell.strip(_SPACES)) and not _NUMERIC.match(cell)


class _Blocks:
    """The blocks read so far: paragraphs, and the rows of the table being read, which the
    next paragraph (or the end of the text) closes."""

    def __init__(self, markdown: bool) -> None:
        self.markdown = markdown
        self.blocks: list = []
        self.rows: list[list[str]] | None = None

    def add_row(self, cells: list[str]) -> list[str]:
        if self.rows is None:
            self.rows = []
        self.rows.append(cells)
        return cells

    def add_paragraph(self, line: str) -> None:
        self._close_table()
        if p := _paragraph(line, self.markdown):
            self.blocks.append(p)

    def close(self) -> list:
        self._close_table()
        return self.blocks

    def _close_table(self) -> None:
        if self.rows is not None:
            self.blocks.append(Table(self.rows))
            self.rows = None


def _read_cell_per_line(lines: list[str], markdown: bool) -> list:
    out = _Blocks(markdown)
    row: list[str] | None = None  # the row being read, in out.rows
    in_cell = False  # the previous line was a cell line (or its continuation)
    for ln in lines:
        if ln[:1] == "\t":
            if row is None:
                row = out.add_row([])
            row.extend(ln[1:].split("\t"))
            in_cell = True
            continue
        stripped = ln.strip(_SPACES)
        if not stripped:
            row = None
            in_cell = False
            continue
        if in_cell and row and len(stripped) <= _MAX_CONTINUATION and not _HEADING.match(ln) \
                and _wraps(row[-1]):
            row[-1] = f"{row[-1]}\n{ln.rstrip(_SPACES)}"
            continue
        row = None
        in_cell = False
        out.add_paragraph(ln)
    return out.close()


def _read_row_per_line(lines: list[str], markdown: bool) -> list:
    out = _Blocks(markdown)
    for ln in lines:
        stripped = ln.strip(_SPACES)
        if not stripped:
            continue  # blank lines occur inside exported tables
        cells = None
        if "\t" in ln:
            cells = ln.split("\t")
            filled = [c for c in cells if c.strip(_SPACES)]
            if len(filled) == 1 and len(filled[0].strip(_SPACES)) > _LONG_PARAGRAPH:
                cells = None  # a paragraph with a stray tab
        elif markdown and _PIPE_ROW.match(ln):
            if _PIPE_SEP.match(ln):
                continue
            inner = ln.strip()[1:-1]
            cells = [c.strip() for c in inner.split("|")]
        if cells is not None:
            out.add_row(cells)
        else:
            out.add_paragraph(ln)
    return out.close()
