"""Tables flattened to text: runs split by the rules, ambiguity left unread with its
candidates, blanks lost in flattening never guessed, and the search bounded."""
from __future__ import annotations

import time

from parsers.document import Document
from parsers.flattened import looks_flattened, read_flattened, split_runs
from parsers.report_builder import build_report

HEAD = ("三、收到和处理政府信息公开申请情况（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
        "申请人情况自然人法人或其他组织总计商业企业科研机构社会公益组织法律服务机构其他")
ROWS_2021 = [
    ("一、本年新收政府信息公开申请数量", "new_received"), ("二、上年结转政府信息公开申请数量", "carried_over"),
    ("三、本年度办理结果（一）予以公开", "granted"), ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "partially_granted"),
    ("（三）不予公开1.属于国家秘密", "denied.state_secret"), ("2.其他法律行政法规禁止公开", "denied.prohibited_by_law"),
    ("3.危及“三安全一稳定”", "denied.three_safety"), ("4.保护第三方合法权益", "denied.third_party_rights"),
    ("5.属于三类内部事务信息", "denied.internal_affairs"), ("6.属于四类过程性信息", "denied.process_info"),
    ("7.属于行政执法案卷", "denied.enforcement_file"), ("8.属于行政查询事项", "denied.administrative_query"),
    ("（四）无法提供1.本机关不掌握相关政府信息", "unavailable.not_held"), ("2.没有现成信息需要另行制作", "unavailable.not_created"),
    ("3.补正后申请内容仍不明确", "unavailable.unclear"), ("（五）不予处理1.信访举报投诉类申请", "not_processed.petition"),
    ("2.重复申请", "not_processed.duplicate"), ("3.要求提供公开出版物", "not_processed.publication"),
    ("4.无正当理由大量反复申请", "not_processed.excessive"), ("5.要求行政机关确认或重新出具已获取信息", "not_processed.confirm_or_reissue"),
    ("（六）其他处理1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "other.no_correction"),
    ("2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "other.fee_unpaid"),
    ("3.其他", "other.other"), ("（七）总计", "results_total"), ("四、结转下年度继续办理", "carried_forward"),
]
ZERO = "0" * 7


def flattened_requests(values: dict[str, str]) -> str:
    return HEAD + "".join(label + values.get(key, ZERO) for label, key in ROWS_2021)


def cells(text: str) -> tuple[dict, list[str]]:
    report = build_report(Document(blocks=["一、总体情况", "正文。", text, "五、存在的主要问题及改进情况"], kind="text"))
    return {(c.table, c.row, c.col): c.value for c in report.cells}, report.warnings


def test_unique_split_is_read():
    # 56 natural persons, 10 enterprises: "5610000066" has one split with R3 (and R1/R2) holding
    text = flattened_requests({"new_received": "5610000066", "granted": "5610000066",
                               "results_total": "5610000066"})
    assert looks_flattened(text)
    got, warnings = cells(text)
    assert [got["requests", "new_received", c] for c in ("natural_person", "commercial_enterprise", "total")] == [56, 10, 66]
    assert got["requests", "results_total", "total"] == 66
    assert not [w for w in warnings if w.startswith("requests/")]


def test_column_rules_decide_what_a_row_alone_cannot():
    # granted "330000033" alone is 3|30|… or 33|0|… (R3 holds for both); R2 per column
    # (results_total = granted + partially_granted) leaves only 33|0|…
    assert len(split_runs(["330000033"], ("count",) * 7, ((0, 6),))) == 2
    text = flattened_requests({"new_received": "340000034", "granted": "330000033",
                               "partially_granted": "1000001", "results_total": "340000034"})
    got, warnings = cells(text)
    assert [got["requests", "granted", c] for c in ("natural_person", "commercial_enterprise", "total")] == [33, 0, 33]
    assert not [w for w in warnings if w.startswith("requests/")]


def test_ambiguous_row_is_left_unread_with_candidates():
    text = flattened_requests({"new_received": "330000033", "granted": "330000033", "results_total": "330000033"})
    got, warnings = cells(text)
    assert ("requests", "granted", "natural_person") not in got
    assert ("requests", "granted", "commercial_enterprise") not in got
    assert got["requests", "granted", "total"] == 33 and got["requests", "granted", "other"] == 0
    warning = next(w for w in warnings if w.startswith("requests/granted"))
    assert "3|30|0|0|0|0|33" in warning and "33|0|0|0|0|0|33" in warning


def test_a_blank_lost_in_flattening_is_never_guessed():
    # natural person 67, every other cell blank: "6767" cannot fill seven cells; printed cells
    # end with the row total, so the total is known, but not which column holds the 67
    text = flattened_requests({"new_received": "6767", "granted": "6767", "results_total": "6767"})
    got, warnings = cells(text)
    assert [k for k in got if k[1] == "new_received"] == [("requests", "new_received", "total")]
    assert got["requests", "new_received", "total"] == 67
    assert any("requests/new_received" in w and "blank cells lost" in w for w in warnings)


def test_a_row_that_also_fits_with_blanks_lost_reads_only_its_total():
    # only non-zero cells printed (15, 27, 3, blank, 15, 3, total 63): "1527315363" also splits
    # into seven cells that add up (15|2|7|31|5|3|63); the table's other rows show blanks are
    # lost, so neither split is taken, and the total both agree on is read
    text = flattened_requests({"new_received": "1527315363", "results_total": "1527315363",
                               "granted": "1527315363", "carried_forward": "", "carried_over": ""})
    got, warnings = cells(text)
    assert [k for k in got if k[1] == "results_total"] == [("requests", "results_total", "total")]
    assert got["requests", "results_total", "total"] == 63
    assert any("requests/results_total" in w and "blank cells lost" in w for w in warnings)
    # the same digits in a table that prints its zeros are one full row
    got, _ = cells(flattened_requests({"new_received": "1527315363", "results_total": "1527315363",
                                       "granted": "1527315363"}))
    assert got["requests", "results_total", "social_welfare_org"] == 31


def test_a_row_printed_with_no_digit_is_blank():
    text = flattened_requests({"other.fee_unpaid": "", "other.other": ""})
    got, _ = cells(text)
    assert got["requests", "other.fee_unpaid", "total"] is None
    assert got["requests", "other.other", "natural_person"] is None
    assert got["requests", "results_total", "total"] == 0


def test_active_amount_and_appeals_groups():
    active = ("第二十条第（一）项信息内容本年制发件数本年废止件数现行有效件数规章000行政规范性文件2017"
              "第二十条第（五）项信息内容本年处理决定数量行政许可1523第二十条第（八）项信息内容"
              "本年收费金额（单位：万元，保留4位小数）行政事业性收费12.3456")
    appeals = ("四、政府信息公开行政复议、行政诉讼情况行政复议行政诉讼结果维持结果纠正其他结果尚未审结总计"
               "未经复议直接起诉复议后起诉结果维持结果纠正其他结果尚未审结总计结果维持结果纠正其他结果尚未审结总计"
               "100121000110001")
    result = read_flattened(active + flattened_requests({}) + appeals)
    rows = {k: {c.col: c.value for c in v} for k, v in result.rows.items()}
    assert rows["active", "licensing"] == {"decisions": 1523}
    assert rows["active", "fees"] == {"amount_10k_yuan": 12.3456}
    assert rows["active", "regulations"] == {"issued": 0, "repealed": 0, "in_force": 0}
    assert rows["active", "normative_documents"] == {}  # 2|0|17 or 20|1|7: no rule decides
    warning = next(w for w in result.warnings if w.startswith("active/normative_documents"))
    assert "2|0|17" in warning and "20|1|7" in warning
    assert rows["appeals", "review"] == {"upheld": 1, "corrected": 0, "other": 0, "pending": 1, "total": 2}
    assert rows["appeals", "litigation_direct"]["total"] == 1


def test_decimals_only_in_amount_columns_and_no_leading_zeros():
    assert split_runs(["1.50"], ("count", "count")) == []
    assert split_runs(["0012"], ("count",) * 3) == [("0", "0", "12")]
    assert ("12.5", "3") in split_runs(["12.53"], ("amount", "count"))


def test_search_is_bounded():
    started = time.perf_counter()
    digits = "123456789" * 4
    assert split_runs([digits], ("count",) * 15, ((0, 4), (5, 9), (10, 14))) is not None
    assert split_runs([digits], ("count",) * 20) is None  # too many ways: not read
    assert time.perf_counter() - started < 5


def test_hostile_runs_stay_cheap():
    # every row a long run of ones: many splits fit R3; the paragraph's search budget ends it
    started = time.perf_counter()
    result = read_flattened(flattened_requests({key: "1" * 30 for _, key in ROWS_2021}))
    assert time.perf_counter() - started < 3
    assert not any(c.value for cells in result.rows.values() for c in cells)  # nothing guessed
    assert all(len(w) < 400 for w in result.warnings)
