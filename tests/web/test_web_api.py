"""The same facts as the browser tests, through Datasette's JSON API and the Atom feed of the
real `nianbao serve`."""
from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from urllib.parse import urlencode

import pytest
import yaml

from nianbao.serve import METADATA
from nianbao_site import MISSING_AGENCY, REVISED_SEED, STALE_COPY_URL, WebArchive

ATOM = "{http://www.w3.org/2005/Atom}"


def get(site: str, path: str, **params: str) -> bytes:
    url = site + path + (("?" + urlencode(params)) if params else "")
    with urllib.request.urlopen(url, timeout=60) as response:
        return response.read()


def rows(site: str, path: str, **params: str) -> list[dict]:
    return json.loads(get(site, path, _shape="array", **params))


@pytest.mark.parametrize("query, title", [
    ("宜春", "宜春市工业和信息化局2022年度政府信息公开工作年度报告"),
    ("宜春市工业和信息化局", "宜春市工业和信息化局2022年度政府信息公开工作年度报告"),
    ("复议", "上饶市工业和信息化局2021年政府信息公开工作年度报告"),
    ("工信", "樟树市工信局2023年政府信息公开工作年度报告"),
    ("上饶 复议", "上饶市工业和信息化局2021年政府信息公开工作年度报告"),
])
def test_table_search_through_json_api(site: str, query: str, title: str) -> None:
    found = rows(site, "/nianbao/reports.json", _search=query, _col="title")
    assert title in [r["title"] for r in found]


def test_search_is_precise(site: str) -> None:
    # 上饶 appears only in seed 004; a phrase needs its characters adjacent
    assert [r["title"] for r in rows(site, "/nianbao/reports.json", _search="上饶", _col="title")
            ] == ["上饶市工业和信息化局2021年政府信息公开工作年度报告"]
    assert rows(site, "/nianbao/reports.json", _search="饶上") == []
    assert rows(site, "/nianbao/reports.json", _search="!!!") == []


def test_ranked_search_puts_the_named_agency_first(site: str) -> None:
    found = rows(site, "/nianbao/search_reports.json", q="宜春市工业")
    assert found[0]["agency"] == "宜春市工业和信息化局"


def test_ranked_search_puts_title_hits_before_text_hits(site: str) -> None:
    # 工信 is in two titles (樟树市工信局, 工信局) and only in the text of two other reports;
    # the title hits come first whatever their ids, newest first within a tier
    found = rows(site, "/nianbao/search_reports.json", q="工信")
    assert [(r["title"][:5], r["score"]) for r in found] == [
        ("樟树市工信", 10), ("工信局20", 10), ("上饶市工业", 1), ("宜春市工业", 1)]


def test_year_facet(site: str) -> None:
    data = json.loads(get(site, "/nianbao/reports.json", _facet="year"))
    counts = {f["value"]: f["count"] for f in data["facet_results"]["year"]["results"]}
    assert counts == {2021: 1, 2022: 3, 2023: 1}


def test_search_pages_facet_only_on_request(site: str) -> None:
    # default facets would re-run the search per facet; an explicit _facet still counts hits
    searched = json.loads(get(site, "/nianbao/reports.json", _search="宜春"))
    assert searched["facet_results"] == {} and searched["filtered_table_rows_count"] == 2
    faceted = json.loads(get(site, "/nianbao/reports.json", _search="宜春", _facet="year"))
    assert {f["value"]: f["count"] for f in faceted["facet_results"]["year"]["results"]} == {2022: 2}
    unsearched = json.loads(get(site, "/nianbao/reports.json"))
    assert set(unsearched["facet_results"]) == {"year", "status"}


def test_missing_reports(site: str) -> None:
    found = rows(site, "/nianbao/missing_reports.json", year="2022")
    mine = [r for r in found if r["agency"] == MISSING_AGENCY]
    assert len(mine) == 1 and mine[0]["deadline"] == "2023-03-31" and mine[0]["days_overdue"] > 0
    assert mine[0]["evidence_date"] == "2023-04-10" and mine[0]["crawl"] == 1
    assert rows(site, "/nianbao/missing_reports.json", year="2021") == []


def test_coverage_and_report_status_show_the_evidence(site: str) -> None:
    (crawl,) = rows(site, "/nianbao/coverage.json")
    assert crawl["site"] == "yichun-gov" and crawl["complete"] == 1
    assert crawl["last_complete_crawl"] == "2023-04-10T02:00:00Z"
    statuses = {(r["agency"], r["year"]): r for r in rows(site, "/nianbao/report_status.json",
                                                           status="")}
    assert statuses[(MISSING_AGENCY, 2022)]["date_evidence"] == "crawl"
    # seen on 2023-01-20, before the departments' deadline: on time by our own observation
    found = statuses[("宜春市工业和信息化局", 2022)]
    assert (found["status"], found["date_evidence"], found["publish_date"]) == (
        "found", "first seen", "2023-01-20")
    assert found["page"].startswith("/report/")
    # the report page says it too
    page = get(site, found["page"]).decode("utf-8")
    assert "（found，期限 deadline 2023-01-31，依据 evidence: first seen）" in page


def test_revised_reports_list_changed_cells(site: str, web_archive: WebArchive) -> None:
    (revised,) = rows(site, "/nianbao/revised_reports.json")
    assert revised["report"] == web_archive.report_ids[REVISED_SEED]
    assert revised["changed_cells"] == 2 and revised["changed_paragraphs"] == 1
    assert "active/normative_documents/issued: 1 → 2" in revised["cell_changes"]


def test_representation_conflicts_list_the_stale_copy(site: str, web_archive: WebArchive) -> None:
    conflicts = rows(site, "/nianbao/representation_conflicts.json", year="")
    assert {(c["report"], c["kind"], c["url"]) for c in conflicts} == {
        (web_archive.report_ids[REVISED_SEED], "text", STALE_COPY_URL)}
    assert {(c["key"], c["version_value"], c["document_value"]) for c in conflicts} == {
        ("active/normative_documents/issued", "2", "1"),
        ("active/normative_documents/in_force", "4", "3")}
    # the stale copy is no revision: one revised report, one revision of it
    assert len(rows(site, "/nianbao/revised_reports.json")) == 1


def test_report_page_lists_its_documents(site: str, web_archive: WebArchive) -> None:
    page = get(site, f"/report/{web_archive.report_ids[REVISED_SEED]}").decode("utf-8")
    documents = page.split('id="documents"', 1)[1].split('id="versions"', 1)[0]
    assert documents.count("<tr data-kind=") == 2
    assert 'data-agreement="conflict"' in documents and "2 格 cells" in documents
    assert STALE_COPY_URL in documents and documents.count('href="/original/') == 2
    assert "本版数字来源" in documents
    stale_row = next(row for row in documents.split("<tr ")[1:] if STALE_COPY_URL in row)
    assert "已撤下 gone" in stale_row and documents.count("已撤下 gone") == 1


def test_failed_checks_name_the_rule(site: str) -> None:
    found = rows(site, "/nianbao/failed_checks.json", rule="", year="")
    assert {(r["agency"], r["rule"]) for r in found} == {("宜春丰城高新技术产业开发区", "R2")}
    assert len(found) == 2  # natural_person and total columns


def test_compare_agencies_defaults_and_params(site: str) -> None:
    default = rows(site, "/nianbao/compare_agencies.json", tbl="", row="", col="", year="")
    assert [r["year"] for r in default] == [2023]  # the latest year
    unavailable = rows(site, "/nianbao/compare_agencies.json", tbl="requests",
                       row="unavailable.not_held", col="natural_person", year="2022")
    assert unavailable[0] == {**unavailable[0], "agency": "宜春丰城高新技术产业开发区", "value": 1}
    assert len(unavailable) == 3


def test_agency_history(site: str) -> None:
    (row,) = rows(site, "/nianbao/agency_history.json", agency="宜春丰城高新技术产业开发区")
    assert row["year"] == 2022 and row["checks_failed"] == 2


def test_removed_reports_empty_until_a_report_is_removed(site: str) -> None:
    assert rows(site, "/nianbao/removed_reports.json") == []


def test_atom_feed_parses(site: str, web_archive: WebArchive) -> None:
    feed = ET.fromstring(get(site, "/nianbao/new_and_revised.atom"))
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 6  # five new reports and one revision
    newest = entries[0]
    assert newest.findtext(f"{ATOM}id") == f"urn:nianbao:version:{web_archive.revision_version_id}"
    assert "修订" in newest.findtext(f"{ATOM}title")
    assert "changed cells: 2" in newest.findtext(f"{ATOM}content")


def test_original_download_is_the_archived_bytes(site: str, web_archive: WebArchive) -> None:
    (version,) = rows(site, "/nianbao/versions.json", report_id=str(web_archive.report_ids[REVISED_SEED]),
                      seq="1", _col="capture_id")
    with urllib.request.urlopen(f"{site}/original/{version['capture_id']}") as response:
        assert response.headers["content-disposition"].startswith("attachment")
        assert response.headers["content-security-policy"] == "sandbox"
        body = response.read()
    assert body.startswith("宜春市工业和信息化局2022年度".encode())
    with pytest.raises(urllib.error.HTTPError) as missing:
        get(site, "/original/999999")
    assert missing.value.code == 404


def test_database_is_read_only(site: str) -> None:
    databases = json.loads(get(site, "/-/databases.json"))
    assert [(d["name"], d["is_mutable"]) for d in databases] == [("nianbao", False)]
    plugins = {p["name"] for p in json.loads(get(site, "/-/plugins.json"))}
    assert {"search.py", "report_pages.py", "originals.py", "links.py"} <= plugins
    assert not [p for p in plugins if "write" in p or "insert" in p or "upload" in p]
    settings = json.loads(get(site, "/-/settings.json"))
    assert settings["sql_time_limit_ms"] == 2000


@pytest.mark.parametrize("path", ["/report/1?version=99999999999999999999999", "/report/1?version=x",
                                  "/report/1/diff?to=-1", "/report/99999999", "/original/0"])
def test_bad_ids_are_not_found(site: str, path: str) -> None:
    with pytest.raises(urllib.error.HTTPError) as error:
        get(site, path)
    assert error.value.code == 404


@pytest.mark.parametrize("chart, params", [
    ("requests-by-year", {}), ("requests-by-year", {"city": "宜春市"}),
    ("requests-by-agency", {}), ("requests-by-agency", {"year": "2022"}),
])
def test_charts_read_the_same_figures_as_the_cells(site: str, chart: str, params: dict) -> None:
    """The charts read report_figures; the same figures straight from the cells view agree."""
    charts = yaml.safe_load(METADATA.read_text(encoding="utf-8"))["plugins"]["datasette-dashboards"]
    sql = charts["overview"]["charts"][chart]["query"]
    sql = re.sub(r"\[\[(.*?)\]\]", lambda m: m.group(1) if re.search(r":(\w+)", m.group(1)).group(1)
                 in params else "", sql)
    got = rows(site, "/nianbao.json", sql=sql, **params)
    cells = rows(site, "/nianbao.json", sql=(
        "select a.name as agency, a.city, r.year, c.value from reports r join agencies a on a.id = r.agency_id "
        "join cells c on c.version_id = r.current_version_id and c.tbl = 'requests' "
        "and c.row_key = 'new_received' and c.col_key = 'total'"))
    cells = [c for c in cells if str(c["year"]) == params.get("year", str(c["year"]))
             and c["city"] == params.get("city", c["city"])]
    assert cells
    if chart == "requests-by-year":
        by_year = {y: sum(c["value"] for c in cells if c["year"] == y) for y in {c["year"] for c in cells}}
        assert {r["year"]: r["requests"] for r in got} == by_year
    else:
        assert sorted((r["agency"], r["year"], r["requests"]) for r in got) == sorted(
            (c["agency"], c["year"], c["value"]) for c in cells)


@pytest.mark.parametrize("path", ["/nianbao/reports.json?_sort=nope",
                                  "/nianbao/reports?_sort_desc=nope"])
def test_a_bad_sort_is_the_clients_error(site: str, path: str) -> None:
    with pytest.raises(urllib.error.HTTPError) as error:
        get(site, path)
    assert error.value.code == 400
    assert "Cannot sort table by nope" in error.value.read().decode("utf-8")
