"""A fetched report the parser cannot read is still that agency-year's report: archived as a
version marked unread with the reason, found (never missing), read by `reparse` later."""
from __future__ import annotations

from datetime import date

from archive import Archive, Capture
from archive.coverage import SiteCrawl

from archive_helpers import count, seed_text, text_capture

TITLE = "宜春市工业和信息化局2022年政府信息公开工作年度报告"
SITES = [{"id": "yc", "name": "宜春市", "start_urls": ["http://www.yichun.gov.cn/"],
          "agencies": [{"name": "宜春市工业和信息化局", "since": 2022}]}]
SCAN = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"  # no text layer: nothing to read


def scanned(url: str = "http://www.yichun.gov.cn/nb2022.pdf", title: str | None = TITLE) -> Capture:
    return Capture(url=url, body=SCAN, content_type="application/pdf", site_id="yc",
                   link_text=title, fetched_at="2023-01-20T02:00:00Z")


def test_unreadable_but_titled_report_is_found(archive: Archive) -> None:
    archive.register_sites(SITES)
    result = archive.ingest(scanned())
    assert result.outcome == "new_report" and result.error.startswith("unread: ")
    unread, cells = archive.conn.execute(
        "SELECT v.unread, (SELECT count(*) FROM cell_values c WHERE c.version_id = v.id) "
        "FROM versions v").fetchone()
    assert unread and cells == 0
    # a complete crawl after the deadline: found (seen before it), not missing
    archive.record_site_crawl(SiteCrawl("yc", "2023-02-05T02:00:00Z", "2023-02-05T03:00:00Z",
                                        "finished", True, True, list_pages=1, report_links=1))
    archive.refresh_expected(date(2023, 6, 1))
    assert archive.conn.execute("SELECT year, status FROM expected_reports").fetchall() == [
        (2022, "found")]


def test_untitled_unreadable_document_stays_no_report(archive: Archive) -> None:
    archive.register_sites(SITES)
    assert archive.ingest(scanned(title=None)).outcome == "error"
    news = Capture(url="http://www.yichun.gov.cn/news.html", site_id="yc",
                   body="<html><body><p>新闻动态</p></body></html>".encode("utf-8"),
                   content_type="text/html; charset=utf-8", link_text="市工信局召开专题会议")
    assert archive.ingest(news).outcome == "not_report"
    assert count(archive, "reports") == 0


def test_a_readable_copy_reads_the_unread_version_without_a_revision(archive: Archive) -> None:
    archive.register_sites(SITES)
    first = archive.ingest(scanned())
    readable = archive.ingest(text_capture(seed_text(), url="http://www.yichun.gov.cn/nb.txt",
                                           site_id="yc", link_text=TITLE))
    assert readable.outcome == "read" and readable.version_id == first.version_id
    assert count(archive, "versions WHERE unread IS NULL") == 1
    assert count(archive, "changes") == 0 and count(archive, "cell_values") > 100
    # another unreadable copy of a report we have adds no version
    again = archive.ingest(scanned(url="http://www.yichun.gov.cn/copy.pdf"))
    assert again.outcome == "unread" and again.report_id == first.report_id
    assert count(archive, "versions") == 1


def test_reparse_reads_an_unread_version(archive: Archive) -> None:
    """The parser of the day could not read it (here: it said so); a later parser can."""
    archive.register_sites(SITES)
    capture = text_capture(seed_text(), site_id="yc", link_text=TITLE)
    result = archive.ingest(capture, parsed="layout not understood")
    assert result.outcome == "new_report"
    assert archive.conn.execute("SELECT unread FROM versions").fetchone()[0] == \
        "layout not understood"
    stats = archive.reparse()
    assert stats["versions"] == 1 and stats["errors"] == 0
    assert count(archive, "versions WHERE unread IS NULL") == 1
    assert count(archive, "cell_values") > 100
    assert count(archive, "changes WHERE cause = 'agency'") == 0
