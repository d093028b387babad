"""Coverage before accusation: real crawls over 127.0.0.1 of sites that refuse connections, time
out, 500 on their second list page, moved their 年报 column (404) or disallow it in robots.txt.
None of their agencies becomes `missing`; each agency-year is `not checked` with the reason. A
complete crawl after the deadline then makes exactly the really absent agency-years missing, and
a later failed crawl neither undoes that nor adds any."""
from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import REPO, query, run_crawl
from failing_sites import AGENCIES, FailingSites

BROKEN = ("slow", "paged", "moved", "blocked", "refused")
# what the site's last error says, by site
REASONS = {"slow": "took longer than", "paged": "http 500", "moved": "http 404", "blocked": "robots",
           "refused": "refused"}


@pytest.fixture(scope="module")
def sites() -> Iterator[FailingSites]:
    served = FailingSites()
    yield served
    served.close()


def statuses(db: Path) -> dict[tuple[str, int], tuple]:
    rows = query(db, "SELECT a.name, e.year, e.status, e.evidence_date, e.last_error, "
                     "e.date_evidence FROM expected_reports e JOIN agencies a ON a.id = e.agency_id")
    return {(name, year): tuple(rest) for name, year, *rest in rows}


def test_missing_only_after_a_complete_crawl(sites: FailingSites, tmp_path: Path) -> None:
    db, registry = tmp_path / "nianbao.db", sites.registry(tmp_path / "sites.yml")
    good, scanned = AGENCIES["good"], AGENCIES["scanned"]

    sites.set_broken()
    first = run_crawl(db, registry)
    assert first.returncode == 0, first.stderr[-3000:]  # one site was reached
    assert "sites: 3 reached, 2 complete, 5 incomplete" in first.stdout
    assert "site fail-good: complete: 3 list pages, 2 report links" in first.stdout
    assert "site fail-paged: incomplete (1 request failed)" in first.stdout
    assert "site fail-refused: not reached (report column not reached" in first.stdout
    crawls = dict(query(db, "SELECT site_id, complete FROM site_crawls"))
    assert crawls == {"fail-good": 1, "fail-scanned": 1, **{f"fail-{p}": 0 for p in BROKEN}}
    after_first = statuses(db)
    assert after_first[(good, 2024)][0] == "missing" and after_first[(good, 2024)][1]
    assert after_first[(good, 2023)][0] == "found" and after_first[(good, 2025)][0] == "late"
    assert {k for k, v in after_first.items() if v[0] == "missing"} == {(good, 2024),
                                                                        (scanned, 2024)}
    # the scan no parser reads is still the agency's 2023 report: found, never missing
    assert after_first[(scanned, 2023)][0] == "found"
    assert query(db, "SELECT r.year, v.unread IS NOT NULL FROM versions v JOIN reports r "
                     "ON r.id = v.report_id JOIN agencies a ON a.id = r.agency_id "
                     "WHERE a.name = ? ORDER BY r.year", scanned) == [(2023, 1), (2025, 0)]
    for prefix in BROKEN:
        agency = AGENCIES[prefix]
        for year in (2024, 2025) if prefix != "paged" else (2024,):
            status, _, error, _ = after_first[(agency, year)]
            assert status == "not checked", (prefix, year, status)
            assert REASONS[prefix] in error.lower(), (prefix, error)
    # the page the 500 cut off is not checked; the 2023 report its first page listed is found
    assert after_first[(AGENCIES["paged"], 2025)][0] == "not checked"
    assert after_first[(AGENCIES["paged"], 2023)][0] == "found"

    sites.fix()
    second = run_crawl(db, registry)
    assert second.returncode == 0, second.stderr[-3000:]
    assert "sites: 7 reached, 7 complete, 0 incomplete" in second.stdout
    established = statuses(db)
    missing = {k for k, v in established.items() if v[0] == "missing"}
    assert missing == {(a, 2024) for a in AGENCIES.values()}
    assert all(established[k][1] for k in missing)  # each with its evidence crawl's date
    assert {established[(a, 2025)][::3] for a in AGENCIES.values()} == {("late", "list")}
    assert {established[(a, 2023)][::3] for a in AGENCIES.values()} == {("found", "list")}

    sites.set_broken()
    third = run_crawl(db, registry)
    assert third.returncode == 0, third.stderr[-3000:]
    after_third = statuses(db)
    assert {k for k, v in after_third.items() if v[0] == "missing"} == missing
    assert {k: v[:2] for k, v in after_third.items()} == {k: v[:2] for k, v in established.items()}
    # nothing the failed crawl did not see is removed
    assert query(db, "SELECT count(*) FROM reports WHERE status = 'removed'") == [(0,)]

    coverage = run_cli(db, "coverage")
    assert "fail-refused" in coverage and "never" not in coverage.split("fail-good")[1][:200]
    listing = run_cli(db, "missing")
    assert re.search(rf"{good} +2024 +2025-01-31 +missing +\d+ +complete crawl of 20", listing)


def test_crawl_exits_non_zero_when_no_site_is_reached(sites: FailingSites,
                                                      tmp_path: Path) -> None:
    sites.set_broken()
    db = tmp_path / "nianbao.db"
    run = run_crawl(db, sites.registry(tmp_path / "sites.yml", only=("refused", "moved")))
    assert run.returncode == 1
    assert "sites: 0 reached, 0 complete, 2 incomplete" in run.stdout
    assert "no site could be reached" in run.stderr
    assert query(db, "SELECT count(*) FROM expected_reports WHERE status = 'missing'") == [(0,)]


def run_cli(db: Path, *args: str) -> str:
    return subprocess.run([sys.executable, "-m", "nianbao.cli", "--db", str(db), *args],
                          cwd=REPO, capture_output=True, text=True, check=True).stdout


def test_a_spent_exploring_budget_is_a_cut_and_accuses_no_one(sites: FailingSites, tmp_path: Path) -> None:
    # one page a site: the home pages answer, the links towards the 年报 column are cut
    db, registry = tmp_path / "nianbao.db", sites.registry(tmp_path / "sites.yml")
    sites.fix()
    run = run_crawl(db, registry, settings={"NIANBAO_EXPLORE_BUDGET": "1"})
    assert "sites: 0 reached, 0 complete, 7 incomplete" in run.stdout
    assert "site fail-good: not reached (report column not reached; 1 request cut by a budget)" in run.stdout
    assert query(db, "SELECT count(*) FROM site_crawls WHERE complete = 1") == [(0,)]
    assert query(db, "SELECT count(*) FROM expected_reports WHERE status = 'missing'") == [(0,)]
