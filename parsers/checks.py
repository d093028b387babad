"""Consistency rules (勾稽关系) R1-R5 over a report's cells.

Each check names every cell involved (Cell.key) and both sides of its equation. Blank cells
count as 0 in a sum and the detail says so. Printed numbers are never corrected: a report
whose numbers break a rule fails that check.
"""
from __future__ import annotations

from .labels import APPEAL_COLS, APPEAL_ROWS, OUTCOME_ROWS_2019, OUTCOME_ROWS_2021, REQUEST_COLS, REQUEST_ROWS
from .model import Cell, Check

_REQUEST_KEYS = tuple(r.key for r in REQUEST_ROWS)
APPLICANT_COLS = REQUEST_COLS[:6]
_R1_LEFT = ("new_received", "carried_over")
_R1_RIGHT = ("results_total", "carried_forward")


def _fmt(v) -> str:
    if v is None:
        return "0"
    if isinstance(v, float):
        return f"{v:g}"
    return str(v)


def _side(cells: list[Cell], names: tuple[str, ...]) -> tuple[float, str]:
    # Hot (some 40 checks a report): one pass, ints formatted without a call to _fmt.
    values = [c.value for c in cells]
    total = 0
    for v in values:
        if v is not None:
            total += v
    shown = [f"{n} {v}" if type(v) is int else f"{n} {_fmt(v)}" for n, v in zip(names, values)]
    if len(cells) == 1:
        return total, shown[0]
    if len(cells) > 6:
        nonzero = ", ".join(text for text, v in zip(shown, values) if v)
        text = f"{names[0]} + … + {names[-1]} ({len(cells)} rows; "
        text += f"non-zero: {nonzero})" if nonzero else "all 0)"
        return total, f"{text} = {_fmt(total)}"
    return total, f"{' + '.join(shown)} = {_fmt(total)}"


def _check(rule: str, scope: str, left: list[Cell], lnames, right: list[Cell], rnames) -> Check:
    lt, ltext = _side(left, lnames)
    rt, rtext = _side(right, rnames)
    ok = abs(lt - rt) < 1e-9
    detail = f"{scope}: {ltext} {'=' if ok else '≠'} {rtext}"
    cells = left + right
    keys = [f"{c.table}/{c.row}/{c.col}" for c in cells]
    blanks = [k for k, c in zip(keys, cells) if c.value is None]
    if blanks:
        detail += f"; blank cells counted as 0: {', '.join(blanks)}"
    return Check(rule, ok, detail, keys)


def run_checks(cells: list[Cell], fmt: str, year: int | None) -> tuple[list[Check], list[str]]:
    by = {(c.table, c.row, c.col): c for c in cells}
    get = by.get
    checks: list[Check] = []
    notes: list[str] = []
    if any(c.table == "requests" for c in cells):
        outcome = OUTCOME_ROWS_2019 if any(("requests", "other", col) in by for col in REQUEST_COLS) \
            else OUTCOME_ROWS_2021
        for col in REQUEST_COLS:
            # R1: new_received + carried_over = results_total + carried_forward
            left = [get(("requests", r, col)) for r in _R1_LEFT]
            right = [get(("requests", r, col)) for r in _R1_RIGHT]
            if all(left) and all(right):
                checks.append(_check("R1", f"requests column {col}", left, _R1_LEFT, right, _R1_RIGHT))
            elif any(left) or any(right):
                missing = [r for r, g in zip(_R1_LEFT + _R1_RIGHT, left + right) if not g]
                notes.append(f"R1 not checked for column {col}: rows not read: {', '.join(missing)}")
            # R2: results_total = sum of the outcome rows
            total = get(("requests", "results_total", col))
            parts = [get(("requests", r, col)) for r in outcome]
            if total and all(parts):
                checks.append(_check("R2", f"requests column {col}", [total], ("results_total",),
                                     parts, outcome))
            elif total or any(parts):
                missing = [r for r, p in zip(outcome, parts) if not p] + ([] if total else ["results_total"])
                notes.append(f"R2 not checked for column {col}: rows not read: {', '.join(missing)}")
        # R3: total = sum of the six applicant columns, every row
        for key in _REQUEST_KEYS:
            total = get(("requests", key, "total"))
            if total is None:
                continue
            parts = [get(("requests", key, c)) for c in APPLICANT_COLS]
            if all(parts):
                checks.append(_check("R3", f"requests row {key}", [total], ("total",), parts, APPLICANT_COLS))
    # R4: total = upheld + corrected + other + pending, every row of appeals
    for key in APPEAL_ROWS:
        total = get(("appeals", key, "total"))
        if total is None:
            continue
        parts = [get(("appeals", key, c)) for c in APPEAL_COLS[:4]]
        if all(parts):
            checks.append(_check("R4", f"appeals row {key}", [total], ("total",), parts, APPEAL_COLS[:4]))
    # R5: the format fits the reporting year
    if year is not None:
        expected = "none" if year <= 2018 else ("2019" if year <= 2020 else "2021")
        ok = fmt == expected
        checks.append(Check("R5", ok, f"reporting year {year} expects format {expected}; "
                                      f"the tables are format {fmt}", []))
    return checks, notes
