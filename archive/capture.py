"""The one interface through which the crawler (or a hand ingest) hands documents to the archive."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Capture:
    url: str  # the URL requested
    body: bytes  # the payload exactly as received
    final_url: str | None = None  # after redirects
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)  # response headers
    fetched_at: str | None = None  # ISO 8601 UTC; the archive fills it if None
    content_type: str | None = None
    site_id: str | None = None  # sites.id from the registry
    link_text: str | None = None  # the anchor text on the list page that led here
    agency_hint: str | None = None  # from the registry / the CLI
    year_hint: int | None = None
    list_date: str | None = None  # ISO date printed beside its link on the list page


@dataclass
class IngestResult:
    outcome: str  # new_report | revised | unchanged | republished | representation | conflict
    #              | read | unread | not_report | error (docs/schema.md)
    capture_id: int | None = None
    report_id: int | None = None
    version_id: int | None = None
    error: str | None = None
    changed_cells: int = 0
