"""OCR'd numbers checked by the report's own arithmetic: corrected when exactly one fix fits,
flagged otherwise. Never a silent wrong number.

Every cell gets the recogniser's confidence. Then, in order:
1. R1-R4 fail: every single swap of a digit OCR confuses (0/8, 1/7, 5/6, 3/8) in a cell of a
   failing check is tried. When exactly one makes every rule hold it is taken, with a warning
   giving both readings; otherwise each cell of a failing check that no passing check vouches
   for is flagged.
2. A cell read with low confidence is flagged (the bar is lower for a cell a passing rule
   vouches for), and so is one whose second reading (parsers/readers/ocr.py) differs when no
   passing check covers it: a number of the active-disclosure table has only these two
   readings to vouch for it. An amount (the fee) of two or more digits read without a decimal
   point is flagged too: no rule checks it, and a scan loses a point that touches a digit.
Flags are warnings naming the cell (Cell.key), so any reader of the report sees them.
"""
from __future__ import annotations

from dataclasses import replace

from ..checks import run_checks
from ..document import Block, Document, Table
from ..labels import COLUMN_UNIT
from ..model import Cell, Report
from ..report_builder import build_report
from ..values import clean_raw, parse_number
from .ocr import OcrDocument, OcrTable

# Below this the recogniser's own score says the reading is doubtful (bench/ocr.py at 150 dpi:
# right digits mostly score over 0.95, a lone 0 down to 0.8). A cell a passing rule vouches
# for is doubtful only far lower: a misread digit there would have to be cancelled by another.
LOW_CONFIDENCE = 0.9
VOUCHED_LOW_CONFIDENCE = 0.5
# Tokens stand for numbers while the document is built again: distinct, and as wide as the
# widest count a report prints, so the builder treats them as any count.
_TOKEN_BASE = 100_000
_ARITHMETIC = ("R1", "R2", "R3", "R4")
_CONFUSED = {"0": "8", "8": "03", "3": "8", "1": "7", "7": "1", "5": "6", "6": "5"}


def verify(report: Report, document: OcrDocument) -> None:
    """Set each cell's confidence, correct or flag against R1-R4 (in place)."""
    readings = _readings(document)
    disputed = set()
    for cell in report.cells:
        score, second_differs = readings.get((cell.key, cell.raw.strip()), (None, False))
        cell.confidence = 1.0 if not cell.raw.strip() else score
        if second_differs:
            disputed.add(cell.key)
    failing = [check for check in report.checks if check.rule in _ARITHMETIC and not check.ok]
    if failing and (fix := _only_fix(report, failing)) is not None:
        index, fixed = fix
        cell = report.cells[index]
        report.warnings.append(f"ocr: {cell.key} read as {cell.raw}, taken as {fixed.raw}: the "
                               f"only one-digit change OCR makes (0/8, 1/7, 5/6, 3/8) with which "
                               f"every rule R1-R4 holds")
        report.cells[index] = fixed
        report.checks = run_checks(report.cells, report.format, report.year)[0]
        failing = []
    vouched = {key for check in report.checks if check.rule in _ARITHMETIC and check.ok
               for key in check.cells}
    flagged = _flag_failing(report, failing, vouched)
    _flag_doubtful(report, flagged, disputed, vouched)


def _readings(document: OcrDocument) -> dict[tuple[str, str], tuple[float, bool]]:
    """(Cell.key, raw) -> the confidence of the image cell it was read from, and whether its
    second reading differs. The builder
    keeps no link from a report cell to its table cell, so the document is built again with
    every number replaced by a token naming its cell; a cell whose token does not come back
    under the same key (the builder read that table differently) gets no confidence and is
    flagged."""
    tokens: dict[int, tuple[str, tuple[float, bool]]] = {}
    blocks: list[Block] = []
    for block in document.blocks:
        if not isinstance(block, OcrTable):
            blocks.append(block)
            continue
        rows = []
        for r, (texts, scores) in enumerate(zip(block.rows, block.confidence)):
            row = []
            for c, (text, score) in enumerate(zip(texts, scores)):
                ok, value = parse_number(clean_raw(text))
                if ok and value is not None:
                    token = _TOKEN_BASE + len(tokens)
                    tokens[token] = (clean_raw(text).strip(), (score, (r, c) in block.disputed))
                    text = str(token)
                row.append(text)
            rows.append(row)
        blocks.append(Table(rows))
    twin = build_report(Document(blocks=blocks, kind=document.kind, title=document.title))
    return {(cell.key, tokens[cell.value][0]): tokens[cell.value][1] for cell in twin.cells
            if cell.value in tokens}


def _only_fix(report: Report, failing: list) -> tuple[int, Cell] | None:
    suspects = {key for check in failing for key in check.cells}
    fixes = []
    for index, cell in enumerate(report.cells):
        if cell.key not in suspects or not isinstance(cell.value, int):
            continue
        for alternative in _swaps(cell.raw.strip()):
            trial = report.cells.copy()
            trial[index] = replace(cell, value=int(alternative), raw=alternative)
            checks = run_checks(trial, report.format, report.year)[0]
            if all(check.ok for check in checks if check.rule in _ARITHMETIC):
                fixes.append((index, trial[index]))
                if len(fixes) > 1:
                    return None
    return fixes[0] if fixes else None


def _swaps(digits: str) -> list[str]:
    """Every number one confusable digit away (no new leading zero)."""
    if not digits.isdigit():
        return []
    out = []
    for position, digit in enumerate(digits):
        for other in _CONFUSED.get(digit, ""):
            if position == 0 and other == "0" and len(digits) > 1:
                continue
            out.append(digits[:position] + other + digits[position + 1:])
    return out


def _flag_failing(report: Report, failing: list, vouched: set[str]) -> set[str]:
    """Each cell of a failing check that no passing check vouches for. A failing check whose
    every cell another rule confirms is the printed numbers disagreeing, not the reading: a
    misread digit breaks both its row's and its column's rule."""
    flagged: set[str] = set()
    by_key = {cell.key: cell for cell in report.cells}
    for check in failing:
        scope = check.detail.split(":")[0]
        suspects = [key for key in check.cells if key in by_key and key not in vouched]
        if not suspects:
            report.warnings.append(f"ocr: {check.rule} fails ({scope}) though another rule "
                                   f"confirms each of its cells: the printed numbers disagree")
        for key in suspects:
            if key not in flagged:
                flagged.add(key)
                report.warnings.append(f"ocr: {key} = {by_key[key].raw or 'blank'} unverified: "
                                       f"{check.rule} fails ({scope}) and no single digit fix "
                                       f"makes every rule hold")
    return flagged


def _flag_doubtful(report: Report, flagged: set[str], disputed: set[str],
                   vouched: set[str]) -> None:
    """Cells the recogniser doubts (below LOW_CONFIDENCE with no passing check to vouch for
    them, below VOUCHED_LOW_CONFIDENCE whatever vouches), and cells two readings disagree on
    that no passing check vouches for."""
    for cell in report.cells:
        if cell.key in flagged:
            continue
        low = VOUCHED_LOW_CONFIDENCE if cell.key in vouched else LOW_CONFIDENCE
        if cell.confidence is None or cell.confidence < low:
            score = "unknown" if cell.confidence is None else f"{cell.confidence:.2f}"
            report.warnings.append(f"ocr: {cell.key} = {cell.raw} read with low confidence ({score})")
        elif cell.key in disputed and cell.key not in vouched:
            report.warnings.append(f"ocr: {cell.key} = {cell.raw} unverified: a second reading "
                                   f"differs and no check covers it")
        elif cell.col in COLUMN_UNIT and isinstance(cell.value, int) and len(cell.raw.strip()) > 1:
            # Measured: 12.8 printed with its point touching the 2 read as 128 by both readings.
            report.warnings.append(f"ocr: {cell.key} = {cell.raw} unverified: an amount read "
                                   f"without a decimal point, which a scan easily loses, and no "
                                   f"check covers it")
