"""The date beside each link on a list page, in the shapes CMSes print it."""
from __future__ import annotations

from scrapy.http import HtmlResponse

from crawler.list_dates import first_date, list_dates

BASE = "http://www.example.gov.cn/xxgk/ndbg/"


def dates(body: str) -> dict[str, str]:
    return list_dates(HtmlResponse(BASE, body=body.encode("utf-8"), encoding="utf-8"))


def test_list_item_table_row_and_cdata_record() -> None:
    found = dates(
        '<ul><li><a href="a.html">某局2022年政府信息公开工作年度报告</a><span>[2023-01-22]</span></li>'
        '<li><a href="b.html">某局2021年年度报告</a></li></ul>'
        '<table><tr><td><a href="/c.html">某局2020年年度报告</a></td><td>2021年1月8日</td></tr></table>'
        '<script type="text/xml"><record><![CDATA[<li><a href="d.html">某局2019年年报</a>'
        '<span>2020/01/30</span></li>]]></record></script>')
    assert found == {BASE + "a.html": "2023-01-22", "http://www.example.gov.cn/c.html": "2021-01-08",
                     BASE + "d.html": "2020-01-30"}


def test_a_container_of_several_links_gives_no_date() -> None:
    # one <p> with two links and one date: whose date it is cannot be told
    assert dates('<p><a href="a.html">甲2022年年报</a> <a href="b.html">乙2022年年报</a> '
                 '2023-01-20</p>') == {}


def test_the_year_in_the_title_is_not_a_date() -> None:
    assert dates('<li><a href="a.html">某局2022年1月至12月政府信息公开工作年度报告</a></li>') == {}
    assert first_date("2023-02-30 2023-03-01") == "2023-03-01"
