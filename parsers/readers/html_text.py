"""Reports printed as text inside an HTML page, routed through the text and markdown reader.

Archives and small sites paste the report as text rather than as tables: in a <pre> or a
<textarea> (often a markdown export), as lines separated by <br>, or one <p> per table row
with TAB-separated cells. The HTML reader collapses whitespace, which loses the TABs that
carry the table structure, so such an article is read from its text as printed instead.
"""
from __future__ import annotations

import re

from lxml import etree

_LANDMARKS = ("收到和处理", "本年新收", "自然人", "信息内容", "行政复议")
_VERBATIM_TAGS = ("pre", "textarea")
_LINE_TAGS = frozenset(("p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6",
                        "section", "article", "blockquote", "dt", "dd", "table", "hr"))
_SKIP_TAGS = frozenset(("script", "style", "noscript", "template", "head", "select", "button"))
# A line break in the page source is a space; a whitespace-only text holding one is nothing
# (the indentation of pretty-printed markup, whose tabs are not cell separators).
_SOURCE_BREAKS = re.compile(r"[\r\n]+")
_INDENT = re.compile(r"\s*[\r\n]\s*")
_LEADING_INDENT = re.compile(r"^\s*[\r\n]\s*")  # opening an element's text: "<p>\n\t\t一、…"
_MIN_TAB_LINES = 5  # TAB-structured lines an article needs to be read as text
# A block element's edges are soft line breaks (two adjacent blocks make one line break, not a
# blank line), a <br> is a hard one: blank lines separate table rows in cell-per-line text.
_SOFT = "\x00"
_SOFT_BREAKS = re.compile(r"\n?\x00+\n?")


def _landmarks(text: str) -> int:
    return sum(word in text for word in _LANDMARKS)


def verbatim_report(root: etree._Element) -> str | None:
    """The text of the <pre> or <textarea> holding the report (the one naming most of the
    report's table landmarks, at least two), as printed."""
    best, best_hits = None, 1
    for element in root.iter(*_VERBATIM_TAGS):
        text = "".join(element.itertext())
        hits = _landmarks(text)
        if hits > best_hits:
            best, best_hits = text, hits
    return best


def tab_owners(root: etree._Element) -> list[etree._Element]:
    """Elements whose own text holds a TAB that is not markup indentation: where the article
    printed as TAB-separated text sits."""
    owners = []
    for element in root.iter():
        for text, owner in ((element.text, element), (element.tail, element.getparent())):
            if text and "\t" in text and owner is not None and "\t" in _source_text(
                    _LEADING_INDENT.sub("", text) if owner is element else text):
                owners.append(owner)
    return owners


def tab_structured_text(body: etree._Element) -> str | None:
    """The article as lines (a line per block element and <br>) keeping the TABs inside them,
    when enough of its lines carry TAB-separated cells to be a table printed as text."""
    parts: list[str] = []
    _walk(body, parts)
    text = _SOFT_BREAKS.sub("\n", "".join(parts))
    lines = [line.strip(" \u00a0\u3000") for line in text.split("\n")]
    if sum(1 for line in lines if "\t" in line and line.strip()) < _MIN_TAB_LINES:
        return None
    text = "\n".join(lines)
    return text if _landmarks(text) >= 2 else None


def _source_text(text: str) -> str:
    return "" if _INDENT.fullmatch(text) else _SOURCE_BREAKS.sub(" ", text)


def _walk(element: etree._Element, parts: list[str]) -> None:
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag in _SKIP_TAGS:
        if element.tail:
            parts.append(_source_text(element.tail))
        return
    if tag == "br":
        parts.append("\n")
    line = tag in _LINE_TAGS and tag != "br"
    if line:
        parts.append(_SOFT)
    if element.text and tag:
        parts.append(_source_text(_LEADING_INDENT.sub("", element.text)))
    for child in element:
        _walk(child, parts)
    if line:
        parts.append(_SOFT)
    if element.tail:
        parts.append(_source_text(element.tail))
