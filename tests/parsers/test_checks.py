"""Checks R1-R5 on hand-made violations: each names its cells and both sides of the equation."""
from __future__ import annotations

import parsers
from parsers.checks import run_checks
from parsers.model import Cell
from tests.parsers.core_docs import report_text


def parse_text(text: str) -> parsers.Report:
    return parsers.parse(text.encode("utf-8"), "text/plain")


def failed(report, rule=None):
    return [c for c in report.checks if not c.ok and (rule is None or c.rule == rule)]


def test_consistent_report_passes_every_check():
    r = parse_text(report_text())
    assert len(r.cells) == 200
    assert r.checks and not failed(r)
    counts = {rule: sum(1 for c in r.checks if c.rule == rule) for rule in ("R1", "R2", "R3", "R4", "R5")}
    assert counts == {"R1": 7, "R2": 7, "R3": 25, "R4": 3, "R5": 1}


def test_r1_received_and_carried_over_must_equal_handled_and_carried_forward():
    r = parse_text(report_text(requests={"new_received": [2, 0, 0, 0, 0, 0, 2]}))
    bad = failed(r)
    assert {c.rule for c in bad} == {"R1"}
    assert sorted(c.detail.split(":")[0] for c in bad) == [
        "requests column natural_person", "requests column total"]
    c = next(c for c in bad if "natural_person" in c.detail)
    assert c.cells == ["requests/new_received/natural_person", "requests/carried_over/natural_person",
                       "requests/results_total/natural_person", "requests/carried_forward/natural_person"]
    assert "new_received 2 + carried_over 0 = 2" in c.detail
    assert "results_total 0 + carried_forward 0 = 0" in c.detail and "≠" in c.detail


def test_r2_results_total_must_be_the_sum_of_outcome_rows():
    r = parse_text(report_text(requests={"denied.state_secret": [0, 3, 0, 0, 0, 0, 3]}))
    bad = failed(r, "R2")
    assert sorted(c.detail.split(":")[0] for c in bad) == [
        "requests column commercial_enterprise", "requests column total"]
    c = next(c for c in bad if "commercial_enterprise" in c.detail)
    assert "requests/results_total/commercial_enterprise" in c.cells
    assert "requests/denied.state_secret/commercial_enterprise" in c.cells
    assert len(c.cells) == 1 + 21  # results_total and every outcome row of the 2021 format
    assert "results_total 0 ≠" in c.detail and "denied.state_secret 3" in c.detail and c.detail.endswith("= 3")
    # numbers are never corrected
    assert r.cell("requests", "results_total", "total").value == 0


def test_r3_total_must_be_the_sum_of_the_six_applicant_columns():
    r = parse_text(report_text(requests={"carried_over": [1, 1, 0, 0, 0, 0, 3],
                                         "carried_forward": [1, 1, 0, 0, 0, 0, 3]}))
    bad = failed(r, "R3")
    assert [c.detail.split(":")[0] for c in bad] == ["requests row carried_over", "requests row carried_forward"]
    c = bad[0]
    assert c.cells[0] == "requests/carried_over/total" and len(c.cells) == 7
    assert "total 3 ≠ natural_person 1 + commercial_enterprise 1" in c.detail and c.detail.endswith("= 2")
    assert not failed(r, "R1")


def test_r4_appeals_total_must_be_the_sum_of_outcomes():
    r = parse_text(report_text(appeals=[1, 0, 0, 0, 1, 0, 0, 2, 0, 1, 0, 0, 0, 0, 0]))
    bad = failed(r)
    assert [c.rule for c in bad] == ["R4"]
    c = bad[0]
    assert c.detail.startswith("appeals row litigation_direct: total 1 ≠ upheld 0 + corrected 0 + other 2")
    assert c.cells == ["appeals/litigation_direct/total", "appeals/litigation_direct/upheld",
                       "appeals/litigation_direct/corrected", "appeals/litigation_direct/other",
                       "appeals/litigation_direct/pending"]


def test_r5_format_must_fit_the_year():
    r = parse_text(report_text(year=2019))  # 2021 tables in a 2019 report
    (c,) = failed(r)
    assert c.rule == "R5" and "2019" in c.detail and "format 2021" in c.detail
    r = parse_text(report_text(year=2017))
    assert [c.rule for c in failed(r)] == ["R5"]
    free = parse_text("某局2016年政府信息公开工作年度报告\n一、概述\n概况。\n二、主动公开政府信息情况\n公开了信息。\n")
    assert free.format == "none" and [c.rule for c in free.checks] == ["R5"] and free.checks[0].ok


def test_blank_cells_count_as_zero_and_are_named():
    text = report_text(row_cells={"carried_over": ["二、上年结转政府信息公开申请数量", "1", "", "", "", "", "", "1"]},
                       requests={"carried_forward": [1, 0, 0, 0, 0, 0, 1]})
    r = parse_text(text)
    assert r.cell("requests", "carried_over", "commercial_enterprise").value is None
    assert not failed(r)
    c = next(c for c in r.checks if c.rule == "R3" and "carried_over" in c.detail)
    assert "blank cells counted as 0" in c.detail
    assert "requests/carried_over/commercial_enterprise" in c.detail


def test_rows_not_read_are_not_checked_as_zero():
    r = parse_text(report_text(drop_rows=("carried_over",)))
    assert not any(c.rule == "R1" for c in r.checks)
    assert any("R1 not checked" in w and "carried_over" in w for w in r.warnings)


def test_2019_format_sums_the_single_other_row():
    cells = [Cell("requests", key, col, 0, "0") for key in (
        "new_received", "carried_over", "granted", "partially_granted", "denied.state_secret",
        "denied.prohibited_by_law", "denied.three_safety", "denied.third_party_rights",
        "denied.internal_affairs", "denied.process_info", "denied.enforcement_file",
        "denied.administrative_query", "unavailable.not_held", "unavailable.not_created",
        "unavailable.unclear", "not_processed.petition", "not_processed.duplicate",
        "not_processed.publication", "not_processed.excessive", "not_processed.confirm_or_reissue",
        "other", "results_total", "carried_forward") for col in (
        "natural_person", "commercial_enterprise", "research_institution", "social_welfare_org",
        "legal_service_org", "other", "total")]
    for c in cells:
        if c.row in ("other", "results_total", "new_received") and c.col in ("natural_person", "total"):
            c.value, c.raw = 4, "4"
    checks, notes = run_checks(cells, "2019", 2020)
    assert all(c.ok for c in checks) and not notes
    r2 = [c for c in checks if c.rule == "R2"]
    assert len(r2) == 7
    assert all(c.cells[-1].startswith("requests/other/") and len(c.cells) == 1 + 19 for c in r2)
    assert any("other 4" in c.detail for c in r2)
