"""Realistic figures for the replica's reports: the seeds print mostly zeros, so charts were flat.

`with_figures(text, salt)` redraws the requests table (三、收到和处理政府信息公开申请情况) and the
appeals row (四、行政复议、行政诉讼) of a seed's text layout so that R1-R4 hold, puts the total
in the narrative (共收到政府信息公开申请N件, R10), varies the 主动公开 single-figure rows and
leaves some of them blank. Deterministic per salt (the replica's files and ETags stay the same
across restarts). A text whose tables are not in the expected layout comes back unchanged.
"""
from __future__ import annotations

import random
import re

_CELL = re.compile(r"^\t(\[bookmark:[^\]]*\])?(\d+)(\s*)$")
_REQUESTS = "收到和处理政府信息公开申请"
_APPEALS = "行政复议"
_NARRATIVE = re.compile(r"(共收到政府信息公开申请)\d+(件)")
# 主动公开 rows with one figure that may vary (or be left blank, as agencies often do).
_SINGLE = re.compile(r"行政许可|行政处罚|行政强制|行政事业性收费")
APPLICANTS = 6  # natural person, 5 kinds of legal person; then the total column


def with_figures(text: str, salt: str) -> str:
    lines = text.split("\n")
    rows = _rows(lines)
    requests = [r for r in rows if r.section == "requests" and len(r.cells) >= APPLICANTS]
    appeals = [r for r in rows if r.section == "appeals" and len(r.cells) == 15]
    if len(requests) < 6 or len(appeals) != 1:
        return text
    rng = random.Random(salt)
    table = _requests_table(rng, len(requests))
    for row, values in zip(requests, table):
        row.set(lines, values[-len(row.cells):])
    appeals[0].set(lines, _appeals_row(rng))
    for row in rows:
        if row.section == "active" and len(row.cells) == 1 and _SINGLE.search(row.label):
            value = None if rng.random() < 0.3 else rng.choice([0, 0, 1, 2, 5, 12, 37])
            row.set(lines, [value])
    new_total = table[0][-1]
    return _NARRATIVE.sub(rf"\g<1>{new_total}\g<2>", "\n".join(lines))


class _Row:
    def __init__(self, section: str, label: str, cells: list[int]) -> None:
        self.section, self.label, self.cells = section, label, cells  # cells: line indices

    def set(self, lines: list[str], values: list[int | None]) -> None:
        for index, value in zip(self.cells, values):
            prefix, _, space = _CELL.match(lines[index]).groups()  # type: ignore[union-attr]
            lines[index] = "\t" + (prefix or "") + ("" if value is None else str(value)) + space


def _rows(lines: list[str]) -> list[_Row]:
    """Table rows of the seed layout (tab lines = cells, a blank line ends a row), by section."""
    rows, section, cells, label = [], "active", [], ""
    for index, line in enumerate(lines):
        if line.startswith("\t"):
            if _CELL.match(line):
                cells.append(index)
            elif line.strip():
                label = line.strip()
            continue
        if cells:
            rows.append(_Row(section, label, cells))
        cells, label = [], ""
        if _REQUESTS in line:
            section = "requests"
        elif _APPEALS in line and section == "requests":
            section = "appeals"
    return rows


def _requests_table(rng: random.Random, n_rows: int) -> list[list[int]]:
    """new, carried over, results (granted, partial, the other outcomes), total, carried
    forward: per applicant column, results total = new + carried - forward (R1, R2); the
    last column is the row's sum (R3)."""
    size = rng.choice([4, 10, 25, 60])
    columns = []
    for kind in range(APPLICANTS):
        scale = size if kind == 0 else max(1, size // (3 if kind == 1 else 12))
        new = rng.randint(0, scale) if kind else rng.randint(size // 2, size)
        carried = rng.randint(0, max(0, new // 8))
        forward = rng.randint(0, max(0, (new + carried) // 6))
        columns.append([new, carried, *_results(rng, new + carried - forward, n_rows - 4), forward])
    rows = [list(row) for row in zip(*columns)]
    return [row + [sum(row)] for row in rows]


def _results(rng: random.Random, done: int, outcomes: int) -> list[int]:
    """`outcomes` result rows summing to `done`, then their total: most granted, some partly."""
    values = [0] * outcomes
    for _ in range(done):
        roll = rng.random()
        target = 0 if roll < 0.55 else 1 if roll < 0.7 else rng.randrange(2, outcomes)
        values[target] += 1
    return [*values, done]


def _appeals_row(rng: random.Random) -> list[int]:
    """Review, direct suit, suit after review: upheld, corrected, other, pending, total (R4)."""
    out = []
    for _ in range(3):
        parts = [rng.choice([0, 0, 1, 2, 3]), rng.choice([0, 0, 0, 1]), rng.choice([0, 0, 1]),
                 rng.choice([0, 0, 1])]
        out += [*parts, sum(parts)]
    return out
