"""A site offering every report as a page and a PDF copy, with no validators, crawled again
and again by the real `nianbao crawl`: one version per report, until the agency revises one.
Then exactly one new version with exactly the changed cell."""
from __future__ import annotations

from pathlib import Path

import pytest
from conftest import query, run_crawl

from tests.archive.representations import revised, tools_missing
from tests.crawler.document_site import DocumentSite
from tests.parsers.fixture_builders import seed_reports

pytestmark = pytest.mark.skipif(tools_missing() is not None, reason=str(tools_missing()))
SEEDS = {1: "000_7deeb89319d6e7c7.txt", 2: "002_d5aa6a7852a4f00f.txt"}
AGENCIES = ["宜春市工业和信息化局", "樟树市工业和信息化局"]  # normalised, in name order
# by agency: report ids follow the order the crawl happened to ingest them
PER_REPORT = ("SELECT a.name, count(DISTINCT v.id), count(DISTINCT d.id) FROM reports r "
              "JOIN agencies a ON a.id = r.agency_id JOIN versions v ON v.report_id = r.id "
              "JOIN documents d ON d.report_id = r.id GROUP BY r.id ORDER BY a.name")


def crawl(db: Path, sites: Path) -> None:
    run = run_crawl(db, sites)
    assert run.returncode == 0, run.stderr[-3000:]


def test_page_and_pdf_recrawled_make_one_version_until_a_revision(tmp_path: Path) -> None:
    db = tmp_path / "nianbao.db"
    with DocumentSite() as site:
        for n, name in SEEDS.items():
            site.publish(n, seed_reports()[name])
        sites = site.registry(tmp_path / "sites.yml", AGENCIES)
        for _ in range(3):
            crawl(db, sites)
        assert query(db, PER_REPORT) == [(AGENCIES[0], 1, 2), (AGENCIES[1], 1, 2)]
        # every crawl downloaded and archived both documents of both reports
        assert query(db, "SELECT count(*) FROM captures WHERE report_id IS NOT NULL") == [(12,)]
        assert query(db, "SELECT count(*) FROM changes WHERE cause = 'agency'") == [(0,)]
        assert query(db, "SELECT DISTINCT kind, agreement FROM documents ORDER BY kind") == [
            ("page", "agree"), ("pdf", "agree")]

        site.publish(1, revised(seed_reports()[SEEDS[1]], "3", "4"))  # page and PDF
        crawl(db, sites)
        crawl(db, sites)
    assert query(db, PER_REPORT) == [(AGENCIES[0], 2, 2), (AGENCIES[1], 1, 2)]
    changes = query(db, "SELECT kind, old, new, cause FROM changes")
    assert changes == [("cell", "3", "4", "agency")]
    assert query(db, "SELECT count(*) FROM representation_conflicts") == [(0,)]
