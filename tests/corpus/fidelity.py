"""Score a parsed report against the cells it was made from.

Each expected cell is one of: right; left unread (missing, or null where a number was
printed) with a warning naming its row; wrong but flagged (a warning names its row, or a
failing rule / an R10 warning names the cell); wrong and silent — the defect that must not
happen. An unread cell is also counted `undetermined` when its row's warning shows the printed
text does not decide it: several splits fit every rule (the warning lists them), or blank cells
were lost in flattening (which columns the numbers belong to is unknowable)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import parsers
from tests.corpus.generator import Truth

OUTCOMES = ("right", "null_warned", "wrong_flagged", "wrong_silent")
# parsers.flattened's warnings for a row its text does not decide
_UNDECIDED = re.compile("ways that fit every rule|blank cells lost")


@dataclass
class Score:
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(OUTCOMES, 0))
    silent: list[str] = field(default_factory=list)  # examples of wrong-and-silent cells
    reports: int = 0
    meta_wrong: int = 0  # reports whose agency or year was not read as printed
    undetermined: int = 0  # unread cells the printed text does not decide (among null_warned)

    def add(self, other: "Score") -> None:
        for k in OUTCOMES:
            self.counts[k] += other.counts[k]
        self.silent += other.silent[:5]
        self.reports += other.reports
        self.meta_wrong += other.meta_wrong
        self.undetermined += other.undetermined

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def share(self, outcome: str) -> float:
        return self.counts[outcome] / self.total if self.total else 0.0

    def right_of_determined(self) -> float:
        """Cells read right among those the printed text decides."""
        determined = self.total - self.undetermined
        return self.counts["right"] / determined if determined else 0.0


def _same(a, b) -> bool:
    if a is None or b is None:
        return a is b
    return abs(float(a) - float(b)) < 1e-9


def score(report: parsers.Report, truth: Truth) -> Score:
    s = Score(reports=1, meta_wrong=int((report.agency, report.year) != (truth.agency, truth.year)))
    got = {(c.table, c.row, c.col): c for c in report.cells}
    flagged_cells = {k for c in report.checks if not c.ok for k in c.cells}
    for (table, row, col), want in truth.expected().items():
        cell = got.get((table, row, col))
        naming = [w for w in report.warnings if f"{table}/{row}" in w or (table == "appeals" and row in w)]
        named = bool(naming)
        if cell is not None and _same(cell.value, want):
            outcome = "right"
        elif (cell is None or (cell.value is None and want is not None)) and named:
            outcome = "null_warned"
            s.undetermined += any(_UNDECIDED.search(w) for w in naming)
        elif named or f"{table}/{row}/{col}" in flagged_cells:
            outcome = "wrong_flagged"
        else:
            outcome = "wrong_silent"
            s.silent.append(f"{truth.name} {table}/{row}/{col}: got "
                            f"{'missing' if cell is None else cell.value!r}, want {want!r}")
        s.counts[outcome] += 1
    return s


def parse_and_score(data: bytes, content_type: str, truth: Truth) -> Score:
    try:
        report = parsers.parse(data, content_type)
    except parsers.ParseError as exc:
        s = Score(reports=1, meta_wrong=1)
        s.counts["null_warned"] = len(truth.printed)  # a clear error: nothing claimed
        s.silent.append(f"{truth.name}: {exc}")
        return s
    return score(report, truth)
