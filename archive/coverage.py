"""What each crawl of each site actually covered (table site_crawls).

"Missing" accuses an agency of breaking the law, and "removed" says it withdrew a report: both
rest on a crawl that saw the site's whole report column. A crawl is *complete* for a site only
when the column was reached, every list and pager page of it was fetched (no 4xx/5xx/timeout
left after the retries, nothing refused by robots.txt or a guard, nothing cut by a budget) and
it listed at least one report link. Each site crawl is one row, kept as history.
"""
from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field

from .expected import china_date


@dataclass
class SiteCrawl:
    site_id: str
    started_at: str  # ISO 8601 UTC
    finished_at: str
    finish_reason: str  # Scrapy's: finished, shutdown, closespider_*, ...
    reached: bool  # a list page of the site answered and listed report links
    complete: bool
    why: str | None = None  # why not complete (None when complete)
    list_pages: int = 0  # list and pager pages fetched
    report_links: int = 0  # distinct report links those pages listed
    errors: list[str] = field(default_factory=list)  # "kind URL: message", first ones

    def row(self) -> tuple:
        return (self.site_id, self.started_at, self.finished_at, self.finish_reason,
                int(self.reached), int(self.complete), self.why, self.list_pages,
                self.report_links, len(self.errors),
                json.dumps(self.errors[:MAX_ERRORS], ensure_ascii=False))


MAX_ERRORS = 20  # kept per site crawl: enough to see the pattern, bounded for a broken site


def distributed_crawl(site_id: str, seen_urls: set[str], failed: bool, at: str) -> SiteCrawl:
    """A site's coverage as the distributed writer knows it (crawler processes publish only the
    report URLs that answered and whether any request of the site failed or was refused): the
    crawl's end time stands for its start, the list pages are not counted."""
    reached = bool(seen_urls)
    why = "; ".join(x for x in ("report column not reached" if not reached else None,
                                "requests failed or refused" if failed else None) if x) or None
    return SiteCrawl(site_id, at, at, "finished", reached, why is None, why, 0, len(seen_urls))


def record(conn: sqlite3.Connection, crawl: SiteCrawl) -> int:
    """Append one site crawl (inside the caller's transaction)."""
    return conn.execute(
        "INSERT INTO site_crawls (site_id, started_at, finished_at, finish_reason, reached, "
        "complete, why, list_pages, report_links, error_count, errors) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", crawl.row()).lastrowid


@dataclass
class SiteHistory:
    """A site's crawls as the statuses need them: complete crawls (id, China start date,
    finished_at), and the last attempt's date and error."""
    complete: list[tuple[int, str, str]]  # (id, started China date ISO, finished_at UTC)
    last_attempt: str | None = None
    last_error: str | None = None

    def first_complete_after(self, day: str) -> tuple[int, str, str] | None:
        """The first complete crawl that started after `day` (a China date, ISO)."""
        return next((c for c in self.complete if c[1] > day), None)

    @property
    def last_complete(self) -> str | None:
        return self.complete[-1][1] if self.complete else None


def histories(conn: sqlite3.Connection, until: str) -> dict[str, SiteHistory]:
    """Every site's crawl history up to the China date `until` (later crawls are not evidence
    as of that date)."""
    out: dict[str, SiteHistory] = {}
    for id_, site_id, started, finished, complete, why, errors in conn.execute(
            "SELECT id, site_id, started_at, finished_at, complete, why, errors "
            "FROM site_crawls ORDER BY started_at, id"):
        day = china_date(started).isoformat()
        if day > until:
            continue
        history = out.setdefault(site_id, SiteHistory([]))
        if complete:
            history.complete.append((id_, day, finished))
        history.last_attempt = day
        history.last_error = None if complete else _error_line(why, errors)
    return out


def _error_line(why: str | None, errors: str | None) -> str:
    first = json.loads(errors or "[]")
    return "; ".join(x for x in (why, first[0] if first else None) if x)


def summary(conn: sqlite3.Connection, history: bool = False) -> list[tuple]:
    """Rows for `nianbao coverage`: each site's last crawl (or every crawl), with the date of its
    last complete crawl and why the crawl was not complete."""
    last = "" if history else ("WHERE c.id = (SELECT id FROM site_crawls WHERE site_id = c.site_id "
                               "ORDER BY started_at DESC, id DESC LIMIT 1)")
    rows = conn.execute(
        "SELECT c.site_id, c.started_at, c.reached, c.complete, c.list_pages, c.report_links, "
        "(SELECT max(started_at) FROM site_crawls k WHERE k.site_id = c.site_id AND k.complete "
        " AND k.started_at <= c.started_at), c.why, c.errors "
        f"FROM site_crawls c {last} ORDER BY c.site_id, c.started_at").fetchall()
    return [(site, started, "yes" if reached else "no", "yes" if complete else "no", pages, links,
             last_complete or "never", "" if complete else _error_line(why, errors))
            for site, started, reached, complete, pages, links, last_complete, why, errors in rows]
