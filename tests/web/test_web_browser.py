"""The public site in a real browser (Debian chromium via Playwright) against the real
`nianbao serve`. Screenshots go to test-artifacts/web/."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from nianbao_site import MISSING_AGENCY, ROOT, WebArchive

ARTIFACTS = ROOT / "test-artifacts" / "web"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium not installed")


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser, site: str) -> Iterator[Page]:
    context = browser.new_context(base_url=site, viewport={"width": 1280, "height": 900},
                                  locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_home_page_links_search_views_and_feed(page: Page) -> None:
    page.goto("/")
    expect(page.locator("h1")).to_contain_text("政府信息公开工作年度报告")
    for name in ("missing_reports", "revised_reports", "removed_reports", "failed_checks",
                 "compare_agencies", "agency_history"):
        expect(page.locator(f'ul.nianbao-queries a[href="/nianbao/{name}"]')).to_have_count(1)
    expect(page.locator('ul.nianbao-queries a[href="/nianbao/new_and_revised.atom"]')).to_have_count(1)
    expect(page.locator('ul.nianbao-queries a[href="/-/dashboards/overview"]')).to_have_count(1)
    shot(page, "home")


def test_search_box_finds_yichun_report_and_two_character_queries(page: Page) -> None:
    page.goto("/")
    page.fill("#nianbao-q", "宜春")
    page.click("form.nianbao-search input[type=submit]")
    page.wait_for_url("**/nianbao/reports?_search=*")
    expect(page.locator("table.rows-and-columns")).to_contain_text("宜春市工业和信息化局2022年度")
    # 上饶's report never mentions 宜春
    expect(page.locator("table.rows-and-columns")).not_to_contain_text("上饶市工业和信息化局2021")
    shot(page, "search-yichun")
    for query, expected in (("复议", "樟树市工信局2023"), ("工信", "工信局2022年")):
        page.goto(f"/nianbao/reports?_search={quote(query)}")
        expect(page.locator("table.rows-and-columns")).to_contain_text(expected)


def test_facet_by_year(page: Page) -> None:
    page.goto("/nianbao/reports")
    facet = page.locator('.facet-info[data-column="year"]')
    expect(facet).to_contain_text("2022")
    facet.locator("a", has_text="2022").first.click()
    page.wait_for_url("**year=2022**")
    rows = page.locator("table.rows-and-columns tbody tr")
    expect(rows).to_have_count(3)  # 宜春市工信局, 工信局, 丰城高新区
    shot(page, "facet-year-2022")


def test_report_page_shows_three_tables_checks_and_original(page: Page,
                                                            web_archive: WebArchive) -> None:
    report_id = web_archive.report_ids["003_7ed1e439a9c9913c.txt"]  # 丰城高新区: R2 fails
    page.goto(f"/report/{report_id}")
    for heading in ("主动公开政府信息情况", "收到和处理政府信息公开申请情况", "行政复议、行政诉讼情况"):
        expect(page.locator("h2", has_text=heading)).to_have_count(1)
    requests = page.locator('table[data-table="requests"]')
    expect(requests.locator("thead")).to_contain_text("自然人")
    row = requests.locator('tr[data-row="unavailable.not_held"]')
    expect(row.locator("th")).to_contain_text("本机关不掌握相关政府信息")
    expect(row.locator('td[data-col="natural_person"]')).to_have_text("1")
    expect(requests.locator('tr[data-row="results_total"] td[data-col="natural_person"]')
           ).to_have_class("num failed")
    expect(page.locator(".check-fail").first).to_contain_text("R2")
    expect(page.locator('table[data-table="appeals"] tr')).to_have_count(4)  # header + 3 rows
    shot(page, "report-003")
    with page.expect_download() as download:
        page.click("a.download-original")
    body = Path(download.value.path()).read_bytes()
    assert body == (ROOT / "tests/fixtures/seeds/003_7ed1e439a9c9913c.txt").read_bytes()


def test_revision_diff_shows_changed_cells_and_paragraph(page: Page,
                                                         web_archive: WebArchive) -> None:
    report_id = web_archive.report_ids["000_7deeb89319d6e7c7.txt"]
    page.goto(f"/nianbao/revised_reports")
    page.click("a:has-text('查看修订')")
    page.wait_for_url(f"**/report/{report_id}/diff?to={web_archive.revision_version_id}")
    issued = page.locator('tr[data-key="active/normative_documents/issued"]')
    expect(issued.locator("td.old")).to_have_text("1")
    expect(issued.locator("td.new")).to_have_text("2")
    expect(issued.locator("th")).to_contain_text("行政规范性文件")
    expect(page.locator('tr[data-key="active/normative_documents/in_force"] td.new')).to_have_text("4")
    paragraph = page.locator('table[data-kind="paragraph"] td').first
    expect(paragraph.locator("del").first).to_be_visible()
    old_text = paragraph.evaluate("td => { const c = td.cloneNode(true); "
                                  "c.querySelectorAll('ins').forEach(e => e.remove()); return c.textContent; }")
    new_text = paragraph.evaluate("td => { const c = td.cloneNode(true); "
                                  "c.querySelectorAll('del').forEach(e => e.remove()); return c.textContent; }")
    assert "主动发布政务信息309条" in old_text and "主动发布政务信息310条" in new_text
    shot(page, "diff")


def test_missing_reports_lists_the_missing_agency_year(page: Page) -> None:
    page.goto("/nianbao/missing_reports")
    row = page.locator("table.rows-and-columns tbody tr", has_text=MISSING_AGENCY)
    expect(row).to_have_count(1)
    expect(row.locator("td.col-year")).to_have_text("2022")
    expect(row.locator("td.col-deadline")).to_have_text("2023-03-31")
    expect(row.locator("td.col-evidence_date")).to_have_text("2023-04-10")
    expect(row.locator("td.col-crawl a")).to_have_attribute("href", "/nianbao/site_crawls/1")
    shot(page, "missing-reports")


def test_dashboard_draws_charts(page: Page) -> None:
    page.goto("/-/dashboards/overview")
    # vega-embed renders each chart into an SVG or a canvas
    expect(page.locator("#card-reports-by-year canvas, #card-reports-by-year svg").first
           ).to_be_visible()
    expect(page.locator("#card-reports-count")).to_contain_text("5")
    shot(page, "dashboard")
