"""NFKC normalisation, the same result as unicodedata.normalize("NFKC", s), at a fraction of
its cost on Chinese text.

A report's paragraphs are mostly CJK with full-width punctuation ("，（）：；"): every such
character fails NFKC's quick check, and unicodedata then decomposes and recomposes the whole
string (~90 ns a character: ~0.2 ms a report, paid by several stages). Replacing the common
full-width characters by their decompositions first (str.replace, in C) usually leaves a
string the quick check accepts as it is. Exact: each replacement is the character's own NFKD
decomposition, made of starters only, so the string's NFKD, and with it its NFKC, is unchanged.
"""
from __future__ import annotations

import unicodedata

_COMMON_WIDE = tuple((wide, unicodedata.normalize("NFKD", wide)) for wide in "，（）：；．％\u3000")


def nfkc(text: str) -> str:
    if unicodedata.is_normalized("NFKC", text):
        return text
    for wide, narrow in _COMMON_WIDE:
        text = text.replace(wide, narrow)
    return text if unicodedata.is_normalized("NFKC", text) else unicodedata.normalize("NFKC", text)
