"""`nianbao ingest | missing | changes | reparse`: the archive from the command line."""
from __future__ import annotations

import argparse
import mimetypes
import os
import sys
import urllib.error
import urllib.request
from collections import deque
from collections.abc import Iterator
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from . import coverage, expected
from .bulk import ingest_in_parallel, parsing_pool
from .capture import Capture, IngestResult
from .store import Archive

FETCH_TIMEOUT_S = 30
_USER_AGENT = "nianbao-archive/0.1"


def register(subparsers: argparse._SubParsersAction) -> None:
    ingest = subparsers.add_parser("ingest", help="archive report files or URLs")
    ingest.add_argument("inputs", nargs="+", metavar="FILE|URL")
    ingest.add_argument("--url", help="the URL a FILE was published at (one FILE only)")
    ingest.add_argument("--agency", help="the publishing agency, when the report does not say")
    ingest.add_argument("--year", type=int, help="the reporting year, when the report does not say")
    ingest.add_argument("--jobs", type=int, help="parse in this many worker processes (default: "
                        f"one per CPU from {PARALLEL_FROM} inputs on, else 1)")
    ingest.set_defaults(func=cmd_ingest)

    missing = subparsers.add_parser("missing", help="reports late or missing by their deadline")
    missing.add_argument("--as-of", type=date.fromisoformat, help="date (YYYY-MM-DD), default today")
    missing.add_argument("--all", action="store_true", help="also list found and pending reports")
    missing.set_defaults(func=cmd_missing)

    coverage = subparsers.add_parser(
        "coverage", help="per site: last complete crawl, last attempt and its error")
    coverage.add_argument("--history", action="store_true", help="every site crawl, not the last")
    coverage.set_defaults(func=cmd_coverage)

    changes = subparsers.add_parser("changes", help="cell, paragraph and metadata changes")
    changes.add_argument("--since", type=date.fromisoformat, help="detected on or after DATE")
    changes.set_defaults(func=cmd_changes)

    reparse = subparsers.add_parser("reparse", help="re-parse every version from its WARC original")
    reparse.set_defaults(func=cmd_reparse)


def _is_url(text: str) -> bool:
    return text.startswith(("http://", "https://"))


def fetch(url: str) -> Capture:
    """GET a URL with urllib (http and https only); HTTP errors come back as a status."""
    request = urllib.request.Request(url, headers={"User-Agent": _USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT_S) as response:
            return Capture(url=url, final_url=response.geturl(), status=response.status,
                           body=response.read(), headers=dict(response.headers.items()),
                           content_type=response.headers.get("Content-Type"))
    except urllib.error.HTTPError as exc:
        return Capture(url=url, status=exc.code, body=exc.read() or b"",
                       headers=dict(exc.headers.items()) if exc.headers else {})


def file_capture(path: Path, url: str | None = None) -> Capture:
    """A local file as a capture: its file:// URL unless the address it was published at is given."""
    return Capture(url=url or path.resolve().as_uri(), body=path.read_bytes(),
                   content_type=mimetypes.guess_type(path.name)[0])


def _capture_for(item: str, args: argparse.Namespace) -> Capture:
    capture = fetch(item) if _is_url(item) else file_capture(Path(item), args.url)
    capture.agency_hint, capture.year_hint = args.agency, args.year
    return capture


# Files per transaction. Bounded parsing (~50-140 ms a DOCX or PDF) dominates a hand ingest,
# so a small batch costs little speed and limits what a killed run has to redo.
INGEST_BATCH = 8
# From this many inputs on, parsing runs in a pool (archive/bulk.py) and batches are larger:
# the pool's start (~1 s) is then repaid.
PARALLEL_FROM, PARALLEL_BATCH = 64, 64


def cmd_ingest(args: argparse.Namespace) -> int:
    if args.url and len(args.inputs) > 1:
        print("nianbao ingest: --url names one FILE's address; give one FILE", file=sys.stderr)
        return 2
    failures = 0
    pending: deque[str] = deque()  # the inputs of the captures handed to ingest_many, in order

    def captures(archive: Archive) -> Iterator[Capture]:
        nonlocal failures
        for item in args.inputs:
            try:
                capture = _capture_for(item, args)
            except (OSError, ValueError) as exc:  # unreadable file, unreachable host, bad URL
                print(f"{item}\tfailed\t{exc}")
                failures += 1
                continue
            if capture.status in (404, 410):
                removed = archive.mark_gone(capture.url, capture.status)
                print(f"{item}\tgone (HTTP {capture.status})\tremoved reports: {removed or 'none'}")
                continue
            if capture.status >= 400:
                print(f"{item}\tfailed\tHTTP {capture.status}")
                failures += 1
                continue
            pending.append(item)
            yield capture

    many = len(args.inputs) >= PARALLEL_FROM
    jobs = args.jobs or ((os.cpu_count() or 1) if many else 1)
    try:
        with Archive(args.db) as archive, _results(archive, captures(archive), jobs) as results:
            for result in results:
                detail = result.error or (f"report {result.report_id} version "
                                          f"{result.version_id}" if result.report_id else "")
                if result.changed_cells:
                    detail += f", {result.changed_cells} cells changed"
                print(f"{pending.popleft()}\t{result.outcome}\t{detail}")
                failures += result.outcome == "error"
    except BrokenProcessPool as exc:  # a worker killed from outside (e.g. the OOM killer)
        print(f"nianbao ingest: a parsing process died ({exc}); the inputs listed above are "
              "archived, rerun the command for the rest", file=sys.stderr)
        return 1
    return 1 if failures else 0


@contextmanager
def _results(archive: Archive, captures: Iterator[Capture], jobs: int
             ) -> Iterator[Iterator[IngestResult]]:
    if jobs <= 1:
        yield archive.ingest_many(captures, batch=INGEST_BATCH)
        return
    with parsing_pool(jobs) as pool:
        yield ingest_in_parallel(archive, captures, pool, PARALLEL_BATCH)


def _table(header: tuple[str, ...], rows: list[tuple]) -> None:
    cells = [header, *[tuple("" if v is None else str(v) for v in row) for row in rows]]
    widths = [max(_width(row[i]) for row in cells) for i in range(len(header))]
    for row in cells:
        print("  ".join(v + " " * (w - _width(v)) for v, w in zip(row, widths)).rstrip())


def _width(text: str) -> int:
    # CJK characters take two terminal columns
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def cmd_missing(args: argparse.Namespace) -> int:
    """Late, missing and not-checked agency-years, each with the evidence of its status."""
    as_of = args.as_of or expected.today_in_china()
    shown = (("found", expected.DATE_UNKNOWN, "late", "missing", expected.NOT_CHECKED, "pending")
             if args.all else ("late", "missing", expected.NOT_CHECKED))
    with Archive(args.db) as archive:
        archive.refresh_expected(as_of)
        rows = archive.conn.execute(
            "SELECT a.name, e.year, e.deadline, e.status, e.first_seen, e.publish_date, "
            "e.date_evidence, e.evidence_date, e.last_complete_crawl, e.last_error "
            "FROM expected_reports e JOIN agencies a ON a.id = e.agency_id WHERE e.status IN "
            f"({', '.join('?' * len(shown))}) ORDER BY a.name, e.year", shown).fetchall()
    table = []
    for name, year, due, status, first_seen, *evidence in rows:
        # late: until published (else first seen); missing: until the as-of date
        end = (as_of if first_seen is None else date.fromisoformat(evidence[0]) if evidence[0]
               else expected.china_date(first_seen))
        overdue = (end - date.fromisoformat(due)).days if status in ("late", "missing") else 0
        table.append((name, year, due, status, overdue if overdue > 0 else "",
                      _short(expected.evidence_text(status, *evidence), 120)))
    _table(("agency", "year", "deadline", "status", "days overdue", "evidence"), table)
    counts = {s: sum(1 for row in table if row[3] == s) for s in shown}
    print(", ".join(f"{n} {s}" for s, n in counts.items()) + f" as of {as_of.isoformat()}")
    return 0


def cmd_coverage(args: argparse.Namespace) -> int:
    """Each site's crawls: reached, complete or why not (archive/coverage.py)."""
    with Archive(args.db) as archive:
        rows = coverage.summary(archive.conn, args.history)
    _table(("site", "last attempt", "reached", "complete", "list pages", "report links",
            "last complete crawl", "why / error"), rows)
    incomplete = sum(1 for row in rows if row[3] != "yes")
    print(f"{len(rows)} site crawls, {incomplete} not complete" if args.history else
          f"{len(rows)} sites, {incomplete} whose last crawl was not complete")
    return 0


def cmd_changes(args: argparse.Namespace) -> int:
    since = args.since.isoformat() if args.since else ""
    with Archive(args.db) as archive:
        rows = archive.conn.execute(
            "SELECT c.detected_at, a.name, r.year, c.kind, c.key, c.old, c.new, c.cause "
            "FROM changes c JOIN reports r ON r.id = c.report_id "
            "JOIN agencies a ON a.id = r.agency_id WHERE c.detected_at >= ? "
            "ORDER BY c.detected_at, c.id", (since,)).fetchall()
    _table(("detected", "agency", "year", "kind", "key", "old", "new", "cause"),
           [(*row[:5], _short(row[5]), _short(row[6]), row[7]) for row in rows])
    print(f"{len(rows)} changes" + (f" since {since}" if since else ""))
    return 0


def _short(text: str | None, limit: int = 40) -> str | None:
    return text if text is None or len(text) <= limit else text[:limit - 1] + "…"


def cmd_reparse(args: argparse.Namespace) -> int:
    with Archive(args.db) as archive:
        stats = archive.reparse()
    print(f"re-parsed {stats['versions']} versions: {stats['changed']} changed "
          f"({stats['changes']} changes, cause 'parser'), {stats['errors']} failed to parse; "
          f"{stats['documents']} documents read again; "
          f"{stats['recovered']} earlier failed captures now read as reports, "
          f"{stats['differs']} of those differ from the archived report (left as they were)")
    return 0
