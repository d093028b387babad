"""Document -> Report: metadata, the six sections, every table cell, checks, warnings, text.

Pure and reader-agnostic: it reads tables from their labels and the numbers that follow them,
so the same code serves text, markdown, HTML, DOCX and PDF documents.
"""
from __future__ import annotations

from .agency import normalize_agency
from .checks import run_checks
from .chrome import without_chrome
from .document import Document, Table
from .metadata import (
    agency_fallback, agency_from_title, find_contacts, find_period, find_publish_date, find_region,
    find_title, find_websites, find_year, restore_title_year,
)
from .model import Report
from .narrative import narrative_warnings
from .preamble import is_body_mark, read_preamble
from .sections import find_sections, table_lines
from .tables import extract_tables


def _render(doc: Document) -> tuple[str, dict[int, list[str]]]:
    """The full plain text, and each table's text lines by block index."""
    out: list[str] = []
    rendered: dict[int, list[str]] = {}
    for bi, b in enumerate(doc.blocks):
        if isinstance(b, Table):
            lines = rendered[bi] = table_lines(b)
            out.extend(lines)
        elif b:
            out.append(b)
    return "\n".join(out), rendered


def _page_title(doc: Document) -> str | None:
    return None if is_body_mark(doc.title) else doc.title


def decide_format(found: set[str], votes: dict[str, int]) -> str:
    """"2021" | "2019" | "none", from the table structure only."""
    if not found:
        return "none"
    if votes["2019"] > votes["2021"]:
        return "2019"
    return "2021"


def build_report(doc: Document) -> Report:
    doc = without_chrome(doc)
    paragraphs = doc.paragraphs()
    text, rendered = _render(doc)
    sections, heading_ctx = find_sections(doc, rendered)
    tables = extract_tables(doc, heading_ctx)
    fmt = decide_format(tables.found if tables.cells else set(), tables.format_votes)

    preamble = read_preamble(paragraphs)
    body = paragraphs[preamble.body_start:]
    period = find_period(text)
    title = find_title(body, lambda: preamble.get("title") or _page_title(doc))
    year = find_year(title, period, body)
    title = restore_title_year(title, year)
    agency = agency_from_title(title) or preamble.get("agency") or agency_fallback(body)
    contacts = find_contacts(text)
    checks, check_notes = run_checks(tables.cells, fmt, year)

    report = Report(
        title=title,
        agency=agency,
        agency_normalized=normalize_agency(agency) if agency else None,
        region=find_region(agency, title, contacts.address),
        year=year,
        format=fmt,
        period=period,
        publish_date=doc.publish_date or preamble.publish_date or find_publish_date(body),
        source_url=preamble.get("source_url"),
        contacts=contacts,
        websites=find_websites(text),
        sections=sections,
        cells=tables.cells,
        checks=checks,
        warnings=list(doc.warnings) + tables.warnings + check_notes
        + narrative_warnings(paragraphs, tables.cells),
        source_kind=doc.kind,
        text=text,
    )
    return report
