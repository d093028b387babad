"""Page chrome that changes between two fetches of the same report: visit counters, today's
date and time, font-size switches, print/close/favourite links.

CMSs print it anywhere — above the title, next to it, at the article's foot, in the footer —
and readers of any kind (a saved page, a text copied from one) carry it into paragraphs. It is
cut out of every paragraph and the title before the report is built, so two fetches give the
same Report, and a chrome date is never read as the report's year or publish date. Only the
chrome phrase with its own value goes (a line "标题　浏览次数：12" keeps "标题"); a line left
with no letters or digits goes entirely.
"""
from __future__ import annotations

import re
from dataclasses import replace

from .document import Document

_DATE = r"\d{4}\s*[-年/.]\s*\d{1,2}\s*[-月/.]\s*\d{1,2}\s*日?"
_WEEKDAY = r"(?:星期|礼拜|周)[一二三四五六日天]"
_TIME = r"\d{1,2}\s*[:：]\s*\d{2}(?:\s*[:：]\s*\d{2}(?:\.\d+)?)?"
_DATE_TIME = rf"(?:{_DATE})?\s*(?:{_WEEKDAY})?\s*(?:{_TIME})?"
_COUNTER = r"(?:次数|人次|量|数)\s*[:：]\s*\d*\s*次?"
_CLOCK = rf"(?:时间|日期)\s*[:：]\s*{_DATE_TIME}"
_TODAY = rf"是\s*[:：]?\s*{_DATE}\s*(?:{_WEEKDAY})?\s*(?:{_TIME})?"
_SIZE = r"\s*[大中小]\s*[】\]]"
_LINK = r"\s*(?:打印|关闭|收藏|返回顶部|返回)\s*[】\]]"


def _each(heads: tuple[str, ...], rest: str) -> str:
    """`(?:a|b)rest` written as `arest|brest`: with every alternative starting with a literal
    character, the regex engine skips ahead to those characters instead of trying every
    alternative at every position of the line (12x faster; the same matches, as the heads of
    one group never start alike)."""
    return "|".join(f"{head}{rest}" for head in heads)


_CHROME_PHRASE = re.compile(
    # visit counters, with or without their number (a script may write it); the colon is
    # required, as prose cites them too ("网站访问量12万次" stays)
    _each(("今日", "今天", "本站", "总", "累计"), f"(?:浏览|访问|点击|阅读){_COUNTER}")
    + "|" + _each(("浏览", "访问", "点击", "阅读"), _COUNTER)
    # today's date (the date is required: "今天" alone is ordinary text)
    + "|" + _each(("今天", "今日"), _TODAY)
    + "|" + _each(("当前", "现在", "系统"), _CLOCK)
    # font-size switches: "字号：大 中 小", "【大】【中】【小】"
    + r"|字号\s*[:：]?\s*(?:[【\[(（]?\s*[大中小]\s*[】\])）]?\s*){1,3}"
    + "|" + _each(("【", r"\["), _SIZE)
    # print / close / favourite links
    + "|" + _each(("【", r"\["), _LINK)
    + "|打印本页|打印此页|打印文章|关闭窗口|关闭本页|加入收藏|收藏本页|返回顶部"
)
# A line that is only a date with its weekday (and time) is a CMS date bar; a report's own date
# lines carry no weekday, and prose keeps it ("2023年3月5日星期日召开…" is not a whole line).
_DATE_BAR = re.compile(rf"{_DATE}\s*{_WEEKDAY}\s*(?:{_TIME})?")
_WORD = re.compile(r"\w")
_SPACES = re.compile(r"\s+")


def strip_chrome(line: str) -> str:
    """The line without chrome phrases; "" when nothing but separators is left."""
    if _DATE_BAR.fullmatch(line):
        return ""
    if not _CHROME_PHRASE.search(line):
        return line
    rest = _SPACES.sub(" ", _CHROME_PHRASE.sub(" ", line)).strip()
    return rest if _WORD.search(rest) and not _DATE_BAR.fullmatch(rest) else ""


def without_chrome(doc: Document) -> Document:
    """The document with chrome cut from its paragraphs and title (table cells are kept:
    a statistics table holds no chrome, and its blank cells must stay where they are)."""
    blocks = [b if not isinstance(b, str) else strip_chrome(b) for b in doc.blocks]
    # the title on demand, as the document gives it (parsers.document._OnDemand)
    return replace(doc, blocks=[b for b in blocks if b != ""], title=lambda: _without_chrome(doc.title))


def _without_chrome(title: str | None) -> str | None:
    return (strip_chrome(title) if title else None) or None
