"""Text clean-up shared by the readers: one cell or paragraph -> one normalised line,
and the page metadata lines (publish date, source) that are chrome, not report text."""
from __future__ import annotations

import re

_ZERO_WIDTH = str.maketrans("", "", "\u200b\ufeff")  # invisible: removed, not a gap
# Whitespace between two CJK characters is a layout artifact (a line wrap in the source, a
# multi-line header cell such as "商业\n企业"): Chinese text never separates words by spaces.
_CJK = r"\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef"
# Written space-first (the lookbehind then checks the character before it) so the regex engine
# jumps from space to space instead of trying every position: 4x faster, same matches.
_CJK_GAP = re.compile(rf" (?<=[{_CJK}] )(?=[{_CJK}])")

_DATE = r"(\d{4})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})"
_PUBLISH_LINE = re.compile(rf"(?:发布|发文|公开|成文)(?:时间|日期)\s*[:：]?\s*{_DATE}")
# The same, in page source: tags and &nbsp; may sit between the label and the date.
_PUBLISH_MARKUP = re.compile(
    rf"(?:发布|发文|成文)(?:时间|日期)\s*[:：]?(?:\s|&nbsp;|<[^<>]{{0,200}}>){{0,10}}{_DATE}")
_ISO_DATE = re.compile(_DATE)
# Page metadata lines of an HTML article (publish date, source, share bar): dropped whole.
# Chrome that changes between fetches (counters, today's date, font size) is cut from every
# document's lines by parsers.chrome, whatever its reader.
_CHROME_LINE = re.compile(r"发布时间|发布日期|信息来源|来源\s*[:：]|分享到|扫一扫")
_CHROME_MAX_CHARS = 80
_PLACEHOLDER_TITLES = {"(anonymous)", "untitled", "无标题", "microsoft word", "none", "title"}
_FILE_NAME = re.compile(r"\.(docx?|wps|pdf|txt|rtf)$|^microsoft word - ", re.I)


def clean(text: str) -> str:
    """Collapse whitespace (nbsp and ideographic space included) and drop CJK gaps."""
    words = _words(text)
    if len(words) < 2:  # most cells and many lines: no regex needed
        return words[0] if words else ""
    return _CJK_GAP.sub("", " ".join(words))


def clean_marked(text: str) -> str:
    """clean() over a whole text whose pieces are split off later at mark characters (neither
    whitespace nor CJK): one pass in C instead of one per piece; each piece then only needs
    str.strip() to equal clean(piece)."""
    return _CJK_GAP.sub("", " ".join(_words(text)))


def collapse(text: str) -> str:
    """Collapse whitespace only: for text laid out on a page, where a gap is a real gap."""
    return " ".join(_words(text))


def _words(text: str) -> list[str]:
    # str.split() splits on all Unicode whitespace (nbsp, ideographic space) but not on the
    # zero-width space and BOM that Word exports scatter through text.
    if "\u200b" in text or "\ufeff" in text:
        text = text.translate(_ZERO_WIDTH)
    return text.split()


def iso_date(text: str) -> str | None:
    match = _ISO_DATE.search(text)
    if not match:
        return None
    year, month, day = (int(g) for g in match.groups())
    if not (1990 <= year <= 2100 and 1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def publish_date_in(line: str) -> str | None:
    """The ISO date of a "发布时间：2023-01-20" / "发布日期：2023年1月20日" line."""
    match = _PUBLISH_LINE.search(line)
    return iso_date(match.group(0)) if match else None


def publish_date_in_markup(html: str) -> str | None:
    """The first publish-date label's date in an HTML page's source."""
    # Searched from the first 时间 or 日期 that every label ends with (two characters after its
    # start): str.find skips the head of the page several times faster than the regex scans it.
    first = html.find("时间")
    first_date = html.find("日期", 0, first + 1 if first >= 0 else len(html))
    if first_date >= 0:
        first = first_date
    if first < 0:
        return None
    match = _PUBLISH_MARKUP.search(html, max(0, first - 2))
    return iso_date(match.group(0)) if match else None


def document_title(title: str | bytes | None) -> str | None:
    """A document's own Title property, unless it is a converter's placeholder or a file name."""
    if isinstance(title, bytes):
        title = title.decode("utf-8", "replace")
    title = clean(str(title or ""))
    if not title or title.lower() in _PLACEHOLDER_TITLES or _FILE_NAME.search(title):
        return None
    return title


def is_chrome_line(line: str) -> bool:
    return len(line) <= _CHROME_MAX_CHARS and bool(_CHROME_LINE.search(line))
