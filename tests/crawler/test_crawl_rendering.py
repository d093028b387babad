"""Lists built by script, crawled for real with Debian's chromium over 127.0.0.1: a JSON API the
script names (read without the browser), a list whose script builds the API URL, opens reports
by onclick handlers and downloads them (Content-Disposition), paged by a scripted 下一页; the
browser's requests pass the site policy; the rendering budget is enforced and reported."""
from __future__ import annotations

import pytest
from conftest import query, run_crawl
from scrapy.http import HtmlResponse, Request

from crawler import json_lists
from crawler.rendering import BrowserGuard
from crawler.registry import Site
from replica import form_sites, js_sites
from replica.dynamic_server import DynamicReplica

XIAJIANG = {(a, y) for a in ("峡江县工业和信息化局", "峡江县市场监督管理局", "峡江县农业农村局")
            for y in (2021, 2022, 2023)}
XINGAN = {(a, y) for a in ("新干县工业和信息化局", "新干县教育体育局") for y in (2021, 2022, 2023)}
# kept aside while tuning: an XHR POST search API and a numbered scripted pager
ANFU = {(a, y) for a in ("安福县住房和城乡建设局", "安福县卫生健康委员会", "安福县林业局") for y in (2022, 2023)}
REPORTS = ("SELECT a.name, r.year, r.status, r.site_id, r.url FROM reports r "
           "JOIN agencies a ON a.id = r.agency_id")


def test_api_named_in_script_and_its_paging():
    url = "http://127.0.0.1/xingan/ndbg/"
    page = HtmlResponse(url, body=js_sites.XG_SCRIPT.join(["<script>", "</script>"]).encode(),
                        request=Request(url))
    (api,) = json_lists.api_urls(page)
    assert api == "http://127.0.0.1/xingan/api/list.do?channelId=12&page=1&rows=4"
    data = {"total": 9, "rows": [{"docTitle": "甲2022年政府信息公开工作年度报告", "docUrl": "./c/1.html"},
                                 {"docTitle": "通知", "docUrl": None}]}
    items = json_lists.list_items(data, url)
    assert items == [json_lists.Item("甲2022年政府信息公开工作年度报告", "http://127.0.0.1/xingan/ndbg/c/1.html"),
                     json_lists.Item("通知", None)]
    assert json_lists.next_page(api, data, 4).endswith("page=2&rows=4")
    assert json_lists.next_page(api.replace("page=1", "page=3"), data, 1) is None  # 3 x 4 >= 9
    assert json_lists.next_page(api, {"rows": []}, 0) is None  # an empty page ends it


def test_browser_guard_refuses_what_scrapy_would_refuse():
    guard = BrowserGuard()
    guard.configure([Site("a", "a", ["http://127.0.0.1:8/x/"], allow_private_network=True),
                     Site("b", "b", ["http://localhost:9/"])], crawler=None)  # type: ignore[arg-type]
    assert guard._refusal("http://127.0.0.1:8/x/api?p=1", "fetch") is None
    assert guard._refusal("http://stats.example.invalid/c", "fetch") == "offsite"
    assert guard._refusal("file:///etc/passwd", "document") == "offsite"
    assert guard._refusal("http://127.0.0.1:8/x/logo.png", "image") == "resource"
    assert guard._refusal("http://localhost:9/", "document") == "private address"


@pytest.fixture(scope="module")
def crawls(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("js")
    js_sites.warm()
    with DynamicReplica({**js_sites.SITES, **form_sites.SITES}) as server:
        sites = server.registry(tmp / "sites.yml")
        first = run_crawl(tmp / "n.db", sites, timeout=180)
        first_rows, hits = query(tmp / "n.db", REPORTS), list(server.hits)
        # the same archive crawled with no rendering budget: the script-built list is not seen
        starved = run_crawl(tmp / "n.db", sites, settings={"NIANBAO_RENDER_PAGES": "0"}, timeout=180)
        return first, first_rows, hits, starved, query(tmp / "n.db", REPORTS)


def test_every_script_built_report_is_found_with_one_page_rendered_a_site(crawls):
    first, rows, hits, *_ = crawls
    assert first.returncode == 0, first.stderr[-3000:]
    found = {(a, y) for a, y, _, site, _ in rows if site.startswith("js-")}
    assert found == XIAJIANG | XINGAN | ANFU
    urls = {u.split("/", 3)[3] for *_, u in rows}
    assert {"xiajiang/detail/2023/b7c1.html", "xiajiang/api/file/download?fid=f93a2"} <= urls
    stats = first.stats
    assert stats["nianbao/site/js-xiajiang/rendered"] == 1
    assert "nianbao/site/js-xingan/rendered" not in stats  # its API was named in its script
    assert stats["nianbao/site/js-anfu/rendered"] == 1
    assert stats["nianbao/render/pages"] == 2  # form and static pages stay on the static path
    assert stats.get("nianbao/fetch_errors", 0) == 0
    assert "rendered: 2 pages" in first.stdout
    # the browser's own requests: the tracker under /private/ (robots.txt) and offsite refused
    assert stats["nianbao/render/browser_refused"] >= 2
    assert not [h for h in hits if h.path.startswith("/private/")]


def test_rendering_budget_enforced_and_nothing_removed(crawls):
    *_, starved, rows = crawls
    assert starved.returncode == 0, starved.stderr[-3000:]
    assert "nianbao/render/pages" not in starved.stats
    assert "playwright/browser_count" not in starved.stats  # the browser never started
    assert starved.stats["nianbao/site/js-xiajiang/render_skipped"] == 1
    assert starved.stats["nianbao/site/js-anfu/render_skipped"] == 1
    assert "2 refused by the budget" in starved.stdout
    # the list it could not render is not complete: its reports are kept, not removed
    assert {s for _, _, s, site, _ in rows if site in ("js-xiajiang", "js-anfu")} == {"current"}


def test_budget_counts_pages_and_seconds_per_site():
    from scrapy.utils.test import get_crawler

    from crawler.rendering import RenderBudget

    crawler = get_crawler(settings_dict={"NIANBAO_RENDER": True, "NIANBAO_RENDER_PAGES": 2,
                                         "NIANBAO_RENDER_SECONDS": 10.0})
    budget = RenderBudget(crawler)
    assert budget.take("a", "u1") and budget.take("a", "u2")
    assert not budget.take("a", "u3")  # pages spent
    assert budget.take("b", "u1")  # per site
    budget.spend("b", 10.5)
    assert budget.remaining("b") == 0 and not budget.take("b", "u2")  # seconds spent
    assert crawler.stats.get_value("nianbao/render/skipped") == 2


def test_browser_sub_requests_keep_the_download_delay():
    import asyncio
    import time

    from scrapy.utils.test import get_crawler

    guard = BrowserGuard()
    guard.configure([], crawler=get_crawler(settings_dict={"DOWNLOAD_DELAY": 0.2}))

    async def three_then_another_host() -> tuple[float, float]:
        started = time.monotonic()
        for _ in range(3):
            await guard.pace("127.0.0.1")
        paced = time.monotonic() - started
        await guard.pace("other.example")
        return paced, time.monotonic() - started - paced

    paced, other = asyncio.run(three_then_another_host())
    assert paced >= 0.38 and other < 0.1  # the 2nd and 3rd waited 0.2 s each; another host did not
