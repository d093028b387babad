"""expected_reports from the registry, the archive and the site crawls' coverage, on fixed dates
around both deadlines: missing only after a complete crawl past the deadline; found / late from
the publish date's evidence."""
from __future__ import annotations

import html
from datetime import date

from archive import Archive, Capture
from archive.coverage import SiteCrawl

from archive_helpers import REPORT_URL, seed_text, text_capture

SITES = [{"id": "yc", "name": "宜春市", "start_urls": ["http://www.yichun.gov.cn/"], "agencies": [
    {"name": "宜春市工信局", "since": 2021},  # a department: 1月31日
    {"name": "宜春市人民政府", "kind": "government", "since": 2022}]}]  # 3月31日
DEPT, GOV = "宜春市工业和信息化局", "宜春市人民政府"


def crawl(archive: Archive, at: str, complete: bool = True, site: str = "yc",
          why: str | None = None) -> int:
    """A site crawl as the crawler records it (started and finished at `at`, UTC)."""
    return archive.record_site_crawl(SiteCrawl(
        site, at, at, "finished", reached=complete, complete=complete,
        why=None if complete else (why or "list page failed"), list_pages=3 if complete else 0,
        report_links=2 if complete else 0,
        errors=[] if complete else [f"list http://www.yichun.gov.cn/: {why or 'HTTP 500'}"]))


def statuses(archive: Archive, as_of: date) -> dict[tuple[str, int], tuple]:
    archive.refresh_expected(as_of)
    rows = archive.conn.execute(
        "SELECT a.name, e.year, e.status, e.deadline, e.publish_date, e.date_evidence, "
        "e.evidence_date FROM expected_reports e JOIN agencies a ON a.id = e.agency_id")
    return {(name, year): tuple(rest) for name, year, *rest in rows}


def status(archive: Archive, as_of: date, key: tuple[str, int]) -> str:
    return statuses(archive, as_of)[key][0]


def test_missing_needs_a_complete_crawl_after_the_deadline(archive: Archive) -> None:
    archive.register_sites(SITES)
    # the 2022 report of the department, first seen on its deadline day (China time)
    archive.ingest(text_capture(seed_text(), site_id="yc", fetched_at="2023-01-31T09:00:00Z"))

    before = statuses(archive, date(2023, 1, 30))  # not seen yet on that day, never crawled
    assert {k: v[:2] for k, v in before.items()} == {
        (DEPT, 2021): ("not checked", "2022-01-31"), (DEPT, 2022): ("pending", "2023-01-31"),
        (GOV, 2022): ("pending", "2023-03-31")}
    assert statuses(archive, date(2023, 1, 31))[(DEPT, 2022)][:2] == ("found", "2023-01-31")
    assert status(archive, date(2023, 4, 1), (GOV, 2022)) == "not checked"
    # failed crawls after the deadline establish nothing; the last error is kept
    crawl(archive, "2023-04-02T02:00:00Z", complete=False, why="HTTP 500")
    assert status(archive, date(2023, 4, 5), (GOV, 2022)) == "not checked"
    row = archive.conn.execute("SELECT last_error, last_attempt, last_complete_crawl FROM "
                               "expected_reports WHERE status = 'not checked' LIMIT 1").fetchone()
    assert row[0].startswith("HTTP 500") and row[1] == "2023-04-02" and row[2] is None
    # a complete crawl on the government's deadline day is not after it; the next day's is
    crawl(archive, "2023-03-31T02:00:00Z")
    assert status(archive, date(2023, 4, 5), (GOV, 2022)) == "not checked"
    evidence = crawl(archive, "2023-04-03T02:00:00Z")
    after = statuses(archive, date(2023, 4, 5))
    assert after[(GOV, 2022)] == ("missing", "2023-03-31", None, "crawl", "2023-04-03")
    assert after[(DEPT, 2021)][0] == "missing"
    assert archive.conn.execute("SELECT evidence_crawl_id FROM expected_reports WHERE year = 2022 "
                                "AND status = 'missing'").fetchone()[0] == evidence
    # a later failed crawl neither undoes an established missing nor makes a new one
    crawl(archive, "2024-02-03T02:00:00Z", complete=False)
    later = statuses(archive, date(2024, 2, 5))
    assert later[(GOV, 2022)][0] == "missing" and later[(DEPT, 2023)][0] == "not checked"
    # as of a date before the evidence crawl, the crawl is not evidence yet
    assert status(archive, date(2023, 4, 2), (GOV, 2022)) == "not checked"


def html_capture(published: str | None, listed: str | None = None, modified: str | None = None,
                 fetched_at: str = "2023-03-01T02:00:00Z") -> Capture:
    """Seed 000 (宜春 2022, a department's: due 2023-01-31) as an HTML page, its printed
    发布日期, its list entry's date and its Last-Modified as given."""
    text = seed_text()
    body = "".join(f"<p>{html.escape(line)}</p>" for line in text.splitlines() if line.strip())
    info = f'<div class="info">发布日期：{published}</div>' if published else ""
    page = (f"<html><head><title>{DEPT}2022年政府信息公开工作年度报告</title></head><body>"
            f"<h1>{DEPT}2022年政府信息公开工作年度报告</h1>{info}{body}</body></html>")
    headers = {"Last-Modified": modified} if modified else {}
    return Capture(url=REPORT_URL, body=page.encode("utf-8"), site_id="yc", headers=headers,
                   content_type="text/html; charset=utf-8", fetched_at=fetched_at,
                   list_date=listed)


def verdict(archive: Archive, capture: Capture, as_of: date = date(2023, 6, 1)) -> tuple:
    archive.register_sites(SITES)
    result = archive.ingest(capture)
    assert result.outcome == "new_report", result
    return statuses(archive, as_of)[(DEPT, 2022)]


def test_on_time_from_the_printed_date_whenever_first_seen(archive: Archive) -> None:
    # first seen a month after the deadline, but the page says 2023-01-22
    assert verdict(archive, html_capture("2023-01-22", listed="2023-02-20")) == (
        "found", "2023-01-31", "2023-01-22", "page", None)


def test_late_from_the_printed_date(archive: Archive) -> None:
    assert verdict(archive, html_capture("2023-02-01", listed="2023-01-10"))[:4] == (
        "late", "2023-01-31", "2023-02-01", "page")


def test_list_date_when_nothing_is_printed(archive: Archive) -> None:
    assert verdict(archive, html_capture(None, listed="2023-01-31"))[:4] == (
        "found", "2023-01-31", "2023-01-31", "list")


def test_late_from_the_list_date(archive: Archive) -> None:
    assert verdict(archive, html_capture(None, listed="2023-02-10"))[:4] == (
        "late", "2023-01-31", "2023-02-10", "list")


def test_implausible_dates_are_no_evidence(archive: Archive) -> None:
    # a list date inside the reporting year, a printed date after we first saw it
    assert verdict(archive, html_capture("2023-05-01", listed="2022-12-01"))[0] == \
        "found, date unknown"


def test_last_modified_proves_on_time_only(archive: Archive) -> None:
    assert verdict(archive, html_capture(None, modified="Mon, 30 Jan 2023 08:00:00 GMT"))[:4] == (
        "found", "2023-01-31", "2023-01-30", "last-modified")


def test_a_late_last_modified_is_no_proof_of_lateness(archive: Archive) -> None:
    # 2023-01-31T17:00Z is 1 February in China; a regenerated page moves Last-Modified later
    assert verdict(archive, html_capture(None, modified="Tue, 31 Jan 2023 17:00:00 GMT"))[:4] == (
        "found, date unknown", "2023-01-31", "2023-02-01", "last-modified")


def test_first_seen_by_the_deadline_is_on_time(archive: Archive) -> None:
    # 2023-01-31T15:59Z is still 31 January in China
    assert verdict(archive, html_capture(None, fetched_at="2023-01-31T15:59:00Z"))[:4] == (
        "found", "2023-01-31", "2023-01-31", "first seen")


def test_undated_report_is_late_only_after_a_complete_crawl_without_it(archive: Archive) -> None:
    archive.register_sites(SITES)
    crawl(archive, "2023-01-20T02:00:00Z")  # before the deadline: says nothing about February
    archive.ingest(html_capture(None, fetched_at="2023-02-10T02:00:00Z"))
    assert status(archive, date(2023, 6, 1), (DEPT, 2022)) == "found, date unknown"
    crawl(archive, "2023-02-05T02:00:00Z", complete=False)  # failed: no evidence either
    assert status(archive, date(2023, 6, 1), (DEPT, 2022)) == "found, date unknown"
    crawl(archive, "2023-02-03T02:00:00Z")  # complete, after the deadline, without it
    assert statuses(archive, date(2023, 6, 1))[(DEPT, 2022)] == (
        "late", "2023-01-31", None, "crawl", "2023-02-03")


def test_government_deadline_is_31_march(archive: Archive) -> None:
    archive.register_sites(SITES)
    text = seed_text().replace("宜春市工业和信息化局", "宜春市人民政府")
    archive.ingest(text_capture(text, url="http://www.yichun.gov.cn/gov2022.html", site_id="yc",
                                list_date="2023-03-31", fetched_at="2023-05-01T02:00:00Z"))
    assert statuses(archive, date(2023, 6, 1))[(GOV, 2022)][:4] == (
        "found", "2023-03-31", "2023-03-31", "list")


def test_an_agency_that_left_the_site_owes_nothing_after(archive: Archive) -> None:
    """机构改革: a complete crawl no longer lists the agency's reports; its later years are not
    expected, its history stays."""
    archive.register_sites(SITES)
    archive.ingest(text_capture(seed_text("004_69dc6e22679cfd75.txt"), url="http://sr/1.html",
                                site_id="yc", fetched_at="2022-01-10T00:00:00Z"))
    crawl(archive, "2023-02-05T02:00:00Z")
    shangrao = ("上饶市工业和信息化局", 2022)
    assert statuses(archive, date(2023, 6, 1))[shangrao][0] == "missing"
    archive.complete_crawl("yc", set())  # its only report is gone from the complete list
    archive.conn.execute("UPDATE reports SET removed_at = '2022-06-01T00:00:00Z'")
    rows = statuses(archive, date(2023, 6, 1))
    assert shangrao not in rows and rows[("上饶市工业和信息化局", 2021)][0] == "found"


def test_registry_agencies_get_their_region(archive: Archive) -> None:
    """A missing agency-year must still say where the agency is (the registry names it)."""
    archive.register_sites([{"id": "fc", "name": "丰城市人民政府", "region": "江西省宜春市丰城市",
                             "start_urls": ["http://www.jxfc.gov.cn/"],
                             "agencies": [{"name": "丰城市市场监督管理局", "since": 2022},
                                          {"name": "工信局", "since": 2022}]}])
    rows = archive.conn.execute("SELECT name, province, city, county FROM agencies ORDER BY name")
    regions = {name: (p, c, k) for name, p, c, k in rows}
    assert regions["丰城市市场监督管理局"] == ("江西省", "宜春市", "丰城市")
    # a bare name takes the site's region
    assert regions[next(n for n in regions if n != "丰城市市场监督管理局")] == ("江西省", "宜春市", "丰城市")


def test_an_agency_whose_name_could_not_be_placed_is_never_missing(archive: Archive) -> None:
    """A bare name nothing could place ("农业农村局" on a site with no region) may be another
    agency's report printed short: its absent years stay 'not checked' after a complete crawl."""
    archive.register_sites(SITES)
    archive.ingest(text_capture(seed_text(), site_id="yc", fetched_at="2023-01-20T09:00:00Z"))
    archive.conn.execute("UPDATE agencies SET identity = 'unresolved: no place found' "
                         "WHERE name = ?", (DEPT,))
    crawl(archive, "2024-04-02T02:00:00Z")
    after = statuses(archive, date(2024, 4, 5))
    assert after[(DEPT, 2023)][0] == "not checked" and after[(DEPT, 2022)][0] == "found"
    assert after[(GOV, 2023)][0] == "missing"  # a placed agency on the same crawl
