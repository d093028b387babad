"""HTML reader: hidden elements (display:none in any case and spacing, the hidden attribute)
are left out, whether they are paragraphs, whole tables, rows or single cells."""
from __future__ import annotations

from parsers.document import Table
from parsers.readers import read


def _read(article: str):
    page = f"<html><body><div class=nav>首页</div><div>{article}</div></body></html>"
    return read(page.encode(), "text/html; charset=utf-8")


def test_hidden_paragraphs_are_left_out() -> None:
    document = _read("""<p>一、总体情况</p><p hidden>草稿一</p><p style="DISPLAY : None">草稿二</p>
        <p style="display:block">正文</p><h2>二、主动公开政府信息情况</h2>
        <table><tr><td>信息内容</td><td>本年制发件数</td></tr><tr><td>规章</td><td>1</td></tr></table>""")
    assert document.paragraphs() == ["一、总体情况", "正文", "二、主动公开政府信息情况"]


def test_hidden_cells_rows_and_tables_are_left_out_of_a_data_table() -> None:
    document = _read("""<p>一、总体情况</p>
        <table><tr><td>信息内容</td><td>本年制发件数</td><td style="display:none">备注</td></tr>
        <tr><td>规章</td><td hidden>9</td><td>1</td></tr>
        <tr style="display: none"><td>规范性文件</td><td>5</td></tr>
        <tr><td>行政许可</td><td>2</td></tr></table>
        <table hidden><tr><td>申请人情况</td><td>自然人</td></tr><tr><td>本年新收</td><td>7</td></tr></table>""")
    assert document.tables() == [
        Table([["信息内容", "本年制发件数"], ["规章", "1"], ["行政许可", "2"]])]


def test_a_table_whose_cells_are_hidden_but_one_stays_a_data_table() -> None:
    # The data-table test counts the cells as served (hidden ones too), like the landmarks.
    document = _read("""<p>一、总体情况</p>
        <table><tr><td>信息内容</td><td style="display:none">本年制发件数</td></tr></table>""")
    assert document.tables() == [Table([["信息内容"]])]
