"""Document tables -> cells of the three standard tables (active, requests, appeals).

Readers give the cells physically present in each row (no span expansion), so rows are read
from their labels and the value cells that follow the last label, never from column
positions. A row whose numbers do not fit its columns is recovered only when exactly one
reading is possible (using the row's own totals where it has them); otherwise it is reported
in a warning and left out.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import combinations
from math import comb
from operator import attrgetter
from typing import Callable

from .document import Document, Table
from .labels import (
    ACTIVE_COLS, ACTIVE_DEFAULT_COLS, ACTIVE_ROWS, APPEAL_COLS, APPEAL_HEADER_WORDS, APPEAL_ROW_LABELS,
    APPEAL_ROWS, COLUMN_UNIT, EXACT_REQUEST_LABELS, OUTCOME_ROWS_2019, OUTCOME_ROWS_2021, REQUEST_COLS,
    REQUEST_HEADER_WORDS, REQUEST_ROWS,
    cn_number, match_active_col, match_active_row, match_request_row, norm, parse_label_parts,
)
from .flattened import FlatResult, looks_flattened, read_flattened
from .model import Cell
from .nfkc import nfkc
from .values import clean_raw, parse_number

_TRAILING_DIGITS = re.compile(r"^(.*?\D)(\d+)$", re.S)
_INFO_CONTENT = norm("信息内容")
_ITEM = re.compile(r"第二十条第\s*[（(]\s*([一二三四五六七八九十]+)\s*[）)]\s*项")
_MAX_PARTITIONS = 200_000


@dataclass(slots=True)
class Slot:
    raw: str
    value: int | float | None
    blank: bool


_BLANK = Slot("", None, True)
_IS_BLANK = attrgetter("blank")


def _has_numbers(region: list[Slot]) -> bool:
    return not all(map(_IS_BLANK, region))  # (map and attrgetter: no Python frame per slot)


@dataclass(slots=True)
class Row:
    labels: list[str]  # non-empty label cells, cleaned
    region: list[Slot]  # the cells after the last label
    source: list[str]  # the row as printed

    def name(self) -> str:
        return " / ".join(lb.replace("\n", "") for lb in self.labels) or " ".join(
            s.raw.strip() for s in self.region)


@dataclass
class TableResult:
    cells: list[Cell] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    format_votes: dict[str, int] = field(default_factory=lambda: {"2021": 0, "2019": 0})
    found: set[str] = field(default_factory=set)  # which tables were seen


# cell text -> (raw, its Slot, or None for a label): labels and small numbers repeat across
# reports; a Slot is never modified, so one instance serves every row that prints the cell.
_CELL_CACHE: dict[str, tuple[str, Slot | None]] = {}
_CELL_CACHE_MAX = 50_000


def _classify(c: str) -> tuple[str, Slot | None]:
    hit = _CELL_CACHE.get(c)
    if hit is None:
        raw = clean_raw(c)
        ok, value = parse_number(raw)
        hit = (raw, Slot(raw, value, value is None)) if ok else (raw.strip(), None)
        if len(_CELL_CACHE) >= _CELL_CACHE_MAX:
            _CELL_CACHE.clear()
        _CELL_CACHE[c] = hit
    return hit


def _split_row(cells: list[str]) -> Row:
    labels: list[str] = []
    region: list[Slot] = []
    for c in cells:
        if not c:
            region.append(_BLANK)
            continue
        raw, slot = _CELL_CACHE.get(c) or _classify(c)  # the lookup inlined: ~300 cells a report
        if slot is not None:
            region.append(slot)
            continue
        # a label cell: everything before it (blank padding, stray numbers) belongs to labels
        region = []
        if " " in raw or "\u3000" in raw:
            tokens = raw.split()
            tail: list[Slot] = []
            while len(tokens) > 1:
                token_slot = _classify(tokens[-1])[1]
                if token_slot is None or token_slot.blank:
                    break
                tail.append(token_slot)
                tokens.pop()
            if tail:  # numbers printed in the label's cell ("（七）总计 0" in PDF text)
                labels.append(" ".join(tokens))
                region = tail[::-1]
                continue
        labels.append(raw)
    return Row(labels, region, cells)


# ------------------------------------------------------------------ fitting values to columns

Constraint = Callable[[list], bool]


def _r3(values: list) -> bool:
    return (values[6] or 0) == sum(v or 0 for v in values[:6])


def _r4_groups(values: list) -> bool:
    for g in range(0, len(values), 5):
        chunk = values[g:g + 5]
        if (chunk[4] or 0) != sum(v or 0 for v in chunk[:4]):
            return False
    return True


def fit(region: list[Slot], ncols: int, constraint: Constraint | None = None,
        total_last: bool = False) -> tuple[list[Slot] | None, str | None]:
    """Fit a row's value cells to ncols columns: (slots or None, note for a warning)."""
    n = len(region)
    if n == ncols:
        return region, None
    r = list(region)
    # padding blanks (label cells spanned, empty trailing cells) beyond the column count
    while len(r) > ncols and r[-1].blank:
        r.pop()
    while len(r) > ncols and r[0].blank:
        r.pop(0)
    if len(r) == ncols:
        return r, None
    nums = [s for s in r if not s.blank]
    if len(r) > ncols:
        if len(nums) == ncols:
            return nums, f"{len(r)} cells for {ncols} columns; the {ncols} numbers read in order"
        if len(nums) > ncols:
            readings = {}
            for i in range(len(nums) - ncols + 1):
                window = nums[i:i + ncols]
                values = tuple(s.value for s in window)
                if constraint is None or constraint(list(values)):
                    readings.setdefault(values, window)
            if len(readings) == 1:
                window = next(iter(readings.values()))
                return window, (f"{len(nums)} numbers for {ncols} columns; every reading gives the "
                                f"same values")
            return None, (f"{len(nums)} numbers for {ncols} columns and {len(readings)} possible "
                          f"readings; not read")
        return None, f"{len(nums)} numbers in {len(r)} cells for {ncols} columns; not read"
    # fewer cells than columns
    if not nums:
        return None, None
    if len(nums) == 1 and constraint is not None and nums[0].raw.strip().isdigit() \
            and len(nums[0].raw.strip()) >= ncols:
        values, note = split_run_together(nums[0].raw.strip(), ncols, constraint)
        if values is not None:
            return [Slot(str(v), v, False) for v in values], note
    if len(nums) == 1 and total_last:
        return [Slot("", None, True)] * (ncols - 1) + [nums[0]], (
            f"a single number for {ncols} columns, read as the total with the other cells blank")
    return None, f"{len(r)} cells for {ncols} columns; not read"


def split_run_together(digits: str, ncols: int, constraint: Constraint | None) -> tuple[list | None, str]:
    """Digits printed with no separator ("2100003"): the only reading the constraint allows."""
    n = len(digits)
    if ncols == 1:
        return [int(digits)], "number run into the label"
    if n == ncols and constraint is None:  # one digit per column: the only reading
        return [int(d) for d in digits], f"digits '{digits}' run together, one per column"
    if n < ncols or constraint is None:
        return None, f"digits '{digits}' run together for {ncols} columns; not read"
    if comb(n - 1, ncols - 1) > _MAX_PARTITIONS:
        return None, f"digits '{digits}' run together: too many readings; not read"
    readings = set()
    for cuts in combinations(range(1, n), ncols - 1):
        bounds = (0, *cuts, n)
        parts = [digits[bounds[k]:bounds[k + 1]] for k in range(ncols)]
        if any(len(p) > 1 and p[0] == "0" for p in parts):
            continue
        values = [int(p) for p in parts]
        if constraint(values):
            readings.add(tuple(values))
            if len(readings) > 1:
                break
    if len(readings) == 1:
        return list(next(iter(readings))), f"digits '{digits}' run together; one reading fits the row's total"
    if not readings:
        return None, f"digits '{digits}' run together; no reading fits the row's total; not read"
    return None, f"digits '{digits}' run together; several readings fit the row's total; not read"


def _run_together(row: Row) -> tuple[list[str], str] | None:
    """(labels with the digits removed, digits) when the last label ends in a number."""
    if not row.labels or _has_numbers(row.region):
        return None
    last = nfkc(row.labels[-1]).strip()
    m = _TRAILING_DIGITS.match(last)
    if not m or len(norm(m.group(1))) < 2:
        return None
    return row.labels[:-1] + [m.group(1)], m.group(2)


# ------------------------------------------------------------------ the three tables

_CTX_WORDS = (
    ("appeals", ("行政复议", "复议后起诉", "未经复议直接起诉", "结果维持")),
    ("requests", ("自然人", "申请人情况", "本年新收", "勾稽关系")),
    ("active", ("第二十条", "信息内容")),
)


def _row_context(row: Row) -> str | None:
    return _labels_context("".join(row.labels)) if row.labels else None


# Cached on a row's labels: the official ones repeat in every report.
@lru_cache(maxsize=4096)
def _is_request_header(labels: tuple[str, ...]) -> bool:
    normalised = [norm(lb) for lb in labels]
    return not REQUEST_HEADER_WORDS.isdisjoint(normalised) or any("勾稽" in w for w in normalised)


@lru_cache(maxsize=4096)
def _labels_context(joined: str) -> str | None:
    for ctx, words in _CTX_WORDS:
        for w in words:
            if w in joined:
                return ctx
    return None


class _Builder:
    def __init__(self) -> None:
        self.res = TableResult()
        self.seen: set[tuple[str, str, str]] = set()
        # requests state
        self.req_expect = 0
        self.req_group: int | None = None
        self.req_taken: set[int] = set()
        # active state
        self.act_cols: tuple[str, ...] | None = None
        self.act_item: int | None = None
        # appeals state
        self.app_next = 0
        self.fuzzy_budget = _FUZZY_BUDGET
        self.suppressed = 0

    def warn(self, msg: str) -> None:
        if len(self.res.warnings) < _MAX_WARNINGS:
            self.res.warnings.append(msg)
        else:
            self.suppressed += 1

    def emit(self, table: str, row: str, cols, slots: list[Slot]) -> None:
        if (table, row) in self.seen:
            self.warn(f"{table}/{row}: printed twice; the first reading is kept")
            return
        self.seen.add((table, row))
        append = self.res.cells.append
        for col, slot in zip(cols, slots):
            append(Cell(table, row, col, slot.value, slot.raw))

    def flattened(self, flat: FlatResult) -> None:
        """The rows of a table flattened to text (parsers.flattened): the cells it could read."""
        for msg in flat.warnings:
            self.warn(msg)
        if flat.fmt:
            self.res.format_votes[flat.fmt] += 1
        for (table, key), cells in flat.rows.items():
            self.res.found.add(table)
            self.emit(table, key, [c.col for c in cells], [Slot(c.raw, c.value, c.value is None) for c in cells])

    # -- active ---------------------------------------------------------------------------
    def active(self, row: Row) -> None:
        joined = "".join(row.labels)
        if "第二十条" in joined:
            m = _ITEM.search(joined)
            self.act_item = None
            if m:
                self.act_item = cn_number(m.group(1))
            self.act_cols = None
            rest = [lb for lb in row.labels if "第二十条" not in lb]
            if not rest:
                return
            row = Row(rest, row.region, row.source)  # header cells printed on the same line
        header = bool(row.labels) and norm(row.labels[0]) == _INFO_CONTENT
        if not header and row.labels and all(norm(lb) in ACTIVE_COLS for lb in row.labels):
            header = True  # a column header row printed without 信息内容
            row = Row(["信息内容", *row.labels], row.region, row.source)
        if header:
            cols = []
            for lb in row.labels[1:]:
                hit, _ = match_active_col(norm(lb))
                if hit is None:
                    self.warn(f"active: column label '{lb}' not recognised")
                    cols.append(None)
                    continue
                cols.append(hit[0])
                if hit[1]:
                    self.res.format_votes[hit[1]] += 1
            self.act_cols = tuple(cols)
            self.res.found.add("active")
            return
        if not row.labels:
            if _has_numbers(row.region):
                self.warn(f"active: numbers without a label ({row.name()}); not read")
            return
        key, conf = match_active_row(norm(row.labels[-1]))
        if key is None and len(row.labels) > 1:
            key, conf = match_active_row(norm("".join(row.labels)))
        if key is None:
            if row.region:
                self.warn(f"active: row '{row.name()}' not recognised; not read")
            return
        if conf < 1.0:
            self.warn(f"active: label '{row.labels[-1]}' read as {key}")
        self.res.found.add("active")
        cols = self.act_cols
        if not cols or None in cols:
            fmt = "2019" if self.res.format_votes["2019"] > self.res.format_votes["2021"] else "2021"
            cols = ACTIVE_DEFAULT_COLS[fmt].get(key) or ACTIVE_DEFAULT_COLS["2019"].get(key)
            if key in ("other_external_services", "centralized_procurement"):
                self.res.format_votes["2019"] += 1
        rt = _run_together(row)
        if rt is not None:
            values, note = split_run_together(rt[1], len(cols), None)
            self.warn(f"active/{key}: {note}")
            if values is None:
                return
            self.emit("active", key, cols, [Slot(str(v), v, False) for v in values])
            return
        slots, note = fit(row.region, len(cols))
        if note:
            self.warn(f"active/{key} ('{row.name()}'): {note}")
        if slots is None:
            if not note:
                self.warn(f"active/{key}: no values printed; not read")
            return
        # amounts in the unit of their column ("0.5万元" in 万元, "251000元" in 元)
        slots = [Slot(sl.raw, parse_number(sl.raw, COLUMN_UNIT[c])[1], sl.blank) if c in COLUMN_UNIT else sl
                 for sl, c in zip(slots, cols)]
        self.emit("active", key, cols, slots)

    # -- requests -------------------------------------------------------------------------
    def requests(self, row: Row) -> None:
        self.res.found.add("requests")
        if not row.labels:
            if _has_numbers(row.region):
                self.warn(f"requests: numbers without a label ({row.name()}); not read")
            return
        if _is_request_header(tuple(row.labels)):
            return
        rt = _run_together(row)
        labels = rt[0] if rt else row.labels
        parts = parse_label_parts(tuple(labels))
        if rt is None and not _has_numbers(row.region) and len(row.region) < len(REQUEST_COLS):
            # a label-only row: it opens a group ("（三）不予公开" printed on its own), or it is
            # the row the table expects next printed with no numbers at all (blank cells lost)
            if parts.group is not None:
                self.req_group = parts.group
            idx, _, how = match_request_row(parts, self.req_expect, self.req_group, self.req_taken,
                                            fuzzy=False)
            r = REQUEST_ROWS[idx] if idx is not None else None
            if how == "exact" and idx == self.req_expect and (r.sub is not None or r.top is not None):
                self.req_taken.add(idx)
                self.req_expect = idx + 1
                self.warn(f"requests/{r.key} ('{row.name()}'): no numbers printed; read as blank")
                self.emit("requests", r.key, REQUEST_COLS, [_BLANK] * len(REQUEST_COLS))
            return
        idx, conf, how = match_request_row(parts, self.req_expect, self.req_group, self.req_taken,
                                           fuzzy=self.fuzzy_budget > 0)
        if how != "exact":
            self.fuzzy_budget -= 1
        if idx is None:
            self.warn(f"requests: row '{row.name()}' not recognised ({how}); not read")
            return
        r = REQUEST_ROWS[idx]
        if how == "fuzzy":
            self.warn(f"requests: label '{row.name()}' read as {r.key}")
        if parts.gtext and r.glabel and parts.group == r.group and parts.gtext != r.glabel \
                and parts.text != parts.gtext:
            self.warn(f"requests: group label '{parts.gtext}' printed for （{_cn(r.group)}）{_GROUP_NAMES.get(r.group, '')};"
                      f" the row is read by its number and sub-rows as {r.key}")
        self.req_taken.add(idx)
        self.req_expect = idx + 1
        if r.group is not None:
            self.req_group = r.group
        if r.key == "other":
            self.res.format_votes["2019"] += 1
        elif r.key.startswith("other."):
            self.res.format_votes["2021"] += 1
        if rt is not None:
            values, note = split_run_together(rt[1], len(REQUEST_COLS), _r3)
            self.warn(f"requests/{r.key}: {note}")
            if values is None:
                return
            self.emit("requests", r.key, REQUEST_COLS, [Slot(str(v), v, False) for v in values])
            return
        slots, note = fit(row.region, len(REQUEST_COLS), _r3, total_last=True)
        if note:
            self.warn(f"requests/{r.key} ('{row.name()}'): {note}")
        if slots is None:
            return
        self.emit("requests", r.key, REQUEST_COLS, slots)

    # -- appeals --------------------------------------------------------------------------
    def appeals(self, row: Row) -> None:
        self.res.found.add("appeals")
        has_numbers = _has_numbers(row.region)
        key = None
        if row.labels:
            nl = [norm(lb) for lb in row.labels]
            keys = {APPEAL_ROW_LABELS[w] for w in nl if w in APPEAL_ROW_LABELS}
            headerish = sum(1 for w in nl if w in APPEAL_HEADER_WORDS)
            if len(keys) == 1 and headerish == 0:
                key = keys.pop()
            elif not has_numbers:
                return  # header rows
            rt = _run_together(row)
            if rt is not None and key is None and len(keys) == 0:
                values, note = split_run_together(rt[1], 15, _r4_groups)
                self.warn(f"appeals: {note}")
                if values is not None:
                    for i, k in enumerate(APPEAL_ROWS):
                        self.emit("appeals", k, APPEAL_COLS,
                                  [Slot(str(v), v, False) for v in values[i * 5:i * 5 + 5]])
                    self.app_next = 3
                return
        if not row.region or (not has_numbers and len(row.region) not in (5, 15)):
            return
        if key is not None:
            slots, note = fit(row.region, 5, _r4_groups)
            if note:
                self.warn(f"appeals/{key}: {note}")
            if slots is not None:
                self.emit("appeals", key, APPEAL_COLS, slots)
                self.app_next = APPEAL_ROWS.index(key) + 1
            return
        nums = [s for s in row.region if not s.blank]
        if len(nums) == 1 and nums[0].raw.strip().isdigit() and len(nums[0].raw.strip()) >= 5:
            digits = nums[0].raw.strip()
            width = 5 * (len(APPEAL_ROWS) - self.app_next) if len(digits) >= 15 else 5
            if width > 0:
                values, note = split_run_together(digits, width, _r4_groups)
                self.warn(f"appeals: {note}")
                if values is not None:
                    for i in range(width // 5):
                        self.emit("appeals", APPEAL_ROWS[self.app_next], APPEAL_COLS,
                                  [Slot(str(v), v, False) for v in values[i * 5:i * 5 + 5]])
                        self.app_next += 1
                return
        remaining = len(APPEAL_ROWS) - self.app_next
        if remaining <= 0:
            if has_numbers:
                self.warn(f"appeals: extra row of numbers ({row.name()}); not read")
            return
        width = 5 * remaining if len([s for s in row.region if not s.blank]) > 5 or len(row.region) > 5 else 5
        slots, note = fit(row.region, width, _r4_groups)
        if note:
            self.warn(f"appeals ('{row.name()}'): {note}")
        if slots is None:
            return
        for i in range(width // 5):
            self.emit("appeals", APPEAL_ROWS[self.app_next], APPEAL_COLS, slots[i * 5:i * 5 + 5])
            self.app_next += 1


_GROUP_NAMES = {1: "予以公开", 2: "部分公开", 3: "不予公开", 4: "无法提供", 5: "不予处理", 6: "其他处理", 7: "总计"}


def _cn(n: int | None) -> str:
    return "一二三四五六七八九十"[n - 1] if n and 1 <= n <= 10 else str(n)


_PARA_MAX = 160
_MAX_LABEL = 80  # a wrapped label is joined back only up to this length
_FUZZY_BUDGET = 60  # rows per report matched by similarity; past that only exact labels
_MAX_WARNINGS = 200


def paragraph_row(p: str) -> Row | None:
    """A paragraph inside a table section, as a row of whitespace-separated cells: text that
    lost its table structure (one cell per paragraph, PDF lines, "label 0 0 0" lines)."""
    if len(p) > _PARA_MAX:
        return None
    return _split_row(clean_raw(p).split())


_STARTER_WORDS = frozenset(ACTIVE_ROWS) | frozenset(APPEAL_ROW_LABELS) | {norm("信息内容")}
_HEADER_WORDS = REQUEST_HEADER_WORDS | APPEAL_HEADER_WORDS | frozenset(ACTIVE_COLS)


def _label_kind(label: str) -> str:
    """How a label that follows a label-only row relates to it: "starter" (a new row),
    "header" (another header cell of the same row) or "fragment" (the rest of a wrapped label)."""
    if "第二十条" in label:
        return "starter"
    parts = parse_label_parts((label,))
    if parts.top is not None or parts.group is not None or parts.sub is not None:
        return "starter"
    n = norm(label)
    if n in _STARTER_WORDS:
        return "starter"
    if n in _HEADER_WORDS or "勾稽" in n or n.startswith(_FEE_COL):
        return "header"
    if n in EXACT_REQUEST_LABELS:
        return "starter"
    return "fragment"


_FEE_COL = norm("本年收费金额")


class _Assembler:
    """Joins the pieces of a row split across lines (PDF text wraps, one cell per paragraph):
    numbers with no label continue the row before them, and a label-only row continues with
    the header cells or label fragments that follow it."""

    def __init__(self, builder: "_Builder") -> None:
        self.b = builder
        self.pending: Row | None = None
        self.ctx: str | None = None

    def feed(self, ctx: str, row: Row) -> None:
        p = self.pending
        if p is not None and ctx == self.ctx:
            if not row.labels:
                if p.labels and not _has_numbers(p.region) and not _has_numbers(row.region) \
                        and len(row.region) >= 5 and all(_label_kind(lb) != "fragment" for lb in p.labels):
                    # a row of blank cells under a header row is a data row of its own (an
                    # appeals table printed with no number at all), not the header's cells
                    self.flush()
                    self.pending, self.ctx = Row([], list(row.region), row.source), ctx
                    return
                if sum(1 for x in p.region if not x.blank) < self.capacity(ctx):
                    p.region = p.region + row.region
                    return
                self.flush()  # the row is complete: these numbers are something else
                self.pending, self.ctx = Row([], list(row.region), row.source), ctx
                return
            if p.labels and p.region and not _has_numbers(row.region) \
                    and all(_label_kind(lb) == "fragment" for lb in row.labels):
                # the rest of a data row's wrapped label cells, printed as a row of its own
                # (a PDF table row taller than its numbers): joined cell by cell
                if len(row.labels) == len(p.labels):
                    p.labels = [a + b for a, b in zip(p.labels, row.labels)]
                else:
                    p.labels = p.labels[:-1] + [p.labels[-1] + "".join(row.labels)]
                return
            if not _has_numbers(p.region) and p.labels and len(p.region) < self.capacity(ctx):
                kind = _label_kind(row.labels[0])
                if kind == "header":
                    p.labels = p.labels + row.labels
                    p.region = row.region
                    return
                if kind == "fragment" and len(p.labels[-1]) + len(row.labels[0]) <= _MAX_LABEL:
                    p.labels = p.labels[:-1] + [p.labels[-1] + row.labels[0]] + row.labels[1:]
                    p.region = row.region
                    return
        self.flush()
        # Taken as it is: a row's lists are never changed in place (joining a piece replaces
        # them), and the caller is done with the row.
        self.pending = row
        self.ctx = ctx

    def capacity(self, ctx: str) -> int:
        """How many numbers a row of this table holds."""
        if ctx == "requests":
            return len(REQUEST_COLS)
        if ctx == "appeals":
            return 5 * max(1, len(APPEAL_ROWS) - self.b.app_next)
        return len(self.b.act_cols) if self.b.act_cols else 3

    def flush(self) -> None:
        if self.pending is not None:
            getattr(self.b, self.ctx)(self.pending)
            self.pending = None


def _warn_unread_rows(b: _Builder, announced: set[str]) -> None:
    """A table that was found (or that a section heading announced) and whose rows were not
    all read says which: a row lost without any other warning would otherwise pass silently."""
    outcome = OUTCOME_ROWS_2019 if b.res.format_votes["2019"] > b.res.format_votes["2021"] else OUTCOME_ROWS_2021
    expected = {"requests": ("new_received", "carried_over", *outcome, "results_total", "carried_forward"),
                "appeals": APPEAL_ROWS}
    for table, rows in expected.items():
        missing = [f"{table}/{row}" for row in rows if (table, row) not in b.seen]
        if missing and (table in b.res.found or table in announced):
            b.warn(f"{table}: rows not read: {', '.join(missing)}")


def extract_tables(doc: Document, heading_ctx: dict[int, str] | None = None) -> TableResult:
    """All cells of the standard tables. heading_ctx maps a block index to the table kind its
    section heading announces (used until a row's own labels say otherwise)."""
    b = _Builder()
    asm = _Assembler(b)
    ctx: str | None = None
    for bi, block in enumerate(doc.blocks):
        if isinstance(block, Table):
            rows = [_split_row(cells) for cells in block.rows]
        else:
            # (a heading run into its flattened tables too); given the NFKC text it would make,
            # as its own normalisation is the slow one (parsers.nfkc)
            if looks_flattened(nfkc(block)):
                asm.flush()
                b.flattened(read_flattened(block))
                ctx = None
                continue
            if heading_ctx and bi in heading_ctx:
                asm.flush()
                ctx = heading_ctx[bi] or None
                continue
            row = paragraph_row(block) if ctx else None
            if row is None:
                asm.flush()
                continue
            rows = [row]
        for row in rows:
            new_ctx = _row_context(row)
            if new_ctx is not None and new_ctx != ctx:
                asm.flush()
                ctx = new_ctx
            if ctx:
                asm.feed(ctx, row)
    asm.flush()
    _warn_unread_rows(b, set((heading_ctx or {}).values()))
    if b.suppressed:
        b.res.warnings.append(f"… and {b.suppressed} more table warnings")
    return b.res
