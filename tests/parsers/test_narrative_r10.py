"""R10 (warning): figures the narrative restates must equal their table cells."""
from __future__ import annotations

import parsers
from tests.conftest import SEED_FILES, SEEDS_DIR

SEED = "000_7deeb89319d6e7c7.txt"
SENTENCE = "2022年共收到政府信息公开申请0件。"


def _r10(report: parsers.Report) -> list[str]:
    return [w for w in report.warnings if w.startswith("R10")]


def test_seeds_agree_with_their_narrative():
    for name in SEED_FILES:
        assert _r10(parsers.parse((SEEDS_DIR / name).read_bytes(), "text/plain")) == [], name


def test_mismatches_name_the_cell_and_the_sentence():
    text = (SEEDS_DIR / SEED).read_text(encoding="utf-8")
    assert SENTENCE in text
    text = text.replace(SENTENCE, "2022年共收到政府信息公开申请81件，发生行政复议2件、行政诉讼7件，制发规范性文件1件。")
    warnings = _r10(parsers.parse(text.encode("utf-8"), "text/plain"))
    assert len(warnings) == 3  # 制发规范性文件1件 equals its cell (normative_documents issued 1)
    requests, review, litigation = warnings
    assert "states 81" in requests and "requests/new_received/total = 0" in requests and "申请81件" in requests
    assert "states 2" in review and "appeals/review/total" in review
    assert "appeals/litigation_direct/total + appeals/litigation_after_review/total = 0" in litigation
    assert not any(c.rule == "R10" for c in parsers.parse(text.encode("utf-8"), "text/plain").checks)


def test_a_figure_whose_cell_was_not_read_is_not_compared():
    text = "\n".join(["某局2022年政府信息公开工作年度报告", "一、总体情况", "共收到政府信息公开申请5件。"])
    assert _r10(parsers.parse(text.encode("utf-8"), "text/plain")) == []
