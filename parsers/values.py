"""One printed table cell -> (value, raw).

`raw` is the text as printed with layout artifacts removed ("[bookmark: _GoBack]", zero-width
characters); `value` is the number it prints, or None for a blank ("", "—", "-", "/", "无",
nbsp ...). Full-width digits, thousands separators, signs and units ("251000元", "0.5万元") are
normalised; amounts are converted to the unit of their column. A 0 is never invented.
"""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from .nfkc import nfkc

Number = int | float

# Layout artifacts that are not part of what the report prints.
_ARTIFACTS = re.compile(
    r"\[\s*bookmark\s*:[^\]]*\]|\{\s*bookmark\s*:[^}]*\}|[\u200b\u200c\u200d\u2060\ufeff\u00ad]"
    # the pieces of one split across two cells by a reader that cut at spaces ("[bookmark:" "_GoBack]0")
    r"|\[\s*bookmark\s*:?\s*$|^\s*_GoBack\]|^\s*_Toc\d+\]|^\s*_Hlk\d+\]",
    re.I)
_BLANKS = frozenset({
    "", "-", "--", "—", "——", "–", "―", "－", "/", "／", "\\", "无", "空", "&nbsp;", "nbsp",
    "·", "…", "...", "／／", "—/—", "x", "X", "×",
})
_SPACE_CHARS = " \t\r\n\u00a0\u3000\u2002\u2003\u2009\u202f"
_NUMBER = re.compile(
    r"^(?P<sign>[+\-]?)\s*(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)"
    r"\s*(?P<unit>万元|千元|亿元|元|万|件|条|个|项|次|宗|份|篇)?$")
_UNIT_YUAN = {"元": Decimal(1), "千元": Decimal(1000), "万": Decimal(10000), "万元": Decimal(10000),
              "亿元": Decimal(100000000)}
# Target units of amount columns, in yuan.
COLUMN_UNITS = {"10k_yuan": Decimal(10000), "yuan": Decimal(1)}


_ARTIFACT_HINT = re.compile(r"[\[\]{\u200b\u200c\u200d\u2060\ufeff\u00ad]")


def clean_raw(text: str) -> str:
    """Remove layout artifacts; keep everything else as printed (spaces included)."""
    if _ARTIFACT_HINT.search(text):
        return _ARTIFACTS.sub("", text)
    return text


def _to_number(d: Decimal) -> Number:
    if d == d.to_integral_value():
        return int(d)
    return float(d.normalize())


def parse_number(raw: str, unit: str | None = None) -> tuple[bool, Number | None]:
    """(ok, value): ok is False when the cell is not a number or a blank (i.e. a label).

    `unit` is the column's unit ("10k_yuan" | "yuan" | None for counts)."""
    s = raw.strip(_SPACE_CHARS)
    if s in _BLANKS:
        return True, None
    if s.isdigit() and s.isascii():  # the hot path: a plain count
        return True, int(s)
    s = nfkc(s).strip()
    if s in _BLANKS:
        return True, None
    s = s.replace("，", ",").replace(" ", "")
    m = _NUMBER.match(s)
    if not m:
        return False, None
    try:
        d = Decimal(m.group("num").replace(",", ""))
    except InvalidOperation:
        return False, None
    if m.group("sign") == "-":
        d = -d
    u = m.group("unit")
    if u in _UNIT_YUAN:
        yuan = d * _UNIT_YUAN[u]
        if unit in COLUMN_UNITS:
            d = yuan / COLUMN_UNITS[unit]
        elif u != "元":
            d = yuan
    return True, _to_number(d)


def is_value_like(cleaned: str) -> bool:
    """True for a blank or a number: a cell that cannot be a label."""
    return parse_number(cleaned)[0]


def is_blank(cleaned: str) -> bool:
    s = cleaned.strip(_SPACE_CHARS)
    return s in _BLANKS or nfkc(s).strip() in _BLANKS
