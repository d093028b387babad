"""read_text: both text layouts of the seeds, markdown, and the edge cases between them."""
from __future__ import annotations

import pytest

from parsers.document import Table
from parsers.readers.text import read_text
from tests.conftest import SEED_FILES, SEEDS_DIR


def tables(doc):
    return [b for b in doc.blocks if isinstance(b, Table)]


@pytest.mark.parametrize("name", SEED_FILES)
def test_seed_layouts(name):
    doc = read_text((SEEDS_DIR / name).read_text(encoding="utf-8"))
    assert doc.kind == ("markdown" if name.startswith("001") else "text")
    ts = tables(doc)
    assert len(ts) == 3  # active, requests, appeals, each between its section headings
    paragraphs = doc.paragraphs()
    assert any("主动公开政府信息情况" in p for p in paragraphs)
    assert all(p == p.strip() and p for p in paragraphs)


def test_cell_per_line_rows_and_wrapped_cells():
    doc = read_text((SEEDS_DIR / "002_d5aa6a7852a4f00f.txt").read_text(encoding="utf-8"))
    requests = tables(doc)[1]
    header = requests.rows[2]
    assert header[2:5] == ["商业\n企业", "科研\n机构", "社会公益组织"]  # a wrapped cell keeps its line break
    row = next(r for r in requests.rows if "二、上年结转政府信息公开申请数量" in r)
    assert row == ["二、上年结转政府信息公开申请数量", "0", "0", "0   ", "0", "0", "0", "0"]
    blank_label_row = next(r for r in requests.rows if "2.其他法律行政法规禁止公开" in r)
    assert blank_label_row[:3] == ["", "", "2.其他法律行政法规禁止公开"]  # blanks kept as ""


def test_heading_right_after_a_cell_ends_the_table():
    doc = read_text((SEEDS_DIR / "000_7deeb89319d6e7c7.txt").read_text(encoding="utf-8"))
    i = doc.blocks.index("三、收到和处理政府信息公开申请情况")
    assert isinstance(doc.blocks[i - 1], Table) and doc.blocks[i - 1].rows[-1] == ["行政事业性收费", "0"]


def test_markdown_export_rows():
    doc = read_text((SEEDS_DIR / "001_642eda999c787a13.txt").read_text(encoding="utf-8"))
    assert doc.title == "工信局2022年政府信息公开工作年度报告"
    assert doc.paragraphs()[1] == "一、总体情况"  # "## " removed
    requests = tables(doc)[1]
    # a blank line inside an exported table does not end it
    assert any(r[0] == "结果" for r in requests.rows)
    granted = next(r for r in requests.rows if r[0] == "三、本年度办理")
    assert granted == ["三、本年度办理", "(一) 予以公开", "", "", "", "", "", "0"]


def test_tab_separated_text_without_markdown_is_text():
    doc = read_text("标题\n规章\t0\t0\t0\n行政许可\t1\n\n结尾段落\n")
    assert doc.kind == "text"
    assert doc.blocks == ["标题", Table([["规章", "0", "0", "0"], ["行政许可", "1"]]), "结尾段落"]


def test_markdown_pipe_table():
    doc = read_text("# 某局2022年政府信息公开工作年度报告\n\n| 信息内容 | 本年处理决定数量 |\n|---|---|\n| 行政许可 | 3 |\n\n完。\n")
    assert doc.kind == "markdown"
    assert doc.blocks[1] == Table([["信息内容", "本年处理决定数量"], ["行政许可", "3"]])


def test_kind_hint_and_line_endings():
    text = "\ufeff标题\r\n\t规章\r\n\t0\r\n\r\n\t规范性文件\r\n\t1\r\n段落\r\n"
    doc = read_text(text, kind="markdown")
    assert doc.kind == "markdown"
    assert doc.blocks == ["标题", Table([["规章", "0"], ["规范性文件", "1"]]), "段落"]


def test_paragraph_with_a_stray_tab_stays_a_paragraph():
    long = "这是一段很长的正文，" * 8
    doc = read_text(f"标题\n{long}\t\n行政许可\t1\n规章\t0\n")
    assert doc.blocks[1] == long
    assert isinstance(doc.blocks[2], Table)
