"""Report-title recognition: what the crawler sends to the archive and what it only follows."""
from __future__ import annotations

import pytest

from crawler.recognise import (is_column_title, is_pagination_text, is_report_title, report_year,
                               year_in_annual_column)

REPORTS = [
    "宜春市工业和信息化局2022年度政府信息公开工作年度报告",
    "樟树市工信局2023年政府信息公开工作年度报告",
    "上饶市工业和信息化局2021年政府信息 公开工作年度报告",
    "宜春丰城高新区2022年政府信息公开工作报告",
    "2022年度报告",
    "工信局二〇二二年政府信息公开工作年报",
    "工信局二○二一年度政府信息公开年度报告",
    "2020年政务公开工作报告",
]
NOT_REPORTS = [
    "宜春市工业和信息化局2022年政府信息公开工作年度报告解读",
    "2023年政务公开工作要点",
    "关于报送2022年度政府信息公开工作年度报告的通知",
    "2022年政府工作报告",
    "2022年法治政府建设工作报告",
    "政府信息公开年报",  # a column: no year
    "2022年部门决算",
    "一图读懂2022年政府信息公开工作年度报告",
    "市工信局召开2023年工作会议",
    "",
]


@pytest.mark.parametrize("title", REPORTS)
def test_report_titles_are_recognised(title: str) -> None:
    assert is_report_title(title)


@pytest.mark.parametrize("title", NOT_REPORTS)
def test_companions_and_news_are_not_reports(title: str) -> None:
    assert not is_report_title(title)


@pytest.mark.parametrize(("title", "year"), [
    ("宜春市工业和信息化局2022年度政府信息公开工作年度报告", 2022),
    ("工信局二〇二二年政府信息公开工作年报", 2022),
    ("工信局二○一九年度报告", 2019),
    ("政府信息公开年报", None),
])
def test_report_year(title: str, year: int | None) -> None:
    assert report_year(title) == year


def test_column_links() -> None:
    for text in ("政府信息公开", "信息公开", "法定主动公开内容", "政府信息公开年报", "政务公开"):
        assert is_column_title(text), text
    for text in ("新闻动态", "2022年政府信息公开工作年度报告", "首页"):
        assert not is_column_title(text), text


def test_pagination_links() -> None:
    for text in ("下一页", "尾页", "2", "[3]", " 下页 "):
        assert is_pagination_text(text), text
    for text in ("上一篇", "2022年度报告", "首页"):
        assert not is_pagination_text(text), text


def test_a_year_alone_in_an_annual_report_column() -> None:
    assert year_in_annual_column("2022年度", "政府信息公开年报") == "2022年度政府信息公开年报"
    assert year_in_annual_column(" 2021年 ", "政府信息公开工作年度报告") == "2021年政府信息公开工作年度报告"
    assert year_in_annual_column("2022年度", "新闻中心") is None  # not a report column
    assert year_in_annual_column("2022", "政府信息公开年报") is None  # a page number, maybe
    assert year_in_annual_column("2022年度", "2022年政府信息公开年报") is None
