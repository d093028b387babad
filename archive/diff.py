"""What changed between two versions of a report: cells, paragraphs (difflib) and metadata."""
from __future__ import annotations

import difflib
from itertools import zip_longest
from typing import NamedTuple

from .substance import Paragraph

Number = float | int | None


class Change(NamedTuple):
    kind: str  # cell | paragraph | metadata
    key: str  # cell key, "section/paragraph index", or metadata field
    old: str | None  # None: absent on that side
    new: str | None


def format_value(value: Number) -> str:
    """A cell value as change text: "" for a blank cell, integers without a decimal point."""
    if value is None:
        return ""
    number = float(value)
    return str(int(number)) if number.is_integer() else repr(number)


def diff_cells(old: dict[str, Number], new: dict[str, Number]) -> list[Change]:
    changes = []
    for key in sorted(old.keys() | new.keys()):
        a, b = old.get(key, ...), new.get(key, ...)
        same = (a is not ... and b is not ...
                and (a is None) == (b is None) and (a is None or float(a) == float(b)))
        if not same:
            changes.append(Change("cell", key, None if a is ... else format_value(a),
                                  None if b is ... else format_value(b)))
    return changes


def diff_sections(old: dict[str, list[Paragraph]],
                  new: dict[str, list[Paragraph]]) -> list[Change]:
    """Paragraph-level differences per section (archive/substance.section_paragraphs): compared
    normalised, recorded as printed; the key names the section and paragraph index."""
    changes = []
    for section in sorted(old.keys() | new.keys()):
        a, b = old.get(section, []), new.get(section, [])
        matcher = difflib.SequenceMatcher(None, [p[0] for p in a], [p[0] for p in b],
                                          autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                continue
            pairs = zip_longest(range(i1, i2), range(j1, j2))
            for i, j in pairs:
                index = j if j is not None else i
                changes.append(Change("paragraph", f"{section}/{index}",
                                      a[i][1] if i is not None else None,
                                      b[j][1] if j is not None else None))
    return changes


def diff_metadata(old: dict[str, str | None], new: dict[str, str | None]) -> list[Change]:
    return [Change("metadata", k, old.get(k), new.get(k))
            for k in sorted(old.keys() | new.keys()) if old.get(k) != new.get(k)]
