"""A parsed report as the archive stores it, and the hash that decides whether it is a new version.

The hash covers a document's substance, what the agency wrote: cell values and the narrative
sections after normalisation (archive/substance.py). It leaves out the raw bytes, the full page
text and all extracted metadata (title, publish date, ...): page chrome (visit counters, menus,
scripts, the date line of a CMS) never makes a version, and neither does a title that reads
"2023年度" in the page and "2023年" in its DOCX copy.
"""
from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property

from parsers import PARSER_VERSION, Check, Report

from .search_index import search_tokens
from .substance import normalised_sections
from .text_codec import pack_text

# Metadata compared between readings of one document (versions columns); not in the hash.
METADATA_FIELDS = ("title", "agency_printed", "format", "period", "contact_address",
                   "contact_phone", "contact_postcode", "contact_email", "websites",
                   "province", "city", "county")

# The versions columns that come from the parse (Snapshot.stored_values), in this order.
VERSION_COLUMNS = (*METADATA_FIELDS, "publish_date", "source_kind", "text_z", "sections",
                   "warnings", "checks_failed", "parser_version", "content_hash")

TABLE_SECTIONS = ("active", "requests", "appeals")  # sections printed as the three tables

CellRow = tuple[str, str, str, float | int | None, str]  # tbl, row_key, col_key, value, raw


@dataclass
class Snapshot:
    """Everything a version stores about one parse of one original."""
    metadata: dict[str, str | None]
    year: int | None  # identity, with the agency: not part of the content hash
    agency_normalized: str | None
    sections: dict[str, str]
    cells: list[CellRow]
    checks: list[tuple[str, int, str, str | None]]  # rule, ok, detail, cells JSON (see fold_checks)
    text: str
    publish_date: str | None
    source_kind: str
    warnings: list[str] = field(default_factory=list)
    parser_version: str = PARSER_VERSION

    def compared_sections(self) -> dict[str, str]:
        return compared_sections(self.sections, {t for t, *_ in self.cells})

    def normalised_sections(self) -> dict[str, str]:
        return normalised_sections(self.compared_sections(), self.text)

    @cached_property  # asked for twice per ingest (compare, then store); a snapshot never changes
    def content_hash(self) -> str:
        canonical = {
            "sections": self.normalised_sections(),
            "cells": sorted((f"{t}/{r}/{c}", _canonical_number(v)) for t, r, c, v, _ in self.cells),
        }
        blob = json.dumps(canonical, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()

    @cached_property
    def stored_values(self) -> tuple:
        """The VERSION_COLUMNS values, text compressed and sections packed."""
        values = {**self.metadata, "publish_date": self.publish_date,
                  "source_kind": self.source_kind, "text_z": pack_text(self.text),
                  "sections": pack_sections(self.sections, self.text),
                  "warnings": json.dumps(self.warnings, ensure_ascii=False),
                  "checks_failed": sum(1 for c in self.checks if not c[1]),
                  "parser_version": self.parser_version, "content_hash": self.content_hash}
        return tuple(values[c] for c in VERSION_COLUMNS)

    @cached_property
    def stored_cells(self) -> list[tuple[str, str, str, float | int | None, str | None]]:
        """cell_values rows before their key ids: tbl, row_key, col_key, value, stored raw."""
        return [(t, r, c, v, stored_raw(v, raw)) for t, r, c, v, raw in self.cells]

    @cached_property
    def text_tokens(self) -> str:
        """The full text as the search index holds it (search_index.search_tokens)."""
        return search_tokens(self.text)

    def prepare(self) -> Snapshot:
        """Compute everything the archive writer stores now. A parsing worker calls it, so
        the one writer process does only the writing (the values travel in the pickle)."""
        for name in ("stored_values", "stored_cells", "text_tokens"):
            getattr(self, name)
        return self

    def cell_values(self) -> dict[str, float | int | None]:
        return {f"{t}/{r}/{c}": v for t, r, c, v, _ in self.cells}


def compared_sections(sections: dict[str, str], tables_read: set[str]) -> dict[str, str]:
    """The section texts that count as content: narrative sections, and a table section's
    text only when its cells could not be read (else the cells stand for it, and its text
    would turn a mere layout difference, e.g. "0" printed as "0   ", into a version)."""
    return {k: v for k, v in sorted(sections.items())
            if v and not (k in TABLE_SECTIONS and k in tables_read)}


def _canonical_number(value: float | int | None) -> float | None:
    # 3 and 3.0 are the same printed number; the hash must not depend on the reader's type
    return None if value is None else float(value)


def snapshot(report: Report) -> Snapshot:
    contacts, region = report.contacts, report.region
    metadata = {
        "title": report.title, "agency_printed": report.agency, "format": report.format,
        "period": report.period, "contact_address": contacts.address,
        "contact_phone": contacts.phone, "contact_postcode": contacts.postcode,
        "contact_email": contacts.email,
        "websites": json.dumps(report.websites, ensure_ascii=False) if report.websites else None,
        "province": region.province, "city": region.city, "county": region.county,
    }
    return Snapshot(
        metadata=metadata,
        year=report.year,
        agency_normalized=report.agency_normalized,
        sections=dict(report.sections),
        cells=[(c.table, c.row, c.col, c.value, c.raw) for c in report.cells],
        checks=fold_checks(report.checks),
        text=report.text,
        publish_date=report.publish_date,
        source_kind=report.source_kind,
        warnings=list(report.warnings),
    )


def fold_checks(checks: list[Check]) -> list[tuple[str, int, str, str | None]]:
    """Check rows as stored. A failure, or a pass that counted blank cells as 0, is kept whole;
    the plain passes of a rule (~40 per report, each as long as its equation) fold into one row
    per rule: they follow from the stored cells, and would otherwise outweigh the cells."""
    rows, plain = [], Counter()
    for check in checks:
        if check.ok and "blank" not in check.detail:
            plain[check.rule] += 1
        else:
            rows.append((check.rule, int(check.ok), check.detail,
                         json.dumps(check.cells, ensure_ascii=False)))
    rows += [(rule, 1, f"{n} {rule} checks without blank cells pass", None)
             for rule, n in sorted(plain.items())]
    return rows


def pack_sections(sections: dict[str, str], text: str) -> str:
    """versions.sections: a section that is a slice of the full text is stored as its
    [start, end] character offsets, so the text is not stored twice; others as their text.
    The `version_sections` view (schema.py) and unpack_sections give the texts back."""
    packed: dict[str, list[int] | str] = {}
    for key, value in sections.items():
        start = text.find(value) if value else -1
        packed[key] = [start, start + len(value)] if start >= 0 else value
    return json.dumps(packed, ensure_ascii=False)


def unpack_sections(packed: str | None, text: str | None) -> dict[str, str]:
    return {key: text[value[0]:value[1]] if isinstance(value, list) else value
            for key, value in json.loads(packed or "{}").items()}


def stored_raw(value: float | int | None, raw: str) -> str | None:
    """raw as stored in cell_values: NULL when SQLite's CAST(value AS TEXT) gives it back."""
    if isinstance(value, int) and not isinstance(value, bool) and raw == str(value):
        return None
    return raw
