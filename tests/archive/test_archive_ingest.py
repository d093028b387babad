"""Report identity, versions and cell-level changes, on real SQLite and WARC files."""
from __future__ import annotations

import json

from archive import Archive, Capture
from replica.documents import html_body

from archive_helpers import REPORT_URL, SEED_000, SEED_001, count, seed_text, text_capture

PENALTY_LINE = "\t行政处罚\n\t1\n"  # seed 000: active/penalty/decisions = 1
PARAGRAPH = "（二）依申请公开。2022年共收到政府信息公开申请0件。"


def revised_000() -> str:
    """Seed 000 as its agency might revise it: one number and one sentence changed."""
    text = seed_text()
    assert PENALTY_LINE in text and PARAGRAPH in text
    return (text.replace(PENALTY_LINE, "\t行政处罚\n\t5\n")
            .replace(PARAGRAPH, "（二）依申请公开。2022年共收到政府信息公开申请0件，无结转。"))


def test_same_report_twice_adds_no_version(archive: Archive) -> None:
    first = archive.ingest(text_capture(seed_text()))
    again = archive.ingest(text_capture(seed_text(), fetched_at="2023-03-01T00:00:00Z"))
    assert (first.outcome, again.outcome) == ("new_report", "unchanged")
    assert again.report_id == first.report_id and again.version_id == first.version_id
    assert count(archive, "versions") == 1 and count(archive, "captures") == 2
    report = archive.conn.execute("SELECT first_seen, last_seen, year FROM reports").fetchone()
    assert report == ("2023-01-20T02:00:00Z", "2023-03-01T00:00:00Z", 2022)
    # an older crawl imported afterwards moves first_seen back, never last_seen
    archive.ingest(text_capture(seed_text(), fetched_at="2023-01-10T00:00:00Z"))
    report = archive.conn.execute("SELECT first_seen, last_seen FROM reports").fetchone()
    assert report == ("2023-01-10T00:00:00Z", "2023-03-01T00:00:00Z")
    # the second payload is stored once: a revisit record pointing at the first
    types = [r[0] for r in archive.conn.execute("SELECT warc_type FROM captures ORDER BY id")]
    assert types == ["response", "revisit", "revisit"]
    cell = archive.conn.execute(
        "SELECT value, raw FROM cells WHERE version_id = ? AND tbl = 'active' AND "
        "row_key = 'normative_documents' AND col_key = 'in_force'", (first.version_id,)).fetchone()
    assert cell == (3, "3")


def test_revision_stores_exactly_the_changed_cells_and_paragraphs(archive: Archive) -> None:
    first = archive.ingest(text_capture(seed_text()))
    revised = archive.ingest(text_capture(revised_000(), fetched_at="2023-02-10T00:00:00Z"))
    assert revised.outcome == "revised" and revised.changed_cells == 1
    assert count(archive, "versions") == 2
    seqs = archive.conn.execute("SELECT seq, cause FROM versions ORDER BY seq").fetchall()
    assert seqs == [(1, "first"), (2, "agency")]
    changes = archive.conn.execute(
        "SELECT kind, key, old, new, cause, from_version_id, to_version_id, detected_at "
        "FROM changes ORDER BY kind").fetchall()
    assert [c[:5] for c in changes if c[0] == "cell"] == [
        ("cell", "active/penalty/decisions", "1", "5", "agency")]
    paragraphs = [c for c in changes if c[0] == "paragraph"]
    assert len(paragraphs) == 1
    assert paragraphs[0][2] == PARAGRAPH and paragraphs[0][3].endswith("无结转。")
    assert paragraphs[0][1].startswith("overview/")
    assert not [c for c in changes if c[0] == "metadata"]
    assert {c[5:] for c in changes} == {(first.version_id, revised.version_id,
                                         "2023-02-10T00:00:00Z")}
    current = archive.conn.execute("SELECT current_version_id FROM reports").fetchone()[0]
    assert current == revised.version_id
    # the old version keeps its cells
    old = archive.conn.execute("SELECT value FROM cells WHERE version_id = ? AND tbl = 'active' "
                               "AND row_key = 'penalty'", (first.version_id,)).fetchone()
    assert old == (1,)


def html_page(visits: int, date: str, text: str | None = None) -> bytes:
    """A CMS page around the report: menus, a script, a visit counter and a date line."""
    lines = (text or seed_text()).split("\n")
    title = lines[0] + lines[1]
    return (f"<html><head><title>{title}</title><script>var visits = {visits};</script></head>"
            f'<body><div class="nav"><a href="/">首页</a> <a href="/xxgk/">信息公开</a></div>'
            f'<div class="article"><h1>{title}</h1>'
            f'<div class="info">发布时间：{date} 浏览次数：{visits}</div>'
            f'<div class="content">{html_body(text or seed_text())}</div></div>'
            f'<div class="footer">访问量：{visits * 13} 版权所有</div></body></html>').encode()


def test_page_chrome_makes_no_version(archive: Archive) -> None:
    first = archive.ingest(Capture(url=REPORT_URL, body=html_page(17, "2023-01-20"),
                                   content_type="text/html; charset=utf-8"))
    again = archive.ingest(Capture(url=REPORT_URL, body=html_page(4321, "2023-03-02"),
                                   content_type="text/html; charset=utf-8"))
    assert (first.outcome, again.outcome) == ("new_report", "unchanged")
    assert count(archive, "versions") == 1 and count(archive, "changes") == 0
    assert count(archive, "cells") == 200
    # both payloads are archived: they differ byte for byte
    assert count(archive, "captures WHERE warc_type = 'response'") == 2


def test_changed_publish_line_in_a_text_capture_makes_no_version(archive: Archive) -> None:
    def with_publish_line(date: str) -> str:
        title, body = seed_text().split("\n", 2)[:2], seed_text().split("\n", 2)[2]
        return "\n".join([*title, f"发布时间：{date}    来源：本站", body])

    first = archive.ingest(text_capture(with_publish_line("2023-01-20")))
    again = archive.ingest(text_capture(with_publish_line("2023-03-02")))
    assert (first.outcome, again.outcome) == ("new_report", "unchanged")
    assert count(archive, "versions") == 1


def test_republished_at_a_new_url_is_the_same_version(archive: Archive) -> None:
    first = archive.ingest(text_capture(seed_text()))
    moved = archive.ingest(text_capture(seed_text(), url="http://www.yichun.gov.cn/new/61584.html",
                                        fetched_at="2023-05-01T00:00:00Z"))
    assert moved.outcome == "republished" and moved.version_id == first.version_id
    assert archive.conn.execute("SELECT url, last_seen FROM reports").fetchone() == (
        "http://www.yichun.gov.cn/new/61584.html", "2023-05-01T00:00:00Z")
    assert count(archive, "versions") == 1 and count(archive, "reports") == 1


def test_alias_names_are_one_agency(archive: Archive) -> None:
    archive.ingest(text_capture(seed_text()))
    short = seed_text().replace("宜春市工业和信息化局2022年度", "宜春市工信局2022年度", 1)
    archive.ingest(text_capture(short, url="http://www.yichun.gov.cn/gxj/2022.html"))
    assert count(archive, "reports") == 1 and count(archive, "agencies") == 1
    name, aliases = archive.conn.execute("SELECT name, aliases FROM agencies").fetchone()
    assert name == "宜春市工业和信息化局"


def test_bare_agency_name_takes_the_registry_agency_or_the_hint(archive: Archive) -> None:
    archive.register_sites([{"id": "qu", "name": "某区政府", "start_urls": ["http://qu.example/"],
                             "agencies": [{"name": "某区工业和信息化局", "since": 2020}]}])
    from_site = archive.ingest(text_capture(seed_text(SEED_001), url="http://qu.example/1.html",
                                            site_id="qu"))
    hinted = archive.ingest(text_capture(seed_text(SEED_001), url="http://other.example/1.html",
                                         agency_hint="另一区工业和信息化局"))
    names = archive.conn.execute(
        "SELECT a.name FROM reports r JOIN agencies a ON a.id = r.agency_id ORDER BY r.id")
    assert [n for (n,) in names] == ["某区工业和信息化局", "另一区工业和信息化局"]
    assert from_site.outcome == hinted.outcome == "new_report"


def test_a_page_that_is_not_a_report_is_kept_as_a_capture(archive: Archive) -> None:
    result = archive.ingest(text_capture("关于召开2023年全市工业经济运行调度会的通知\n各县市区工信局：\n"))
    assert result.outcome == "not_report" and result.report_id is None
    assert count(archive, "reports") == 0
    assert archive.conn.execute("SELECT outcome FROM captures").fetchone() == ("not_report",)


def test_unreadable_input_is_a_recorded_error(archive: Archive) -> None:
    capture = text_capture("")
    capture.body, capture.content_type = b"%PDF-1.4\n%\xe2\xe3 broken", "application/pdf"
    result = archive.ingest(capture)
    assert result.outcome == "error" and result.error
    row = archive.conn.execute("SELECT outcome, error, size FROM captures").fetchone()
    assert row[0] == "error" and row[1] == result.error and row[2] == len(capture.body)
    assert archive.read_original(result.capture_id).payload == capture.body


def test_originals_read_back_byte_identical(archive: Archive) -> None:
    body = seed_text().encode("gb18030")
    capture = text_capture("", fetched_at="2023-01-20T02:00:00Z")
    capture.body, capture.content_type = body, "text/plain; charset=gb18030"
    first = archive.ingest(capture)
    second = archive.ingest(text_capture("", url="http://mirror.example/r.txt"))
    second_capture = archive.read_original(second.capture_id)
    again = archive.ingest(capture)
    assert archive.read_original(first.capture_id).payload == body
    assert archive.read_original(again.capture_id).payload == body  # via the revisit record
    assert second_capture.payload == b""


def test_removed_reports_are_marked_never_deleted(archive: Archive) -> None:
    archive.register_sites([{"id": "yc", "name": "宜春市工信局", "start_urls": [REPORT_URL]}])
    kept = archive.ingest(text_capture(seed_text(), site_id="yc"))
    other = archive.ingest(text_capture(seed_text(SEED_001), url="http://gxj.yichun.gov.cn/2.html",
                                        site_id="yc", agency_hint="宜春市袁州区工业和信息化局"))
    assert archive.mark_gone("http://gxj.yichun.gov.cn/2.html", 500) == []
    assert archive.mark_gone("http://gxj.yichun.gov.cn/2.html", 404) == [other.report_id]
    assert archive.complete_crawl("yc", {REPORT_URL}) == []
    assert archive.complete_crawl("yc", set()) == [kept.report_id]
    assert count(archive, "expected_reports WHERE status IN ('found', 'late')") == 2
    rows = archive.conn.execute("SELECT status, removed_at IS NOT NULL FROM reports").fetchall()
    assert rows == [("removed", 1), ("removed", 1)]
    assert count(archive, "versions") == 2 and count(archive, "cells") > 300
    assert count(archive, "changes WHERE key = 'status'") == 2
    back = archive.ingest(text_capture(seed_text(), site_id="yc"))  # published again
    assert back.outcome == "unchanged"
    assert archive.conn.execute("SELECT status, removed_at FROM reports WHERE id = ?",
                                (kept.report_id,)).fetchone() == ("current", None)
    assert archive.conn.execute("SELECT old, new FROM changes WHERE key = 'status' "
                                "ORDER BY id DESC").fetchone() == ("removed", "current")


def test_checks_are_stored_with_failures_spelled_out(archive: Archive, expected: dict) -> None:
    seed = "003_7ed1e439a9c9913c.txt"  # R2 fails in two columns
    result = archive.ingest(text_capture(seed_text(seed)))
    failed = archive.conn.execute("SELECT rule, cells FROM checks WHERE version_id = ? AND ok = 0",
                                  (result.version_id,)).fetchall()
    assert {rule for rule, _ in failed} == set(expected[seed]["failing_rules"])
    assert all(json.loads(cells) for _, cells in failed)
    assert archive.conn.execute("SELECT checks_failed FROM versions").fetchone()[0] == len(failed)


def test_sections_are_stored_once_and_read_back_whole(archive: Archive) -> None:
    from parsers import parse

    seed = "002_d5aa6a7852a4f00f.txt"  # one section is not a verbatim slice of the text
    result = archive.ingest(text_capture(seed_text(seed)))
    stored = dict(archive.conn.execute(
        "SELECT section, text FROM version_sections WHERE version_id = ?", (result.version_id,)))
    assert stored == parse(seed_text(seed).encode("utf-8"), "text/plain").sections
    packed = json.loads(archive.conn.execute("SELECT sections FROM versions").fetchone()[0])
    assert isinstance(packed["overview"], list)  # offsets into versions.text


def test_plain_passing_checks_fold_into_one_row_per_rule(archive: Archive) -> None:
    seed = "004_69dc6e22679cfd75.txt"  # blank cells: passes that counted blanks stay whole
    result = archive.ingest(text_capture(seed_text(seed)))
    rows = archive.conn.execute("SELECT rule, ok, detail, cells FROM checks WHERE version_id = ?",
                                (result.version_id,)).fetchall()
    folded = {r[0]: r[1:3] for r in rows if r[3] is None}
    assert folded == {"R1": (1, "7 R1 checks without blank cells pass"),
                      "R3": (1, "23 R3 checks without blank cells pass"),
                      "R4": (1, "3 R4 checks without blank cells pass"),
                      "R5": (1, "1 R5 checks without blank cells pass")}
    whole = [r for r in rows if r[3] is not None]
    assert len(whole) == 9 and all("blank cells counted as 0" in r[2] for r in whole)


def test_a_bare_name_is_not_placed_by_a_city_named_elsewhere(archive: Archive) -> None:
    from parsers import Region, Report

    report = Report(agency="工信局", agency_normalized="工业和信息化局", year=2022,
                    region=Region(province="江西省", city="宜春市"),
                    sections={"overview": "总体情况", "problems": "问题", "other": "其他"})
    result = archive.ingest(text_capture("工信局2022年报", agency_hint="宜春市袁州区工信局"),
                            parsed=report)
    assert result.outcome == "new_report"
    assert archive.conn.execute("SELECT name, aliases FROM agencies").fetchone() == (
        "宜春市袁州区工业和信息化局", '["宜春市袁州区工信局", "工信局"]')  # the bare form too


def test_a_report_is_removed_only_when_none_of_its_documents_remains(archive: Archive) -> None:
    # the report page and a copy of it (its attachment): the copy was captured last
    archive.register_sites([{"id": "yc", "name": "宜春市工信局", "start_urls": [REPORT_URL]}])
    copy_url = "http://gxj.yichun.gov.cn/attach/61584.txt"
    page = archive.ingest(text_capture(seed_text(), site_id="yc"))
    archive.ingest(text_capture(seed_text(), url=copy_url, site_id="yc"))
    # the attachment is taken down, the page stays: not removed
    assert archive.mark_gone(copy_url, 404, "yc") == []
    # a complete crawl that lists only the page: not removed
    assert archive.complete_crawl("yc", {REPORT_URL}) == []
    status = "SELECT status FROM reports WHERE id = ?"
    assert archive.conn.execute(status, (page.report_id,)).fetchone() == ("current",)
    gone = "SELECT url FROM documents WHERE gone_at IS NOT NULL"
    assert [r[0] for r in archive.conn.execute(gone)] == [copy_url]
    # the report's URL is its live document's, not the last capture's
    assert archive.conn.execute("SELECT url FROM reports").fetchall() == [(REPORT_URL,)]
    # the page answers 404 as well: no document left, the report is removed
    assert archive.mark_gone(REPORT_URL, 404, "yc") == [page.report_id]
    assert archive.conn.execute(status, (page.report_id,)).fetchone() == ("removed",)
    # seen again: current, and its document live again
    archive.ingest(text_capture(seed_text(), site_id="yc"))
    assert archive.conn.execute(status, (page.report_id,)).fetchone() == ("current",)
    assert [r[0] for r in archive.conn.execute(gone)] == [copy_url]
    # a complete crawl listing neither removes it again
    assert archive.complete_crawl("yc", set()) == [page.report_id]
