"""What the spider hands to the archive pipeline."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class CaptureItem:
    """A report candidate as fetched; the pipeline turns it into an archive.Capture."""
    url: str
    body: bytes
    final_url: str | None
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str | None = None
    site_id: str | None = None
    link_text: str | None = None
    agency_hint: str | None = None
    year_hint: int | None = None
    fetched_at: str | None = None
    list_date: str | None = None  # ISO date beside its link on the list page


@dataclass
class GoneItem:
    """A report candidate that answered 404/410."""
    url: str
    status: int
    site_id: str | None = None
