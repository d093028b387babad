"""The six sections of a report, found by their numbered headings.

Headings vary ("三、行政机关收到和处理…", "3、 收到和处理…", "5、 政府信息公开工作存在的主要问题…",
"五、存在的主要问题和改进措施", "…及整改措施"); a heading is recognised by its number and its
words, and sections must come in order (so a numbered paragraph inside a section that happens
to mention 主动公开 does not open a section). Pre-2019 reports have more, differently named
sections (四、…收费及减免情况); those end the previous section without being one of the six.
"""
from __future__ import annotations

import re

from .document import Document, Table
from .model import SECTION_KEYS
from .nfkc import nfkc

_HEADING = re.compile(
    r"^\s*(?:第\s*(?P<ord>[一二三四五六七八九十]{1,2})\s*部分|(?P<cn>[一二三四五六七八九十]{1,2})|(?P<num>\d{1,2}))"
    r"\s*(?(ord)[、.,:：\s]*|[、.,:：])\s*(?P<title>\S.{1,45})$")
_KEY_WORDS = (
    ("appeals", re.compile(r"行政复议|行政诉讼")),
    ("active", re.compile(r"主动公开")),
    ("requests", re.compile(r"收到和处理|依申请公开|政府信息公开申请")),
    ("problems", re.compile(r"问题|改进|整改")),
    ("other", re.compile(r"其[他它]需要报告|其[他它]事项|需要报告的")),
    ("overview", re.compile(r"总体情况|概述|基本情况|总体概况|概况|工作情况")),
)
_BOUNDARY_WORDS = re.compile(r"收费|减免|情况|事项|工作")
_CN = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
TABLE_SECTIONS = {"active": "active", "requests": "requests", "appeals": "appeals"}


def heading_key(paragraph: str) -> tuple[str | None, int | None]:
    """(section key or "" for an unknown numbered heading, its number) or (None, None)."""
    if len(paragraph) > 60:
        return None, None
    s = nfkc(paragraph)
    if s[:1] == "#":  # markdown pasted into a page
        s = s.lstrip("# ")
    m = _HEADING.match(s)
    if not m:
        return None, None
    title = m.group("title")
    if title.endswith(("。", ";", "；")) or "，" in title or "," in title:
        return None, None
    num_s = m.group("ord") or m.group("cn")
    number = _CN.get(num_s) if num_s and len(num_s) == 1 else (int(m.group("num")) if m.group("num") else 10)
    for key, rx in _KEY_WORDS:
        if rx.search(title):
            if m.group("num") and number != SECTION_KEYS.index(key) + 1:
                return None, None  # digit-numbered: only when the number is that section's own
            return key, number
    if _BOUNDARY_WORDS.search(title) and not m.group("num"):
        return "", number
    return None, None


def table_lines(table: Table) -> list[str]:
    """A table as text: one line per row, cells separated by tabs."""
    out = []
    for row in table.rows:
        line = "\t".join([c.replace("\n", "").strip() for c in row]).strip()  # a list joins faster
        if line:
            out.append(line)
    return out


def find_sections(doc: Document, rendered: dict[int, list[str]] | None = None
                  ) -> tuple[dict[str, str], dict[int, str]]:
    """(section key -> text, block index of each heading -> table kind it announces).
    `rendered` maps a table's block index to its text lines (table_lines)."""
    texts: dict[str, list[str]] = {}
    heading_ctx: dict[int, str] = {}
    current: str | None = None
    last_index = -1
    for bi, block in enumerate(doc.blocks):
        if isinstance(block, Table):
            if current:
                texts[current].extend(rendered[bi] if rendered and bi in rendered else table_lines(block))
            continue
        key, number = heading_key(block)
        if key is not None:
            if key == "":
                if last_index >= 0:
                    current = None
                    heading_ctx[bi] = ""
                    continue
            else:
                idx = SECTION_KEYS.index(key)
                if idx > last_index:
                    current = key
                    last_index = idx
                    texts.setdefault(key, [])
                    heading_ctx[bi] = TABLE_SECTIONS.get(key, "")
                    continue
        if current:
            texts[current].append(block)
    sections = {k: "\n".join(t for t in v if t).strip() for k, v in texts.items()}
    return sections, heading_ctx
