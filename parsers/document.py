"""Intermediate document: what readers produce from bytes, and the report builder consumes.

A document is a sequence of blocks in reading order: paragraphs (str) and tables. A table row
holds the cells physically present in that row, in order, as text (no span expansion: a
rowspan'd label is not repeated in the rows below it, and a blank cell is "").
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Table:
    rows: list[list[str]]


Block = str | Table
Title = str | None


class _OnDemand:
    """A field that may be given a function of no arguments instead of its value: the function
    is called once, when the field is first read. (A DOCX's title needs its styles part, and
    the report needs the title only when the text has no title of its own.)"""

    def __set_name__(self, owner: type, name: str) -> None:
        self.slot = f"_{name}"

    def __get__(self, document: "Document | None", owner: type | None = None) -> Title:
        if document is None:  # the dataclass asks the class for the field's default
            return None
        value = document.__dict__[self.slot]
        if callable(value):
            value = document.__dict__[self.slot] = value()
        return value

    def __set__(self, document: "Document", value: Title | Callable[[], Title]) -> None:
        document.__dict__[self.slot] = value


@dataclass
class Document:
    blocks: list[Block]
    kind: str  # html | text | markdown | docx | pdf | doc | wps
    # e.g. the HTML <title> / article heading; or a function giving it (_OnDemand)
    title: Title | Callable[[], Title] = _OnDemand()  # type: ignore[assignment]
    publish_date: str | None = None  # from page metadata, ISO date
    warnings: list[str] = field(default_factory=list)

    def title_on_demand(self) -> Title | Callable[[], Title]:
        """The title as given, without calling a function given for it."""
        return self.__dict__["_title"]

    def paragraphs(self) -> list[str]:
        return [b for b in self.blocks if isinstance(b, str)]

    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]
