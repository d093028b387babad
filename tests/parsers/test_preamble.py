"""Archive and export preambles ("标题: …", "发布机构: …", "==== 正文 ====", "# 正文") give
metadata and are never read as the title or the agency; a browser-printed title gets its year
back."""
from __future__ import annotations

import pytest

import parsers
from parsers.metadata import restore_title_year
from tests.conftest import SEEDS_DIR, seed_expected

SEED = "000_7deeb89319d6e7c7.txt"
TITLE = "宜春市工业和信息化局2022年度政府信息公开工作年度报告"
UNTITLED = "2022年度政府信息公开工作年度报告"  # the body's title naming no agency
FIRST_LINE = "宜春市工业和信息化局2022年度\n"  # the seed's title is printed over two lines

PREAMBLES = {
    "colon-and-mark": ("标题: {title}\n发布时间: 2023-01-18 10:00\n发布机构: 宜春市工业和信息化局\n"
                       "文号: 宜工信字〔2023〕3号\n原文链接: http://gxj.yichun.gov.cn/xxgk/1.html\n"
                       "==== 正文 ====\n"),
    "full-width-md-heading": ("标题：{title}\n\n发布机构：宜春市工业和信息化局\n\n发布日期：2023年1月18日\n\n"
                              "原文链接：http://gxj.yichun.gov.cn/xxgk/1.html\n\n# 正文\n\n"),
    "markdown-list": ("- **标题**: {title}\n- **发布时间**: 2023/1/18\n- **发布机构**: 宜春市工业和信息化局\n"
                      "- **原文链接**: http://gxj.yichun.gov.cn/xxgk/1.html\n\n---\n\n## 正文\n\n"),
}


@pytest.mark.parametrize("body_names_agency", [True, False], ids=["titled", "untitled"])
@pytest.mark.parametrize("style", sorted(PREAMBLES))
def test_preamble_gives_metadata_and_not_the_agency(style, body_names_agency):
    seed = (SEEDS_DIR / SEED).read_text(encoding="utf-8")
    if not body_names_agency:
        seed = seed.replace(FIRST_LINE, "2022年度\n", 1)
    text = PREAMBLES[style].format(title=TITLE) + seed
    report = parsers.parse(text.encode("utf-8"), "text/plain")
    assert report.agency == "宜春市工业和信息化局"
    assert report.title == (TITLE if body_names_agency else UNTITLED)
    assert report.publish_date == "2023-01-18"
    assert report.source_url == "http://gxj.yichun.gov.cn/xxgk/1.html"
    assert report.year == 2022
    want = {(c["table"], c["row"], c["col"]): c["value"] for c in seed_expected()[SEED]["cells"]}
    assert {(c.table, c.row, c.col): c.value for c in report.cells} == want


def test_preamble_without_agency_or_title_line_falls_back_to_the_body():
    text = "==== 正文 ====\n" + (SEEDS_DIR / SEED).read_text(encoding="utf-8")
    report = parsers.parse(text.encode("utf-8"), "text/plain")
    assert (report.title, report.agency, report.source_url) == (TITLE, "宜春市工业和信息化局", None)


@pytest.mark.parametrize("printed, year, want", [
    ("宜春市工业和信息化局 年度政府信息公开工作2022年度报告", None, TITLE),
    ("宜春市工业和信息化局 年度政府信息公开工作年度报告 2022", None, TITLE),
    ("宜春市工业和信息化局 年度政府信息公开工作年度报告", 2022, TITLE),
    (TITLE, 2021, TITLE),  # a title with its year is left alone
    ("宜春市工业和信息化局 年度政府信息公开工作年度报告", None, "宜春市工业和信息化局 年度政府信息公开工作年度报告"),
])
def test_browser_printed_title_gets_its_year_back(printed, year, want):
    assert restore_title_year(printed, year) == want


def test_browser_printed_title_in_a_report():
    seed = (SEEDS_DIR / SEED).read_text(encoding="utf-8")
    printed = seed.replace(FIRST_LINE + "政府信息公开工作年度报告",
                           "宜春市工业和信息化局 年度政府信息公开工作2022\n年度报告", 1)
    assert printed != seed
    report = parsers.parse(printed.encode("utf-8"), "text/plain")
    assert (report.title, report.agency, report.year) == (TITLE, "宜春市工业和信息化局", 2022)
