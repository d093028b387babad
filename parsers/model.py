"""The canonical report: what every input kind is turned into."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

Number = int | float

SECTION_KEYS = ("overview", "active", "requests", "appeals", "problems", "other")


@dataclass
class Cell:
    table: str  # active | requests | appeals
    row: str  # e.g. "denied.state_secret"
    col: str  # e.g. "natural_person"
    value: Number | None  # None = blank as printed; never an invented 0
    raw: str  # the text as printed, layout artifacts removed
    confidence: float | None = None  # OCR'd cells: the recogniser's score (0-1); else None

    @property
    def key(self) -> str:
        return f"{self.table}/{self.row}/{self.col}"


@dataclass
class Check:
    rule: str  # R1..R5
    ok: bool
    detail: str  # human-readable: both sides of the equation, blanks noted
    cells: list[str] = field(default_factory=list)  # Cell.key of every cell involved


@dataclass
class Region:
    province: str | None = None
    city: str | None = None
    county: str | None = None


@dataclass
class Contacts:
    address: str | None = None
    phone: str | None = None
    postcode: str | None = None
    email: str | None = None


@dataclass
class Report:
    title: str | None = None
    agency: str | None = None  # the publisher as printed
    agency_normalized: str | None = None  # e.g. 宜春市工信局 -> 宜春市工业和信息化局
    region: Region = field(default_factory=Region)
    year: int | None = None
    format: str = "none"  # "2021" | "2019" | "none"
    period: str | None = None  # statistics period as printed
    publish_date: str | None = None  # ISO date when printed on the page
    source_url: str | None = None  # the original's address, as an archive's preamble gives it
    contacts: Contacts = field(default_factory=Contacts)
    websites: list[str] = field(default_factory=list)
    sections: dict[str, str] = field(default_factory=dict)  # SECTION_KEYS -> text
    cells: list[Cell] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    source_kind: str = "text"  # html | text | markdown | docx | pdf | doc | wps | ocr
    text: str = ""  # full plain text, for search and paragraph diffs

    @property
    def structure_found(self) -> bool:
        """True when the document really is an annual report (tables or the six sections)."""
        return bool(self.cells) or sum(1 for k in SECTION_KEYS if self.sections.get(k)) >= 3

    def cell(self, table: str, row: str, col: str) -> Cell | None:
        return next((c for c in self.cells if (c.table, c.row, c.col) == (table, row, col)), None)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
