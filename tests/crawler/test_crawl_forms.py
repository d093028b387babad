"""Lists that page only by posting their form: an ASP.NET GridView in GBK (__doPostBack with view
state and event validation) and a JSP page-number form, crawled for real over 127.0.0.1; between
two crawls a new report pushes an older one to page 2: found again, nothing removed."""
from __future__ import annotations

from pathlib import Path

import pytest
from conftest import query, run_crawl
from scrapy.http import HtmlResponse, Request

from crawler.forms import FormPager
from replica import form_sites
from replica.dynamic_server import DynamicReplica, Request as ReplicaRequest

FIRST = {("永丰县工业和信息化局", 2021), ("永丰县工业和信息化局", 2022),
         ("永丰县市场监督管理局", 2021), ("永丰县市场监督管理局", 2022),
         ("吉水县工业和信息化局", 2021), ("吉水县工业和信息化局", 2022),
         ("吉水县市场监督管理局", 2021), ("吉水县市场监督管理局", 2022)}
LATER = FIRST | {("永丰县工业和信息化局", 2023), ("吉水县工业和信息化局", 2023)}
REPORTS = ("SELECT a.name, r.year, r.status FROM reports r JOIN agencies a ON a.id = r.agency_id")


def _list_response(body: str, url: str = "http://127.0.0.1/yongfeng/xxgk/ndbg.aspx") -> HtmlResponse:
    return HtmlResponse(url, body=body.encode("gbk"), encoding="gbk", request=Request(url))


def test_postback_pager_posts_each_numbered_page_once_with_the_view_state():
    page1 = form_sites.aspnet(ReplicaRequest("GET", "/yongfeng/xxgk/ndbg.aspx", {}, {}, "first"))
    pager = FormPager()
    posts = list(pager.requests(_list_response(page1.body.decode("gbk"))))
    assert [p.method for p in posts] == ["POST", "POST"]
    forms = [dict(x.split("=", 1) for x in p.body.decode().split("&")) for p in posts]
    assert [f["__EVENTARGUMENT"] for f in forms] == ["Page%242", "Page%243"]
    assert all(f["__VIEWSTATE"] and f["__EVENTVALIDATION"] for f in forms)
    assert "btnSearch" not in forms[0]  # the search button is not clicked
    # the same page read again (a repeat) posts nothing more
    assert list(pager.requests(_list_response(page1.body.decode("gbk")))) == []


def test_page_field_form_posts_up_to_the_stated_total():
    page1 = form_sites.formpager(ReplicaRequest("GET", "/jishui/list.jsp", {}, {}, "first"))
    url = "http://127.0.0.1/jishui/list.jsp"
    posts = list(FormPager().requests(HtmlResponse(url, body=page1.body, request=Request(url))))
    assert [p.body for p in posts] == [b"columnId=1507&pageNo=2", b"columnId=1507&pageNo=3"]


@pytest.fixture(scope="module")
def crawls(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("forms")
    db = tmp / "nianbao.db"
    with DynamicReplica(form_sites.SITES) as server:
        sites = server.registry(tmp / "sites.yml")
        first = run_crawl(db, sites)
        first_rows = query(db, REPORTS)
        posts_first = [h for h in server.hits if h.method == "POST"]
        server.state = "later"
        later = run_crawl(db, sites)
        errors = [h for h in server.hits if h.status >= 500]
    return first, first_rows, posts_first, later, query(db, REPORTS), errors


def test_every_report_behind_a_form_pager_is_found(crawls):
    first, first_rows, posts_first, *_ = crawls
    assert first.returncode == 0, first.stderr[-2000:]
    assert {(a, y) for a, y, _ in first_rows} == FIRST
    # 3 pages a list: 2 posts each for the numbered GridView pages (+1 repeat of page 1 posted
    # from page 2 at most), 2 for the page field
    assert 4 <= len(posts_first) <= 6, posts_first


def test_a_report_pushed_to_page_2_is_found_not_removed(crawls):
    *_, later, rows, errors = crawls
    assert later.returncode == 0, later.stderr[-2000:]
    assert {(a, y) for a, y, _ in rows} == LATER
    assert {s for *_, s in rows} == {"current"}
    assert errors == []  # every postback carried a valid view state


def test_a_form_past_the_page_cap_is_a_cut_not_a_complete_list(monkeypatch):
    # "共 9 页" with a cap of 3 posts: pages 5-9 are never asked for, and the crawl must say so
    import crawler.forms as forms

    monkeypatch.setattr(forms, "MAX_FORM_PAGES", 3)
    page1 = form_sites.formpager(ReplicaRequest("GET", "/jishui/list.jsp", {}, {}, "first"))
    body = page1.body.replace("共 3 页".encode(), "共 9 页".encode()).replace("共3页".encode(), "共9页".encode())
    assert body != page1.body
    url = "http://127.0.0.1/jishui/list.jsp"
    cuts: list[str] = []
    pager = FormPager()
    posts = list(pager.requests(HtmlResponse(url, body=body, request=Request(url)), cut=cuts.append))
    assert [p.body for p in posts] == [b"columnId=1507&pageNo=2", b"columnId=1507&pageNo=3",
                                       b"columnId=1507&pageNo=4"]
    assert len(cuts) == 1 and "more than 3 pages" in cuts[0]
