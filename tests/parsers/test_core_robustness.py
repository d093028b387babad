"""build_report and read_text never fail on odd input: they warn instead."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parsers.document import Document, Table
from parsers.readers.text import read_text
from parsers.report_builder import build_report

_WORDS = ["", " ", "0", "1", "12", "2100003", "１２", "-", "—", "无", "0.5万元", "251000元", "[bookmark: _GoBack]0",
          "第二十条第（一）项", "信息内容", "本年制发件数", "规章", "行政许可", "自然人", "总计", "（七）总计",
          "一、本年新收政府信息公开申请数量", "（三）不予公开", "1.属于国家秘密", "其它", "行政复议", "结果维持",
          "三、收到和处理政府信息公开申请情况", "四、政府信息公开行政复议、行政诉讼情况", "二、主动公开政府信息情况",
          "（六）其他处理", "3.其他", "复议后起诉", "\n", "\t", "商业\n企业", "9" * 40, "十十", "（十一）"]
cell = st.one_of(st.sampled_from(_WORDS), st.text(max_size=8))
row = st.lists(cell, max_size=20)
block = st.one_of(st.sampled_from(_WORDS), st.builds(Table, st.lists(row, max_size=12)))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(block, max_size=12))
def test_build_report_never_raises(blocks):
    r = build_report(Document(blocks=blocks, kind="html"))
    assert r.format in ("2021", "2019", "none")
    keys = [(c.table, c.row, c.col) for c in r.cells]
    assert len(keys) == len(set(keys))


@settings(max_examples=50, deadline=None)
@given(st.lists(st.sampled_from(_WORDS + ["# 标题", "| a | b |", "|---|---|", "\t0", "\t"]), max_size=40))
def test_read_text_never_raises(lines):
    doc = read_text("\n".join(lines))
    assert doc.kind in ("text", "markdown")
    build_report(doc)


def test_junk_rows_are_bounded():
    """Thousands of unreadable numeric lines: warnings are capped and similarity matching stops."""
    paras = ["三、收到和处理政府信息公开申请情况"] + [f"第{i}行说明 {i} {i + 1} 3" for i in range(2000)]
    r = build_report(Document(blocks=paras, kind="text"))
    assert len(r.warnings) <= 201 and r.warnings[-1].startswith("… and ")
    assert not r.cells
