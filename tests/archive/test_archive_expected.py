"""expected_reports from the registry and the archive, on fixed dates around both deadlines."""
from __future__ import annotations

from datetime import date

from archive import Archive

from archive_helpers import seed_text, text_capture

SITES = [{"id": "yc", "name": "宜春市", "start_urls": ["http://www.yichun.gov.cn/"], "agencies": [
    {"name": "宜春市工信局", "since": 2021},  # a department: 1月31日
    {"name": "宜春市人民政府", "kind": "government", "since": 2022}]}]  # 3月31日


def statuses(archive: Archive, as_of: date) -> dict[tuple[str, int], tuple[str, str]]:
    archive.refresh_expected(as_of)
    rows = archive.conn.execute(
        "SELECT a.name, e.year, e.status, e.deadline FROM expected_reports e "
        "JOIN agencies a ON a.id = e.agency_id")
    return {(name, year): (status, deadline) for name, year, status, deadline in rows}


def test_statuses_around_both_deadlines(archive: Archive) -> None:
    archive.register_sites(SITES)
    # the 2022 report of the department, first seen on its deadline day (China time)
    archive.ingest(text_capture(seed_text(), site_id="yc", fetched_at="2023-01-31T09:00:00Z"))
    dept, gov = "宜春市工业和信息化局", "宜春市人民政府"

    before = statuses(archive, date(2023, 1, 30))  # not seen yet on that day
    assert before == {(dept, 2021): ("missing", "2022-01-31"),
                      (dept, 2022): ("pending", "2023-01-31"),
                      (gov, 2022): ("pending", "2023-03-31")}
    assert statuses(archive, date(2023, 1, 31))[(dept, 2022)] == ("found", "2023-01-31")
    assert statuses(archive, date(2023, 2, 1))[(dept, 2022)] == ("found", "2023-01-31")
    assert statuses(archive, date(2023, 3, 30))[(gov, 2022)] == ("pending", "2023-03-31")
    assert statuses(archive, date(2023, 3, 31))[(gov, 2022)] == ("pending", "2023-03-31")
    assert statuses(archive, date(2023, 4, 1))[(gov, 2022)] == ("missing", "2023-03-31")
    # as of 2024-02-01 the department's 2023 report is a day overdue
    later = statuses(archive, date(2024, 2, 1))
    assert later[(dept, 2023)] == ("missing", "2024-01-31")
    assert statuses(archive, date(2024, 1, 31))[(dept, 2023)] == ("pending", "2024-01-31")


def test_late_when_first_seen_after_the_deadline(archive: Archive) -> None:
    archive.register_sites(SITES)
    # 2023-01-31T17:00Z is 1 February 01:00 in China: one day late
    archive.ingest(text_capture(seed_text(), site_id="yc", fetched_at="2023-01-31T17:00:00Z"))
    assert statuses(archive, date(2023, 6, 1))[("宜春市工业和信息化局", 2022)][0] == "late"
    # an agency that is in no registry is expected from its first reported year
    archive.ingest(text_capture(seed_text("004_69dc6e22679cfd75.txt"), url="http://sr/1.html",
                                fetched_at="2022-01-10T00:00:00Z"))
    found = statuses(archive, date(2023, 6, 1))
    assert found[("上饶市工业和信息化局", 2021)][0] == "found"
    assert found[("上饶市工业和信息化局", 2022)][0] == "missing"


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
