"""Golden tests: every cell of every seed equals its hand-read value (seed-expected.json)."""
from __future__ import annotations

import pytest

import parsers
from tests.conftest import SEED_FILES, SEEDS_DIR, seed_expected

EXPECTED = seed_expected()
_CACHE: dict[str, parsers.Report] = {}


def report(name: str) -> parsers.Report:
    if name not in _CACHE:
        _CACHE[name] = parsers.parse((SEEDS_DIR / name).read_bytes(), "text/plain", name)
    return _CACHE[name]


@pytest.mark.parametrize("name", SEED_FILES)
def test_every_cell_matches(name):
    exp = EXPECTED[name]
    r = report(name)
    got = {(c.table, c.row, c.col): c.value for c in r.cells}
    want = {(c["table"], c["row"], c["col"]): c["value"] for c in exp["cells"]}
    assert len(want) == 200
    missing = sorted(set(want) - set(got))
    assert not missing, f"cells not read: {missing[:10]}"
    wrong = [(k, got[k], v) for k, v in want.items() if got[k] != v or type(got[k]) is not type(v)]
    assert not wrong, f"cells with wrong values (key, got, expected): {wrong[:10]}"
    extra = sorted(set(got) - set(want))
    assert not extra, f"cells not in the hand-read set: {extra[:10]}"
    assert len(r.cells) == 200  # no cell emitted twice


@pytest.mark.parametrize("name", SEED_FILES)
def test_metadata_and_failing_rules(name):
    exp = EXPECTED[name]
    r = report(name)
    assert r.agency == exp["agency"]
    assert r.year == exp["year"]
    assert r.format == exp["format"]
    assert sorted({c.rule for c in r.checks if not c.ok}) == sorted(exp["failing_rules"])
    assert r.structure_found
    assert all(r.sections.get(k) for k in parsers.model.SECTION_KEYS)


def test_raw_kept_for_quirk_cells():
    r2 = report("002_d5aa6a7852a4f00f.txt")
    c = r2.cell("requests", "carried_over", "research_institution")
    assert (c.value, c.raw) == (0, "0   ")
    c = r2.cell("requests", "denied.state_secret", "social_welfare_org")
    assert (c.value, c.raw) == (0, "0 ")
    r3 = report("003_7ed1e439a9c9913c.txt")
    c = r3.cell("requests", "results_total", "total")
    assert (c.value, c.raw) == (0, "0")  # "[bookmark: _GoBack]0" with the artifact removed
    r4 = report("004_69dc6e22679cfd75.txt")
    c = r4.cell("requests", "results_total", "natural_person")
    assert (c.value, c.raw) == (0, "0")
    for row in ("other.fee_unpaid", "other.other"):
        for col in ("natural_person", "commercial_enterprise", "total"):
            c = r4.cell("requests", row, col)
            assert c.value is None and c.raw == ""  # blank, never an invented 0
    assert not any("bookmark" in c.raw for name in SEED_FILES for c in report(name).cells)


def test_seed_001_single_number_is_total():
    r = report("001_642eda999c787a13.txt")
    assert r.cell("requests", "granted", "total").value == 0
    for col in ("natural_person", "commercial_enterprise", "research_institution",
                "social_welfare_org", "legal_service_org", "other"):
        assert r.cell("requests", "granted", col).value is None
    assert any("granted" in w and "single number" in w for w in r.warnings)


def test_seed_003_r2_fails_for_natural_person_and_total_only():
    r = report("003_7ed1e439a9c9913c.txt")
    failed = [c for c in r.checks if not c.ok]
    assert {c.rule for c in failed} == {"R2"}
    assert sorted(c.detail.split(":")[0] for c in failed) == [
        "requests column natural_person", "requests column total"]
    for c in failed:
        assert "requests/unavailable.not_held/" + c.detail.split(":")[0].split()[-1] in c.cells
        assert "results_total 0 ≠" in c.detail and c.detail.endswith("= 1")  # both sides
    # the numbers are never corrected
    assert r.cell("requests", "results_total", "total").value == 0
    assert r.cell("requests", "unavailable.not_held", "total").value == 1
    # the typo'd group label is reported, and the row read by its number and sub-rows
    assert any("不予公开" in w and "not_processed.petition" in w for w in r.warnings)


def test_seed_002_cites_2019_notice_but_prints_2021_tables():
    r = report("002_d5aa6a7852a4f00f.txt")
    assert "2019〕60号" in r.text
    assert r.format == "2021"
    assert all(c.ok for c in r.checks if c.rule == "R5")
