"""Check R10 (a warning): figures the narrative states against the table cells they restate.

"共收到政府信息公开申请81件" restates requests/new_received/total, "行政复议2件" the review
total, "行政诉讼7件" the two litigation totals together, "制发规范性文件77件" the normative
documents issued. A mismatch names the cell and the sentence: it catches a wrong split or a
shifted row that the arithmetic rules cannot."""
from __future__ import annotations

import re
from collections.abc import Iterator

from .model import Cell
from .nfkc import nfkc

_N = r"\s*(\d{1,7})\s*(?:件|个|宗|起)"
# (the word every match holds, pattern, the cells whose sum the figure states)
_FIGURES = (
    ("申请", re.compile(r"(?:共|累计|全年|本年度?)?(?:收到|受理|新收)[^，。；,;]{0,10}?(?:政府信息公开|依申请公开)?申请" + _N),
     (("requests", "new_received", "total"),)),
    ("行政复议", re.compile(r"(?:政府信息公开)?行政复议(?:案件)?(?:共)?" + _N),
     (("appeals", "review", "total"),)),
    ("行政诉讼", re.compile(r"(?:政府信息公开)?行政诉讼(?:案件)?(?:共)?" + _N),
     (("appeals", "litigation_direct", "total"), ("appeals", "litigation_after_review", "total"))),
    ("规范性文件", re.compile(r"制发(?:行政)?规范性文件" + _N),
     (("active", "normative_documents", "issued"),)),
)
_SENTENCE = re.compile(r"[^。；;！!？?\n]+")
# One scan for the words passes over most paragraphs, and a pattern is run on a sentence only
# when its word is there (the patterns' optional heads are tried at every position).
_FIGURE_WORD = re.compile("|".join(word for word, _, _ in _FIGURES))
_MAX_SHOWN = 60

Address = tuple[str, str, str]


def narrative_warnings(paragraphs: list[str], cells: list[Cell]) -> list[str]:
    """R10 warnings: each figure the narrative states that differs from its cells."""
    figures = list(_stated_figures(paragraphs))
    if not figures:
        return []
    get = {(c.table, c.row, c.col): c for c in cells}.get
    out: list[str] = []
    for sentence, stated, keys in figures:
        found = [get(k) for k in keys]
        if not all(found):
            continue  # a cell not read: nothing to compare
        total = sum(c.value or 0 for c in found)
        if total != stated:
            names = " + ".join(c.key for c in found)
            out.append(f"R10 (warning): the narrative states {stated} "
                       f"(“{sentence.strip()[:_MAX_SHOWN]}”) but {names} = {total:g}")
    return out


def _stated_figures(paragraphs: list[str]) -> Iterator[tuple[str, int, tuple[Address, ...]]]:
    """(sentence, the figure it states, the cells the figure restates), in text order."""
    for paragraph in paragraphs:
        if len(paragraph) < 8:
            continue
        text = nfkc(paragraph)
        if not _FIGURE_WORD.search(text) or not any(ch.isdigit() for ch in paragraph):
            continue
        for sentence in _SENTENCE.findall(text):
            for word, pattern, keys in _FIGURES:
                if word in sentence:
                    for m in pattern.finditer(sentence):
                        yield sentence, int(m.group(1)), keys
