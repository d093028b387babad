"""Intermediate document: what readers produce from bytes, and the report builder consumes.

A document is a sequence of blocks in reading order: paragraphs (str) and tables. A table row
holds the cells physically present in that row, in order, as text (no span expansion: a
rowspan'd label is not repeated in the rows below it, and a blank cell is "").
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Table:
    rows: list[list[str]]


Block = str | Table


@dataclass
class Document:
    blocks: list[Block]
    kind: str  # html | text | markdown | docx | pdf | doc | wps
    title: str | None = None  # e.g. the HTML <title> / article heading
    publish_date: str | None = None  # from page metadata, ISO date
    warnings: list[str] = field(default_factory=list)

    def paragraphs(self) -> list[str]:
        return [b for b in self.blocks if isinstance(b, str)]

    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]
