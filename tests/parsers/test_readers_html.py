"""HTML reader: seed reports rendered as real government pages (chrome, spans, rowspans)."""
from __future__ import annotations

import pytest

from parsers.document import Table
from parsers.errors import InputTooLarge, UnreadableInput
from parsers.readers import read
from tests.conftest import SEED_FILES
from tests.parsers.fixture_builders import expected_document, seed_reports, to_html


@pytest.mark.parametrize("seed_file", SEED_FILES)
def test_seed_page_reads_as_its_document(seed_file: str) -> None:
    seed = seed_reports()[seed_file]
    document = read(to_html(seed).encode("utf-8"), "text/html; charset=utf-8")
    assert document.kind == "html"
    assert document.blocks == expected_document(seed, "html").blocks
    assert document.title == seed.title
    assert document.publish_date == "2023-01-20"


def test_changing_chrome_does_not_change_the_document() -> None:
    seed = seed_reports()[SEED_FILES[0]]
    first = read(to_html(seed, visits=10, publish_date="2023-01-20").encode(), "text/html")
    later = read(to_html(seed, visits=98765, publish_date="2023-02-01").encode(), "text/html")
    assert first.blocks == later.blocks
    assert later.publish_date == "2023-02-01"
    text = "".join(b for b in first.blocks if isinstance(b, str))
    for chrome in ("首页", "浏览次数", "版权所有", "打印本页", "隐藏", "document.write"):
        assert chrome not in text


@pytest.mark.parametrize("meta", [True, False], ids=["meta-gb2312", "no-declaration"])
def test_gbk_page_without_header_charset(meta: bool) -> None:
    seed = seed_reports()[SEED_FILES[2]]
    page = to_html(seed, charset="gb2312" if meta else None).encode("gbk")
    document = read(page, "text/html")
    assert document.blocks == expected_document(seed, "html").blocks


def test_header_charset_that_lies_is_not_trusted() -> None:
    seed = seed_reports()[SEED_FILES[1]]
    page = to_html(seed, charset=None).encode("gb18030")
    document = read(page, "text/html; charset=utf-8")
    assert document.blocks == expected_document(seed, "html").blocks


def test_cells_are_normalised_and_spans_not_expanded() -> None:
    page = """<html><body><div>
    <p>一、总体情况</p><p>正文　第一段&nbsp;内容，共&nbsp;3&nbsp;件</p>
    <p><span>三、</span><span>收到和处理政府信息公开申请情况</span></p>
    <table><tr><td rowspan="2"><span>（</span><span>一</span><span>）予以公开</span></td>
      <td><font color="red">1</font></td><td>&nbsp;</td><td><p><o:p> </o:p></p></td></tr>
    <tr><td>２</td><td>结果<br/>维持</td><td>0&nbsp;&nbsp; </td></tr>
    <tr><td colspan="3">申请人<br>情况</td><td><p>1</p><p>2</p></td><td>3<br>4</td></tr></table>
    </div></body></html>"""
    document = read(page.encode(), "text/html")
    assert document.blocks == [
        "一、总体情况", "正文第一段内容，共 3 件", "三、收到和处理政府信息公开申请情况",
        Table([["（一）予以公开", "1", "", ""], ["２", "结果维持", "0"], ["申请人情况", "1 2", "3 4"]]),
    ]


def test_word_export_spacer_row_is_left_out() -> None:
    page = """<html><body><div><p>一、总体情况</p><table>
    <tr><td>信息内容</td><td>本年制发件数</td></tr><tr><td>规章</td><td>1</td></tr>
    <![if !supportMisalignedColumns]><tr height=0><td width=72></td><td width=72></td></tr><![endif]>
    </table></div></body></html>"""
    assert read(page.encode(), "text/html").tables()[0].rows == [["信息内容", "本年制发件数"], ["规章", "1"]]


def test_layout_tables_are_containers_not_data() -> None:
    page = """<html><body><table><tr><td>菜单</td><td>
    <table><tr><td><p>一、总体情况</p><p>文字</p><p>二、主动公开政府信息情况</p>
    <table><tr><td>信息内容</td><td>本年制发件数</td></tr><tr><td>规章</td><td>3</td></tr></table>
    </td></tr></table></td></tr></table></body></html>"""
    document = read(page.encode(), "text/html")
    assert document.blocks == ["一、总体情况", "文字", "二、主动公开政府信息情况",
                               Table([["信息内容", "本年制发件数"], ["规章", "3"]])]


@pytest.mark.parametrize(("head", "title"), [
    ("<title>樟树市工信局2023年政府信息公开工作年度报告_樟树市人民政府</title>",
     "樟树市工信局2023年政府信息公开工作年度报告"),
    ("<title>宜春市人民政府 - 上饶市工信局2021年度报告 | 政务公开</title>", "上饶市工信局2021年度报告"),
    ("<meta property='og:title' content='通知 -- 门户网站'><title>x</title>", "通知"),
])
def test_title_without_the_site_name(head: str, title: str) -> None:
    assert read(f"<html><head>{head}</head><body><p>正文</p></body></html>".encode(), "text/html").title == title


def test_publish_date_from_a_text_line() -> None:
    page = ("<html><body><div class=info>发布日期：<span>2023年1月5日</span> 浏览次数：7</div>"
            "<div><p>一、总体情况</p><p>二、主动公开政府信息情况</p></div></body></html>")
    document = read(page.encode(), "text/html")
    assert document.publish_date == "2023-01-05"
    assert document.blocks == ["一、总体情况", "二、主动公开政府信息情况"]
    assert not document.warnings


def test_page_without_report_landmarks_is_read_whole_with_a_warning() -> None:
    page = "<html><body><div>通知</div><div><p>关于做好年度报告工作的通知</p></div></body></html>"
    document = read(page.encode(), "text/html")
    assert document.blocks == ["通知", "关于做好年度报告工作的通知"]
    assert "whole page" in document.warnings[0]


def test_attribute_flood_is_refused_before_lxml_spends_seconds_on_it() -> None:
    flood = b"<html><body><div " + b" ".join(b"a%d=1" % i for i in range(50_000)) + b">x</div>"
    with pytest.raises(UnreadableInput, match="attributes"):
        read(flood, "text/html")
    image = b'<html><body><p>x</p><img src="data:image/png;base64,' + b"QUFB" * 20_000 + b'=="></body>'
    assert read(image, "text/html").blocks == ["x"]


@pytest.mark.parametrize("page", [b"<!-- only a comment -->", b"   \n", b"<html></html>\x00\x01\x02" * 50])
def test_empty_or_binary_html_is_a_clear_error(page: bytes) -> None:
    with pytest.raises(UnreadableInput):
        read(page, "text/html")


def test_article_placed_directly_in_body_is_located_without_a_warning() -> None:
    """Hanweb article pages put the report straight under <body>: its landmarks are found,
    their common ancestor is <body>, and that is no reason to warn."""
    page = ("<html><body><h1>樟树市工信局2023年政府信息公开工作年度报告</h1>"
            "<p>一、总体情况</p><p>正文</p><p>三、收到和处理政府信息公开申请情况</p>"
            "<table><tr><td>申请人情况</td><td>1</td></tr></table></body></html>")
    document = read(page.encode(), "text/html")
    assert document.blocks[:3] == ["樟树市工信局2023年政府信息公开工作年度报告", "一、总体情况", "正文"]
    assert document.warnings == []


def _table_page(rows: int, cells: int) -> bytes:
    row = "<tr>" + "<td>1</td>" * cells + "</tr>"
    return f"<html><body><p>一、总体情况</p><table>{row * rows}</table></body></html>".encode()


def test_a_table_at_the_caps_is_read_whole() -> None:
    from parsers.readers.html import MAX_CELLS_PER_ROW, MAX_ROWS

    tables = [b for b in read(_table_page(MAX_ROWS, 2), "text/html").blocks
              if isinstance(b, Table)]
    assert len(tables[0].rows) == MAX_ROWS
    wide = [b for b in read(_table_page(2, MAX_CELLS_PER_ROW), "text/html").blocks
            if isinstance(b, Table)]
    assert wide[0].rows[0] == ["1"] * MAX_CELLS_PER_ROW


@pytest.mark.parametrize(("rows", "cells", "reason"), [
    (5_001, 2, "html: over 5000 table rows"),
    (2, 201, "html: a table row with 201 cells, over the 200 limit"),
    (30_000, 8, "html: over 200000 tags"),
])
def test_a_table_over_the_caps_is_refused(rows: int, cells: int, reason: str) -> None:
    with pytest.raises(InputTooLarge, match=reason):
        read(_table_page(rows, cells), "text/html")


def test_an_article_over_the_text_cap_is_refused() -> None:
    page = b"<html><body><p>" + "年".encode() * 2_000_001 + b"</p></body></html>"
    with pytest.raises(InputTooLarge, match=r"html: the article holds \d+ characters, over the 2000000 limit"):
        read(page, "text/html")

