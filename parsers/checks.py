"""Consistency rules (勾稽关系) R1-R5 over a report's cells.

Each check names every cell involved (Cell.key) and both sides of its equation. Blank cells
count as 0 in a sum and the detail says so. Printed numbers are never corrected: a report
whose numbers break a rule fails that check.
"""
from __future__ import annotations

from dataclasses import dataclass

from .labels import APPEAL_COLS, APPEAL_ROWS, OUTCOME_ROWS_2019, OUTCOME_ROWS_2021, REQUEST_COLS, REQUEST_ROWS
from .model import Cell, Check

_REQUEST_KEYS = tuple(r.key for r in REQUEST_ROWS)
APPLICANT_COLS = REQUEST_COLS[:6]
_R1_LEFT = ("new_received", "carried_over")
_R1_RIGHT = ("results_total", "carried_forward")
_R4_PARTS = APPEAL_COLS[:4]

Address = tuple[str, str, str]  # (table, row, col)


@dataclass(frozen=True, slots=True)
class _Equation:
    """One equation a rule checks: its scope text, the cells of both sides, and their keys.
    All are built once at import, so a report's ~40 checks only look their cells up (building
    the address tuples and key texts per report cost a third of run_checks)."""
    scope: str
    left: tuple[Address, ...]
    right: tuple[Address, ...]
    keys: tuple[str, ...]  # Cell.key of every cell, left then right


def _equation(scope: str, left: tuple[Address, ...], right: tuple[Address, ...]) -> _Equation:
    return _Equation(scope, left, right, tuple("/".join(address) for address in left + right))


def _column(table: str, rows: tuple[str, ...], col: str) -> tuple[Address, ...]:
    return tuple((table, row, col) for row in rows)


def _row(table: str, row: str, cols: tuple[str, ...]) -> tuple[Address, ...]:
    return tuple((table, row, col) for col in cols)


# R1 and R2 per requests column (R2 for each format's outcome rows), R3 per requests row,
# R4 per appeals row.
_R1 = tuple(_equation(f"requests column {col}", _column("requests", _R1_LEFT, col),
                      _column("requests", _R1_RIGHT, col)) for col in REQUEST_COLS)
_R2 = {outcome: tuple(_equation(f"requests column {col}", (("requests", "results_total", col),),
                                _column("requests", outcome, col)) for col in REQUEST_COLS)
       for outcome in (OUTCOME_ROWS_2019, OUTCOME_ROWS_2021)}
_R3 = tuple(_equation(f"requests row {key}", (("requests", key, "total"),),
                      _row("requests", key, APPLICANT_COLS)) for key in _REQUEST_KEYS)
_R4 = tuple(_equation(f"appeals row {key}", (("appeals", key, "total"),),
                      _row("appeals", key, _R4_PARTS)) for key in APPEAL_ROWS)
_OTHER_2019 = _row("requests", "other", REQUEST_COLS)  # the 2019 format's single 其他处理 row


def _fmt(v) -> str:
    if v is None:
        return "0"
    if isinstance(v, float):
        return f"{v:g}"
    return str(v)


def _side(cells: list[Cell], names: tuple[str, ...]) -> tuple[float, str, bool]:
    """(sum, text, whether a cell is blank). Hot (some 40 checks a report): one pass summing
    and formatting, ints without a call to _fmt, a one-cell side (the total that most rules
    compare with) without a list, and a long side formats its non-zero cells only."""
    if len(cells) == 1:
        v = cells[0].value
        if v is None:
            return 0, f"{names[0]} {_fmt(v)}", True
        return v, (f"{names[0]} {v}" if type(v) is int else f"{names[0]} {_fmt(v)}"), False
    total = 0
    blank = False
    shown = []
    long = len(cells) > 6
    for n, c in zip(names, cells):
        v = c.value
        if type(v) is int:
            total += v
            if v or not long:
                shown.append(f"{n} {v}")
        elif v is None:
            blank = True
            if not long:
                shown.append(f"{n} {_fmt(v)}")
        else:
            total += v
            if v or not long:
                shown.append(f"{n} {_fmt(v)}")
    if long:
        nonzero = ", ".join(shown)
        text = f"{names[0]} + … + {names[-1]} ({len(cells)} rows; "
        text += f"non-zero: {nonzero})" if nonzero else "all 0)"
        return total, f"{text} = {_fmt(total)}", blank
    return total, f"{' + '.join(shown)} = {total if type(total) is int else _fmt(total)}", blank


def _check(rule: str, equation: _Equation, left: list[Cell], lnames, right: list[Cell],
           rnames) -> Check:
    lt, ltext, lblank = _side(left, lnames)
    rt, rtext, rblank = _side(right, rnames)
    ok = abs(lt - rt) < 1e-9
    detail = f"{equation.scope}: {ltext} {'=' if ok else '≠'} {rtext}"
    keys = list(equation.keys)
    if lblank or rblank:
        blanks = [k for k, c in zip(keys, left + right) if c.value is None]
        detail += f"; blank cells counted as 0: {', '.join(blanks)}"
    return Check(rule, ok, detail, keys)


def run_checks(cells: list[Cell], fmt: str, year: int | None) -> tuple[list[Check], list[str]]:
    get = {(c.table, c.row, c.col): c for c in cells}.get
    checks: list[Check] = []
    notes: list[str] = []
    if any(c.table == "requests" for c in cells):
        outcome = OUTCOME_ROWS_2019 if any(map(get, _OTHER_2019)) else OUTCOME_ROWS_2021
        for col, r1, r2 in zip(REQUEST_COLS, _R1, _R2[outcome]):
            # R1: new_received + carried_over = results_total + carried_forward
            left = [get(a) for a in r1.left]
            right = [get(a) for a in r1.right]
            if all(left) and all(right):
                checks.append(_check("R1", r1, left, _R1_LEFT, right, _R1_RIGHT))
            elif any(left) or any(right):
                missing = [r for r, g in zip(_R1_LEFT + _R1_RIGHT, left + right) if not g]
                notes.append(f"R1 not checked for column {col}: rows not read: {', '.join(missing)}")
            # R2: results_total = sum of the outcome rows
            total = get(r2.left[0])
            parts = [get(a) for a in r2.right]
            if total and all(parts):
                checks.append(_check("R2", r2, [total], ("results_total",), parts, outcome))
            elif total or any(parts):
                missing = [r for r, p in zip(outcome, parts) if not p] + ([] if total else ["results_total"])
                notes.append(f"R2 not checked for column {col}: rows not read: {', '.join(missing)}")
        # R3: total = sum of the six applicant columns, every row
        for r3 in _R3:
            total = get(r3.left[0])
            if total is None:
                continue
            parts = [get(a) for a in r3.right]
            if all(parts):
                checks.append(_check("R3", r3, [total], ("total",), parts, APPLICANT_COLS))
    # R4: total = upheld + corrected + other + pending, every row of appeals
    for r4 in _R4:
        total = get(r4.left[0])
        if total is None:
            continue
        parts = [get(a) for a in r4.right]
        if all(parts):
            checks.append(_check("R4", r4, [total], ("total",), parts, _R4_PARTS))
    # R5: the format fits the reporting year
    if year is not None:
        expected = "none" if year <= 2018 else ("2019" if year <= 2020 else "2021")
        ok = fmt == expected
        checks.append(Check("R5", ok, f"reporting year {year} expects format {expected}; "
                                      f"the tables are format {fmt}", []))
    return checks, notes
