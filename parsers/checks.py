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


def _fmt(v) -> str:
    if v is None:
        return "0"
    if isinstance(v, float):
        return f"{v:g}"
    return str(v)


def _eq(a, b) -> bool:
    return abs(a - b) < 1e-9


class _Side:
    """One side of an equation: a sum of cells."""

    def __init__(self, cells: list[Cell], short) -> None:
        self.cells = cells
        self.total = sum(c.value or 0 for c in cells)
        self.blanks = [c for c in cells if c.value is None]
        self.short = short

    def text(self) -> str:
        names = [self.short(c) for c in self.cells]
        if len(names) > 6:
            nonzero = [f"{self.short(c)} {_fmt(c.value)}" for c in self.cells if c.value]
            listed = f"{names[0]} + … + {names[-1]} ({len(names)} cells"
            listed += f"; non-zero: {', '.join(nonzero)})" if nonzero else "; all 0)"
            return f"{listed} = {_fmt(self.total)}"
        if len(names) == 1:
            return f"{names[0]} = {_fmt(self.cells[0].value)}"
        return " + ".join(f"{n} {_fmt(c.value)}" for n, c in zip(names, self.cells)) + f" = {_fmt(self.total)}"


def _check(rule: str, scope: str, left: _Side, right: _Side) -> Check:
    ok = _eq(left.total, right.total)
    blanks = left.blanks + right.blanks
    detail = f"{scope}: {left.text()} {'=' if ok else '≠'} {right.text()}"
    if blanks:
        detail += f"; blank cells counted as 0: {', '.join(left.short(c) for c in blanks)}"
    return Check(rule, ok, detail, [c.key for c in left.cells + right.cells])


def run_checks(cells: list[Cell], fmt: str, year: int | None) -> tuple[list[Check], list[str]]:
    by = {(c.table, c.row, c.col): c for c in cells}
    checks: list[Check] = []
    notes: list[str] = []
    req_present = any(c.table == "requests" for c in cells)
    if req_present:
        rowname = lambda c: c.row  # noqa: E731
        colname = lambda c: c.col  # noqa: E731
        outcome = OUTCOME_ROWS_2019 if any(("requests", "other", col) in by for col in REQUEST_COLS) \
            else OUTCOME_ROWS_2021
        for col in REQUEST_COLS:
            # R1
            need = ("new_received", "carried_over", "results_total", "carried_forward")
            got = [by.get(("requests", r, col)) for r in need]
            if all(got):
                checks.append(_check("R1", f"requests column {col}", _Side(got[:2], rowname),
                                     _Side(got[2:], rowname)))
            elif any(got):
                notes.append(f"R1 not checked for column {col}: rows not read: "
                             f"{', '.join(r for r, g in zip(need, got) if not g)}")
            # R2
            total = by.get(("requests", "results_total", col))
            parts = [by.get(("requests", r, col)) for r in outcome]
            if total and all(parts):
                checks.append(_check("R2", f"requests column {col}", _Side([total], rowname),
                                     _Side(parts, rowname)))
            elif total or any(parts):
                missing = [r for r, p in zip(outcome, parts) if not p] + ([] if total else ["results_total"])
                notes.append(f"R2 not checked for column {col}: rows not read: {', '.join(missing)}")
        # R3
        for key in _REQUEST_KEYS:
            total = by.get(("requests", key, "total"))
            parts = [by.get(("requests", key, c)) for c in APPLICANT_COLS]
            if total and all(parts):
                checks.append(_check("R3", f"requests row {key}", _Side([total], colname),
                                     _Side(parts, colname)))
    # R4
    for key in APPEAL_ROWS:
        total = by.get(("appeals", key, "total"))
        parts = [by.get(("appeals", key, c)) for c in APPEAL_COLS[:4]]
        if total and all(parts):
            checks.append(_check("R4", f"appeals row {key}", _Side([total], lambda c: c.col),
                                 _Side(parts, lambda c: c.col)))
    # R5
    if year is not None:
        expected = "none" if year <= 2018 else ("2019" if year <= 2020 else "2021")
        ok = fmt == expected
        checks.append(Check("R5", ok, f"reporting year {year} expects format {expected}; "
                                      f"the tables are format {fmt}", []))
    return checks, notes
