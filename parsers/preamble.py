"""The preamble that archives and exports put before a report: labelled lines ("标题: …",
"发布时间: …", "发布机构: …", "文号: …", "原文链接: …") and a body marker ("==== 正文 ====", a
markdown heading "正文"). They are metadata about the report, never part of its title or
agency."""
from __future__ import annotations

import re
from dataclasses import dataclass

from .readers.textnorm import iso_date

_FIELDS = {
    "标题": "title", "题目": "title", "文章标题": "title", "名称": "title",
    "发布时间": "publish_date", "发布日期": "publish_date", "公开日期": "publish_date",
    "公开时间": "publish_date", "发文日期": "publish_date",
    "发布机构": "agency", "发布机关": "agency", "发文机关": "agency", "发布单位": "agency",
    "公开机构": "agency", "来源单位": "agency",
    "文号": "doc_number", "发文字号": "doc_number", "索引号": "index_number",
    "原文链接": "source_url", "原文地址": "source_url", "原始链接": "source_url", "来源链接": "source_url",
    "链接": "source_url", "网址": "source_url", "url": "source_url", "source": "source_url",
}
_FIELD = re.compile(r"^[\s>*\-#|]*(?P<key>" + "|".join(sorted(_FIELDS, key=len, reverse=True))
                    + r")[\s*]*[:：]\s*(?P<value>.*?)[\s*|]*$", re.I)
# "==== 正文 ====", "## 正文", "正文：", "—— 正文 ——", and bare separator lines ("----").
_BODY_MARK = re.compile(r"^[\s=#\-*_—－─]*(?:正\s*文\s*[:：]?)?[\s=#\-*_—－─]*$")
_MAX_LINES = 15  # a preamble is a few lines at the very top


@dataclass
class Preamble:
    fields: dict[str, str]
    body_start: int  # index of the first paragraph of the report itself

    def get(self, name: str) -> str | None:
        return self.fields.get(name) or None

    @property
    def publish_date(self) -> str | None:
        value = self.get("publish_date")
        return iso_date(value) if value else None


def is_body_mark(line: str | None) -> bool:
    return bool(line) and "正" in line and bool(_BODY_MARK.match(line))


def read_preamble(paragraphs: list[str]) -> Preamble:
    """The labelled lines and body marker at the top of the paragraphs (none: empty fields,
    body_start 0). Stops at the first line that is neither."""
    fields: dict[str, str] = {}
    end = 0
    for index, line in enumerate(paragraphs[:_MAX_LINES]):
        if m := _FIELD.match(line):
            fields.setdefault(_FIELDS[m.group("key").lower()], m.group("value").strip())
            end = index + 1
        elif _BODY_MARK.match(line):
            end = index + 1
            if "正" in line:
                break  # the report starts after its body marker
        else:
            break
    return Preamble(fields, end if fields or any(map(is_body_mark, paragraphs[:end])) else 0)
