"""What a crawl covered, per site: the evidence the archive needs before it says "missing" or
"removed" (archive/coverage.py keeps it in site_crawls).

The spider reports every list page it read (with the report links it listed), every request
that failed for good (after the retries) or was refused (robots.txt, the private-network guard,
offsite), and every cut by a budget. The state is plain dicts and lists in the spider's `state`,
so a JOBDIR resume carries it over.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from archive.coverage import MAX_ERRORS, SiteCrawl


def utc_now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class CrawlCoverage:
    def __init__(self, state: dict[str, Any]) -> None:
        self.state = state.setdefault("coverage", {"started_at": utc_now(), "sites": {}})

    @property
    def started_at(self) -> str:
        return self.state["started_at"]

    def _site(self, site_id: str) -> dict[str, Any]:
        return self.state["sites"].setdefault(
            site_id, {"list_pages": 0, "report_links": [], "failed": 0, "refused": 0, "cut": 0,
                      "errors": []})

    def incomplete_sites(self) -> list[str]:
        """Sites with a page this crawl did not see: failed, refused or cut."""
        return [site_id for site_id, site in self.state["sites"].items()
                if site["failed"] or site["refused"] or site["cut"]]

    def listed(self, site_id: str, report_urls: list[str]) -> None:
        """A list or pager page answered; these report links were on it."""
        site = self._site(site_id)
        site["list_pages"] += 1
        known = set(site["report_links"])
        site["report_links"].extend(u for u in dict.fromkeys(report_urls) if u not in known)

    def failed(self, site_id: str, kind: str, url: str, message: str) -> None:
        """A request that failed for good: an HTTP error, a timeout, a refused connection."""
        self._problem(site_id, "failed", f"{kind} {url}: {message}")

    def refused(self, site_id: str, kind: str, url: str, message: str) -> None:
        """A request refused by policy (robots.txt, private address, offsite): polite, and still
        a page of the site we did not see."""
        self._problem(site_id, "refused", f"{kind} {url} refused: {message}")

    def dead_link(self, site_id: str, kind: str, url: str, message: str) -> None:
        """A menu link that is gone (404/410): the site's own answer, not a gap in the crawl,
        but kept as the reason when the column was not reached (a redesign moved it)."""
        site = self._site(site_id)
        if len(site["errors"]) < MAX_ERRORS:
            site["errors"].append(f"{kind} {url}: {message} (dead link)")

    def cut(self, site_id: str, why: str) -> None:
        """A page left unfetched by a budget (pages, bytes, rendering time)."""
        self._problem(site_id, "cut", f"cut by a budget: {why}")

    def _problem(self, site_id: str, counter: str, line: str) -> None:
        site = self._site(site_id)
        site[counter] += 1
        if len(site["errors"]) < MAX_ERRORS:
            site["errors"].append(line)

    def site_crawl(self, site_id: str, finish_reason: str) -> SiteCrawl:
        """The verdict for one site at the end of the crawl."""
        site = self._site(site_id)
        links = len(site["report_links"])
        reached = site["list_pages"] > 0 and links > 0
        why = _why_incomplete(site, finish_reason, reached)
        return SiteCrawl(site_id, self.started_at, utc_now(), finish_reason, reached,
                         why is None, why, site["list_pages"], links, list(site["errors"]))


def _why_incomplete(site: dict[str, Any], finish_reason: str, reached: bool) -> str | None:
    reasons = []
    if finish_reason != "finished":
        reasons.append(f"crawl stopped ({finish_reason})")
    if not reached:  # no link to a report: a redesign, or the way to the column failed
        reasons.append("report column not reached" if site["list_pages"] == 0 or site["errors"]
                       else "no report links listed")
    for counter, text in (("failed", "failed"), ("refused", "refused by policy"),
                          ("cut", "cut by a budget")):
        if site[counter]:
            reasons.append(f"{site[counter]} request{'s' * (site[counter] > 1)} {text}")
    return "; ".join(reasons) or None


def summary_line(crawl: SiteCrawl) -> str:
    """reached / complete / incomplete (why), for the crawl summary."""
    if crawl.complete:
        state = "complete"
    elif crawl.reached:
        state = f"incomplete ({crawl.why})"
    else:
        state = f"not reached ({crawl.why})"
    first = f"; first error: {crawl.errors[0]}" if crawl.errors and not crawl.complete else ""
    return (f"site {crawl.site_id}: {state}: {crawl.list_pages} list pages, "
            f"{crawl.report_links} report links{first}")
