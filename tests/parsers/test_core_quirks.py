"""Real-world quirks handled by general mechanisms: values, shifted rows, run-together digits,
label typos, the 2019 format, free-text reports, reader-agnostic Documents."""
from __future__ import annotations

import pytest

import parsers
from parsers.document import Document, Table
from parsers.report_builder import build_report
from parsers.values import clean_raw, parse_number
from tests.parsers.core_docs import REQUEST_LABELS_2021, report_text


def parse_text(text: str) -> parsers.Report:
    return parsers.parse(text.encode("utf-8"), "text/plain")


@pytest.mark.parametrize("raw,unit,value", [
    ("0", None, 0), ("0   ", None, 0), ("１２", None, 12), ("1,234", None, 1234), ("１，２３４", None, 1234),
    ("3件", None, 3), ("-5", None, -5), ("+2", None, 2), ("0.5", "10k_yuan", 0.5),
    ("0.5万元", "10k_yuan", 0.5), ("5000元", "10k_yuan", 0.5), ("251000元", "yuan", 251000),
    ("25.1万元", "yuan", 251000), ("0.1234", "10k_yuan", 0.1234),
    ("", None, None), ("—", None, None), ("-", None, None), ("/", None, None), ("无", None, None),
    ("\u00a0", None, None), ("&nbsp;", None, None), ("　", None, None),
])
def test_values(raw, unit, value):
    ok, got = parse_number(raw, unit)
    assert ok and got == value and type(got) is type(value)


@pytest.mark.parametrize("raw", ["规章", "1.属于国家秘密", "第二十条第（一）项", "2022年", "（七）总计"])
def test_labels_are_not_values(raw):
    assert parse_number(raw)[0] is False


def test_layout_artifacts_removed_from_raw():
    assert clean_raw("[bookmark: _GoBack]0") == "0"
    assert clean_raw("0\u200b ") == "0 "
    assert clean_raw("0   ") == "0   "


def test_fees_with_units_converted_to_the_column_unit():
    text = report_text().replace("行政事业性收费\t0\t\t", "行政事业性收费\t5000元\t\t")
    r = parse_text(text)
    c = r.cell("active", "fees", "amount_10k_yuan")
    assert (c.value, c.raw) == (0.5, "5000元")


def test_shifted_row_with_one_possible_reading_is_read_and_warned():
    # 8 numbers for 7 columns; only the last seven satisfy the row's own total (R3)
    text = report_text(requests={"new_received": [2, 0, 0, 0, 0, 0, 2], "granted": [2, 0, 0, 0, 0, 0, 2],
                                 "results_total": [2, 0, 0, 0, 0, 0, 2]},
                       row_cells={"new_received": ["一、本年新收政府信息公开申请数量", "", "", "9", "2", "0", "0",
                                                   "0", "0", "0", "2"]})
    r = parse_text(text)
    assert [r.cell("requests", "new_received", c).value for c in ("natural_person", "total")] == [2, 2]
    assert any("new_received" in w and "8 numbers for 7 columns" in w for w in r.warnings)


def test_shifted_row_with_several_readings_is_not_guessed():
    text = report_text(row_cells={"carried_over": ["二、上年结转政府信息公开申请数量", "1", "1", "0", "0", "0",
                                                   "0", "0", "1", "1"]})
    r = parse_text(text)
    assert r.cell("requests", "carried_over", "total") is None  # never a guess
    assert any("carried_over" in w and "not read" in w for w in r.warnings)
    assert any("R1 not checked" in w for w in r.warnings)


@pytest.mark.parametrize("digits,expected", [
    ("2100003", [2, 1, 0, 0, 0, 0, 3]),
    ("120000012", [12, 0, 0, 0, 0, 0, 12]),  # the only split whose total adds up
])
def test_run_together_digits_recovered_by_the_row_total(digits, expected):
    text = report_text(row_cells={"new_received": [f"一、本年新收政府信息公开申请数量{digits}"]})
    r = parse_text(text)
    got = [r.cell("requests", "new_received", c).value for c in (
        "natural_person", "commercial_enterprise", "research_institution", "social_welfare_org",
        "legal_service_org", "other", "total")]
    assert got == expected
    assert any("run together" in w and "new_received" in w for w in r.warnings)


@pytest.mark.parametrize("digits,why", [
    ("110000011", "several readings"),  # 11,0,0,0,0,0,11 and 1,10,0,0,0,0,11
    ("22000004", "no reading"),
])
def test_run_together_digits_without_a_single_reading_warn(digits, why):
    text = report_text(row_cells={"new_received": [f"一、本年新收政府信息公开申请数量{digits}"]})
    r = parse_text(text)
    assert r.cell("requests", "new_received", "total") is None
    assert any("run together" in w and why in w and "not read" in w for w in r.warnings)


def test_label_typos_matched_by_context():
    overrides = {
        # a character missing, a wrong group label, a sub-row number missing, 其它 for 其他
        "not_processed.confirm_or_reissue": ["", "", "5．要求行政机关确认或新出具已获取信息"],
        "not_processed.petition": ["", "（五）不予公开", "1．信访举报投诉类申请"],
        "denied.third_party_rights": ["", "", "保护第三方合法权利"],
        "other.other": ["", "", "其它"],
        "partially_granted": ["", "（二）部份公开"],
    }
    text = report_text(label_overrides=overrides,
                       requests={"not_processed.petition": [1, 0, 0, 0, 0, 0, 1],
                                 "denied.third_party_rights": [0, 2, 0, 0, 0, 0, 2],
                                 "new_received": [1, 2, 0, 0, 0, 0, 3],
                                 "results_total": [1, 2, 0, 0, 0, 0, 3]})
    r = parse_text(text)
    assert len(r.cells) == 200
    assert r.cell("requests", "not_processed.petition", "natural_person").value == 1
    assert r.cell("requests", "denied.third_party_rights", "commercial_enterprise").value == 2
    assert all(c.ok for c in r.checks)
    assert any("不予公开" in w for w in r.warnings)


def test_unknown_row_is_reported_not_guessed():
    text = report_text(label_overrides={"denied.process_info": ["", "", "6．完全无关的一行文字内容"]})
    r = parse_text(text)
    assert r.cell("requests", "denied.process_info", "total") is None
    assert any("not recognised" in w for w in r.warnings)


def test_2019_format():
    lines = [
        "某县人民政府办公室2019年政府信息公开工作年度报告",
        "二、主动公开政府信息情况",
        "第二十条第（一）项", "信息内容\t本年新制作数量\t本年新公开数量\t对外公开总数量",
        "规章\t0\t0\t0", "规范性文件\t3\t3\t12",
        "第二十条第（五）项", "信息内容\t上一年项目数量\t本年增/减\t处理决定数量",
        "行政许可\t120\t-5\t1,234", "其他对外管理服务事项\t10\t+2\t56",
        "第二十条第（六）项", "信息内容\t上一年项目数量\t本年增/减\t处理决定数量",
        "行政处罚\t30\t0\t77", "行政强制\t2\t—\t3",
        "第二十条第（八）项", "信息内容\t上一年项目数量\t本年增/减", "行政事业性收费\t5\t0",
        "第二十条第（九）项", "信息内容\t采购项目数量\t采购总金额", "政府集中采购\t4\t251000元",
        "三、收到和处理政府信息公开申请情况",
        "\t自然人\t法人或其他组织\t\t\t\t\t总计",
    ]
    for key, labels in REQUEST_LABELS_2021:
        if key.startswith("other."):
            if key == "other.no_correction":
                lines.append("\t（六）其他处理\t1\t0\t0\t0\t0\t0\t1")
            continue
        values = [1, 0, 0, 0, 0, 0, 1] if key in ("new_received", "results_total") else [0] * 7
        lines.append("\t".join([*labels, *map(str, values)]))
    r = parse_text("\n".join(lines) + "\n某县人民政府办公室\n2020年1月15日\n")
    assert r.format == "2019" and r.year == 2019
    assert r.cell("active", "licensing", "change").value == -5
    assert r.cell("active", "licensing", "decisions").value == 1234
    assert r.cell("active", "enforcement", "change").value is None
    assert r.cell("active", "normative_documents", "total_public").value == 12
    assert r.cell("active", "centralized_procurement", "amount_yuan").value == 251000
    assert r.cell("active", "fees", "previous_year_items").value == 5
    assert r.cell("requests", "other", "natural_person").value == 1
    assert not any(c.row.startswith("other.") for c in r.cells)
    assert r.checks and all(c.ok for c in r.checks), [c.detail for c in r.checks if not c.ok]
    assert r.publish_date == "2020-01-15"


def test_pre_2019_free_text_report():
    text = "\n".join([
        "某市交通局2015年政府信息公开工作年度报告", "本年度报告根据《条例》要求编制。",
        "一、概述", "2015年，我局认真贯彻落实《条例》。",
        "二、主动公开政府信息情况", "2015年主动公开政府信息120条。",
        "三、依申请公开政府信息情况", "2015年共受理申请3件。",
        "四、政府信息公开的收费及减免情况", "未收取任何费用。",
        "五、因政府信息公开申请行政复议、提起行政诉讼的情况", "无。",
        "六、政府信息公开工作存在的主要问题及改进情况", "存在问题。",
        "七、其他需要报告的事项", "无其他事项。",
    ])
    r = parse_text(text)
    assert (r.format, r.year, r.cells) == ("none", 2015, [])
    assert r.sections == {"overview": "2015年，我局认真贯彻落实《条例》。", "active": "2015年主动公开政府信息120条。",
                          "requests": "2015年共受理申请3件。", "appeals": "无。", "problems": "存在问题。",
                          "other": "无其他事项。"}
    assert r.structure_found and all(c.ok for c in r.checks)


def test_section_headings_vary():
    text = report_text().replace("三、收到和处理政府信息公开申请情况", "3、 行政机关收到和处理政府信息公开申请情况") \
        .replace("五、存在的主要问题及改进情况", "5、 政府信息公开工作存在的主要问题及整改措施")
    r = parse_text(text)
    assert r.sections["problems"] == "问题和改进。"
    assert len(r.cells) == 200


def test_reader_agnostic_document_with_spans_not_expanded():
    """An HTML-like Document: rowspan'd labels absent from the rows below, blanks as ''."""
    rows = [["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", "申请人情况"],
            ["自然人", "法人或其他组织", "总计"],
            ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]]
    for key, labels in REQUEST_LABELS_2021:
        values = ["3", "", "", "", "", "", "3"] if key in ("new_received", "granted", "results_total") \
            else ["0"] * 7
        rows.append([lb for lb in labels if lb] + values)
    doc = Document(blocks=["某局2022年政府信息公开工作年度报告", "三、收到和处理政府信息公开申请情况", Table(rows),
                           "四、政府信息公开行政复议、行政诉讼情况",
                           Table([["行政复议", "行政诉讼"], ["复议后起诉"], ["0"] * 15])], kind="html")
    r = build_report(doc)
    assert len([c for c in r.cells if c.table == "requests"]) == 175
    assert r.cell("requests", "granted", "commercial_enterprise").value is None
    assert r.cell("requests", "granted", "total").value == 3
    assert all(c.ok for c in r.checks)
    assert r.source_kind == "html" and r.format == "2021"


def test_run_together_digits_inside_a_table_cell():
    rows = [["自然人", "法人或其他组织", "总计"],
            ["一、本年新收政府信息公开申请数量2100003"],
            ["二、上年结转政府信息公开申请数量", "2100003"]]
    doc = Document(blocks=["三、收到和处理政府信息公开申请情况", Table(rows)], kind="html")
    r = build_report(doc)
    for key in ("new_received", "carried_over"):
        assert [c.value for c in r.cells if c.row == key] == [2, 1, 0, 0, 0, 0, 3]
    assert sum("run together" in w for w in r.warnings) == 2


def test_column_header_without_its_first_cell_and_stray_page_numbers():
    doc = Document(blocks=["二、主动公开政府信息情况",
                           Table([["第二十条第（一）项"], ["", "本年新制作数量", "本年新公开数量", "对外公开总数量"]]),
                           "3",  # a page number between two pieces of a table split across pages
                           Table([["规章", "1", "2", "3"]])], kind="pdf")
    r = build_report(doc)
    assert [(c.col, c.value) for c in r.cells] == [("created", 1), ("published", 2), ("total_public", 3)]
    assert r.format == "2019" and not r.warnings
