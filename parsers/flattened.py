"""Tables flattened to text: every cell run together with no separator, as text_content() of
an HTML table, many scrapers and copy-paste give them ("…规章000行政规范性文件1204537…",
"一、本年新收政府信息公开申请数量5610000057二、上年结转…").

The labels survive, so each row's numbers are one run of digits (or a few runs, where spaces
survived) with a known number of cells. A run is split into its cells by a bounded search over
the places to cut it: no leading zeros, a decimal point only in an amount column, a sign only
in a change column, and every rule the cells obey (R3 per requests row, R4 per appeals group,
then R1/R2 per requests column over the rows together). A cell is read only when every split
that satisfies all of them agrees on it; the others stay unread, with a warning naming the row
and the candidate splits. A blank cell lost in flattening leaves too few digits or breaks a
rule: it is never filled with a guess.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .labels import ACTIVE_DEFAULT_COLS, APPEAL_COLS, APPEAL_ROWS, COLUMN_UNIT, REQUEST_COLS
from .nfkc import nfkc
from .values import clean_raw, parse_number

# Keywords that name each row inside its (official or variant) label, in table order.
_ACTIVE_KEYWORDS = (
    ("regulations", "规章"), ("normative_documents", "规范性文件"), ("licensing", "行政许可"),
    ("other_external_services", "其他对外管理服务"), ("penalty", "行政处罚"), ("enforcement", "行政强制"),
    ("fees", "事业性收费"), ("centralized_procurement", "集中采购"),
)
_REQUEST_KEYWORDS = (
    ("new_received", "本年新收"), ("carried_over", "上年结转"), ("granted", "予以公开"),
    ("partially_granted", "部分公开"), ("denied.state_secret", "国家秘密"),
    ("denied.prohibited_by_law", "禁止公开"), ("denied.three_safety", "三安全"),
    ("denied.third_party_rights", "第三方"), ("denied.internal_affairs", "内部事务"),
    ("denied.process_info", "过程性"), ("denied.enforcement_file", "执法案卷"),
    ("denied.administrative_query", "行政查询"), ("unavailable.not_held", "不掌握"),
    ("unavailable.not_created", "另行制作"), ("unavailable.unclear", "不明确"),
    ("not_processed.petition", "信访"), ("not_processed.duplicate", "重复申请"),
    ("not_processed.publication", "出版物"), ("not_processed.excessive", "大量反复"),
    ("not_processed.confirm_or_reissue", "确认或"), ("other", "其他处理"),
    ("other.no_correction", "不补正"), ("other.fee_unpaid", "缴纳费用"), ("other.other", "其[他它]"),
    ("results_total", "总计|合计"), ("carried_forward", "结转下年度"),
)
_ACTIVE_KEYWORDS = tuple((key, re.compile(word)) for key, word in _ACTIVE_KEYWORDS)
_REQUEST_KEYWORDS = tuple((key, re.compile(word)) for key, word in _REQUEST_KEYWORDS)
_REQUEST_START = re.compile("本列数据|申请人情况|本年新收")
_ACTIVE_START = re.compile("第二十条")
_APPEALS_START = re.compile("行政复议|结果维持")
_APPEALS_HEADER_END = re.compile(".*(?:总计|尚未审结|尚未结案|复议后起诉)", re.S)
_SECTION_END = re.compile(r"[五5]\s*[、.]\s*\S{0,12}(?:存在|问题)|存在的主要问题")
# A number as flattened text prints it; digits followed by a unit word or after 第 are words.
_TOKEN = re.compile(r"(?:[+\-](?=\d))?\d(?:[\d.]|[+\-](?=\d))*+")
_WORD_AFTER = re.compile(r"\s*[年月日号件个项条位%]")
# A table keyword run into digits (a row label and its cells), not into a unit (a sentence).
_RUN_INTO_DIGITS = re.compile(
    r"(?:数量|规章|文件|许可|处罚|强制|收费|审结|结案|总计|公开|秘密|办理|申请|信息|事项|案卷|权益|制作|明确|"
    r"稳定|出版物|其他|其它|情形[)）])\s?\d[\d.]*+(?!\s*[年月日号件个项条位%])")
_MIN_RUNS = 3  # keyword-digit junctions that make a paragraph a flattened table
# The appeals table alone: its header words, then digits.
_APPEALS_RUN = re.compile(r"结果维持.*(?:总计|审结|结案)\s?\d", re.S)

_PART = {
    "count": re.compile(r"0|[1-9]\d{0,6}"),
    "nonzero": re.compile(r"[1-9]\d{0,6}"),  # a cell of a table printing only non-zero cells
    "amount": re.compile(r"(?:0|[1-9]\d{0,11})(?:\.\d{1,6})?"),
    "change": re.compile(r"[+\-]?(?:0|[1-9]\d{0,6})"),
}
_MAX_PART = {"count": 7, "nonzero": 7, "amount": 18, "change": 8}
_SEARCH_BUDGET = 20_000  # nodes of one run's split search (real rows take < 1,000)
_PARAGRAPH_BUDGET = 60_000  # nodes of every split search of one flattened paragraph (real: < 6,000)
_MAX_READINGS = 64  # distinct readings of one row kept
_JOINT_BUDGET = 20_000  # nodes of the joint (R1/R2) search over a table's ambiguous rows
_SHOWN = 4  # candidate splits named in a warning
_SHOWN_DIGITS = 40  # digits of a run quoted in a warning


@dataclass
class FlatCell:
    col: str
    raw: str
    value: int | float | None


@dataclass
class FlatResult:
    rows: dict[tuple[str, str], list[FlatCell]] = field(default_factory=dict)  # (table, row) -> cells read
    warnings: list[str] = field(default_factory=list)
    fmt: str | None = None


def looks_flattened(text: str) -> bool:
    """A paragraph holding table rows run together (label then digits, several times)."""
    if len(text) <= 30:
        return False
    text = nfkc(text)
    return len(_RUN_INTO_DIGITS.findall(text)) >= _MIN_RUNS or bool(_APPEALS_RUN.search(text))


def read_flattened(text: str) -> FlatResult:
    return _Reader(text).read()


# ------------------------------------------------------------------ numbers of each row

def _tokens(text: str, start: int, end: int) -> list[list[str]]:
    """The number runs in text[start:end], grouped: runs separated only by spaces are one group
    (their separation is a cell boundary that survived); text between runs starts a new group."""
    groups: list[list[str]] = []
    last_end = None
    for m in _TOKEN.finditer(text, start, end):
        token = m.group(0)
        if text[m.start() - 1:m.start()] == "第" or _WORD_AFTER.match(text, m.end()):
            continue
        if token.endswith(".") or text[m.end():m.end() + 1] == "、":
            token = token.rstrip(".")[:-1]  # "00000002." : the next sub-row's ordinal glued on
        token = token.rstrip(".")
        if not token:
            last_end = None
            continue
        if last_end is not None and not text[last_end:m.start()].strip():
            groups[-1].append(token)
        else:
            groups.append([token])
        last_end = m.end()
    return groups


def _locate(text: str, start: int, end: int, keywords) -> list[tuple[str, int, int]]:
    """(row, keyword start, keyword end) of each row found, searched in table order."""
    found, pos = [], start
    for key, pattern in keywords:
        m = pattern.search(text, pos, end)
        if m:
            found.append((key, m.start(), m.end()))
            pos = m.end()
    return found


def _row_runs(text: str, start: int, end: int, keywords) -> list[tuple[str, list[list[str]]]]:
    located = _locate(text, start, end, keywords)
    return [(key, _tokens(text, kw_end, located[i + 1][1] if i + 1 < len(located) else end))
            for i, (key, _, kw_end) in enumerate(located)]


# ------------------------------------------------------------------ splitting one run

def _kind(col: str) -> str:
    return "amount" if col in COLUMN_UNIT else "change" if col == "change" else "count"


def split_runs(tokens: list[str], kinds: tuple[str, ...], sum_groups: tuple[tuple[int, int], ...] = (),
               budget: list[int] | None = None) -> list[tuple[str, ...]] | None:
    """Every way to cut the tokens into len(kinds) parts (a part never spans two tokens) that
    obeys the parts' kinds and, for each (first, last) group, part[last] = sum(part[first:last]).
    None when the search exceeds its budget (nodes, shared by the caller's runs when given)."""
    n = len(kinds)
    total_of = {last: first for first, last in sum_groups}
    out: list[tuple[str, ...]] = []
    parts: list[str] = []
    budget = budget if budget is not None else [_SEARCH_BUDGET]
    lengths = [len(t) for t in tokens]
    after = [sum(lengths[t:]) for t in range(len(tokens) + 1)]  # characters from token t on
    room = [sum(_MAX_PART[k] for k in kinds[j:]) for j in range(n + 1)]  # most the parts from j hold
    if after[0] > room[0] or after[0] < n:
        return []

    def rest_chars(t: int, off: int) -> int:
        return after[t] - off

    def walk(j: int, t: int, off: int) -> bool:
        budget[0] -= 1
        if budget[0] < 0:
            return False
        if j == n:
            if t == len(tokens):
                out.append(tuple(parts))
            return len(out) <= _MAX_READINGS
        if t == len(tokens) or not n - j <= rest_chars(t, off) <= room[j] or len(tokens) - t > n - j:
            return True
        token = tokens[t]
        kind = kinds[j]
        if j in total_of:
            total = sum(int(p) for p in parts[total_of[j]:j])
            choices = [str(total)] if token.startswith(str(total), off) else []
        else:
            choices = [token[off:off + L] for L in range(1, min(_MAX_PART[kind], lengths[t] - off) + 1)]
        for part in choices:
            if not _PART[kind].fullmatch(part):
                continue
            end = off + len(part)
            parts.append(part)
            ok = walk(j + 1, t + 1, 0) if end == lengths[t] else walk(j + 1, t, end)
            parts.pop()
            if not ok:
                return False
        return True

    complete = walk(0, 0, 0)
    return out if complete else None


def _too_short(tokens: list[str], cells: int) -> bool:
    """Fewer characters than cells: some cell printed nothing (a blank lost in flattening)."""
    return sum(map(len, tokens)) < cells


def _value(part: str, col: str) -> int | float | None:
    return parse_number(part, COLUMN_UNIT.get(col))[1]


# ------------------------------------------------------------------ the tables

class _Reader:
    def __init__(self, text: str) -> None:
        self.text = nfkc(clean_raw(text))
        self.res = FlatResult()
        self.budget = [_PARAGRAPH_BUDGET]

    def warn(self, msg: str) -> None:
        self.res.warnings.append(msg)

    def read(self) -> FlatResult:
        text = self.text
        req = _REQUEST_START.search(text)
        act = _ACTIVE_START.search(text)
        req_start = req.start() if req else None
        app_from = req.end() if req else (act.end() if act else 0)
        if req:
            carried = re.compile("结转下年度").search(text, req.end())
            app_from = carried.end() if carried else req.end()
        app = _APPEALS_START.search(text, app_from)
        app_start = app.start() if app else None
        end = _SECTION_END.search(text, app_start or 0)
        end = end.start() if end else len(text)
        if act and (req_start is None or act.start() < req_start):
            self.active(act.end(), req_start if req_start is not None else (app_start or end))
        if req_start is not None:
            self.requests(req_start, app_start if app_start is not None else end)
        if app_start is not None:
            self.appeals(app_start, end)
        return self.res

    # -- active: no rule ties its cells, so a run is read only when one split is valid
    def active(self, start: int, end: int) -> None:
        fmt = "2019" if re.search("本年新制作|上一年项目|集中采购", self.text[start:end]) else "2021"
        self.res.fmt = self.res.fmt or fmt
        for key, groups in _row_runs(self.text, start, end, _ACTIVE_KEYWORDS):
            cols = ACTIVE_DEFAULT_COLS[fmt].get(key)
            if cols is None:
                continue
            readings = self._row_readings("active", key, groups, cols, ())
            if readings is not None:
                self._emit("active", key, cols, readings)

    # -- requests: R3 per row, then R1/R2 per column over the rows together
    def requests(self, start: int, end: int) -> None:
        segment = self.text[start:end]
        fmt = "2021" if re.search("不补正|缴纳费用", segment) else "2019" if "其他处理" in segment else "2021"
        self.res.fmt = self.res.fmt or fmt
        # 2021 splits (六)其他处理 into three rows; 2019 prints it as one row
        if fmt == "2019":
            keywords = [kw for kw in _REQUEST_KEYWORDS if not kw[0].startswith("other.")]
        else:
            keywords = [kw for kw in _REQUEST_KEYWORDS if kw[0] != "other"]
        kinds = ("count",) * len(REQUEST_COLS)
        rows: dict[str, list[tuple]] = {}
        runs = _row_runs(self.text, start, end, keywords)
        found = {key for key, _ in runs}
        for key, _ in keywords:
            if key not in found:
                self.warn(f"requests/{key}: its label was not found in the flattened table; not read")
        # a row printing nothing, or too few numbers, shows the table leaves cells blank
        blanks = any(len(groups) != 1 or _too_short(groups[0], len(REQUEST_COLS))
                     for _, groups in runs)
        for key, groups in runs:
            readings = self._row_readings("requests", key, groups, REQUEST_COLS, ((0, 6),), kinds)
            sparse = self._sparse_totals(groups[0]) if blanks and len(groups) == 1 else set()
            if sparse:
                self._total_only(key, sparse | {r[-1][0] for r in readings or ()})
            elif readings is not None:
                rows[key] = readings
        joint = _joint(rows, fmt)
        fit = "fit every rule" if joint else "fit their row's rules (R1/R2 could not be applied)"
        for key, readings in rows.items():
            kept = joint.get(key, readings) if joint else readings
            self._emit("requests", key, REQUEST_COLS, kept, fit)

    # -- appeals: one run of 15 (or three of 5), R4 per group
    def appeals(self, start: int, end: int) -> None:
        header = _APPEALS_HEADER_END.match(self.text, start, end)
        groups = _tokens(self.text, header.end() if header else start, end)
        tokens = [t for g in groups for t in g]
        cols = tuple(f"{row}/{col}" for row in APPEAL_ROWS for col in APPEAL_COLS)
        readings = self._row_readings("appeals", "+".join(APPEAL_ROWS), [tokens] if tokens else [], cols,
                                      ((0, 4), (5, 9), (10, 14)))
        if readings is None:
            return
        for i, row in enumerate(APPEAL_ROWS):
            self._emit("appeals", row, APPEAL_COLS, sorted({r[i * 5:i * 5 + 5] for r in readings}))

    # -- shared
    def _row_readings(self, table: str, key: str, groups: list[list[str]], cols: tuple[str, ...],
                      sums: tuple[tuple[int, int], ...], kinds: tuple[str, ...] | None = None
                      ) -> list[tuple] | None:
        """The row's possible readings as tuples of (raw, value) per column; None when unread."""
        if not groups:
            return [tuple(("", None) for _ in cols)]  # no number printed: every cell blank
        if len(groups) > 1:
            self.warn(f"{table}/{key}: numbers separated by text "
                      f"({' | '.join(' '.join(g) for g in groups)[:_SHOWN_DIGITS]}); not read")
            return None
        kinds = kinds or tuple(_kind(c.split("/")[-1]) for c in cols)
        splits = split_runs(groups[0], kinds, sums, self.budget)
        shown = " ".join(groups[0])
        if len(shown) > _SHOWN_DIGITS:
            shown = shown[:_SHOWN_DIGITS] + "…"
        if splits is None:
            self.warn(f"{table}/{key}: digits '{shown}' run together: too many ways to split them; not read")
            return None
        if not splits:
            why = ("fewer digits than cells: blank cells lost in flattening"
                   if _too_short(groups[0], len(cols)) else
                   f"no split into {len(cols)} cells fits the rules (a blank cell lost, or the row "
                   "breaks a rule)")
            self.warn(f"{table}/{key}: digits '{shown}' run together: {why}; not read")
            return None
        return [tuple((p, _value(p, c.split("/")[-1])) for p, c in zip(s, cols)) for s in splits]

    def _sparse_totals(self, tokens: list[str]) -> set[str]:
        """The row totals of the splits that print fewer than seven cells, as a table whose
        blank cells were lost in flattening gives them (tables printing only non-zero cells):
        the printed cells then end with the total, the sum of the others."""
        return {s[-1] for m in range(2, len(REQUEST_COLS))
                for s in split_runs(tokens, ("nonzero",) * m, ((0, m - 1),), self.budget) or ()}

    def _total_only(self, key: str, totals: set[str]) -> None:
        """A row whose digits also fit with blank cells lost: which columns its numbers belong
        to is not known; its total is read when every split agrees on it."""
        if len(totals) != 1:
            self.warn(f"requests/{key}: digits fit with blank cells lost, totals "
                      f"{sorted(totals)[:_SHOWN]} possible; not read")
            return
        total = totals.pop()
        self.warn(f"requests/{key}: digits fit with blank cells lost in flattening: only the row "
                  f"total {total} is read")
        self.res.rows[("requests", key)] = [FlatCell(REQUEST_COLS[-1], total,
                                                     _value(total, "total"))]

    def _emit(self, table: str, key: str, cols: tuple[str, ...], readings: list[tuple],
              fit: str = "fit every rule") -> None:
        cells, undecided = [], []
        for i, col in enumerate(cols):
            seen = {r[i] for r in readings}
            if len(seen) == 1:
                raw, value = seen.pop()
                cells.append(FlatCell(col, raw, value))
            else:
                undecided.append(col)
        if undecided:
            shown = "; ".join("|".join(raw for raw, _ in r) for r in readings[:_SHOWN])
            more = f" (+{len(readings) - _SHOWN} more)" if len(readings) > _SHOWN else ""
            self.warn(f"{table}/{key}: flattened digits split {len(readings)} ways that {fit} "
                      f"({shown}{more}); cells {', '.join(undecided)} not read")
        self.res.rows[(table, key)] = cells


def _joint(rows: dict[str, list[tuple]], fmt: str) -> dict[str, list[tuple]] | None:
    """The readings of each row that take part in some assignment of every row satisfying R1
    and R2 per column. None when no assignment does (a report whose printed numbers break R1 or
    R2: each row keeps its own readings) or the search runs out of budget."""
    from .labels import OUTCOME_ROWS_2019, OUTCOME_ROWS_2021

    if all(len(r) == 1 for r in rows.values()):
        return None
    outcome = OUTCOME_ROWS_2019 if fmt == "2019" else OUTCOME_ROWS_2021
    r1 = ("new_received", "carried_over", "results_total", "carried_forward")
    if not all(k in rows for k in r1 + outcome):
        return None  # a row not read: the column rules cannot be checked
    order = sorted(rows, key=lambda k: len(rows[k]))
    ncols = len(REQUEST_COLS)

    def num(reading, c):
        return reading[c][1] or 0

    def consistent(assign: dict[str, tuple]) -> bool:
        for c in range(ncols):
            if all(k in assign for k in r1):
                if num(assign[r1[0]], c) + num(assign[r1[1]], c) != num(assign[r1[2]], c) + num(assign[r1[3]], c):
                    return False
            if "results_total" in assign:
                done = [k for k in outcome if k in assign]
                part = sum(num(assign[k], c) for k in done)
                total = num(assign["results_total"], c)
                if part > total or (len(done) == len(outcome) and part != total):
                    return False
        return True

    used: dict[str, set] = {k: set() for k in rows}
    budget = [_JOINT_BUDGET]
    assign: dict[str, tuple] = {}

    def walk(i: int) -> bool:
        budget[0] -= 1
        if budget[0] < 0:
            return False
        if i == len(order):
            for k, r in assign.items():
                used[k].add(r)
            return True
        key = order[i]
        for reading in rows[key]:
            assign[key] = reading
            if consistent(assign) and not walk(i + 1):
                return False
            del assign[key]
        return True

    if not walk(0) or not any(used.values()):
        return None
    return {k: [r for r in rows[k] if r in used[k]] for k in rows}
