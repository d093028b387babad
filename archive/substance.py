"""A report's narrative as the archive compares it: what the agency wrote, not how a reader
or a printer laid it out.

The same report read from an HTML page, a DOCX, a browser-printed PDF and a text copy gives
texts that differ in ways no agency made: compatibility forms (full-width digits, U+2002 and
U+3000 spaces), spaces a PDF puts between CJK and digits ("2022 年"), lines broken where the
page ended, running headers, page numbers and the browser's print header and footer. The
content hash and the paragraph diff see the text after `paragraphs()` removes all of these.
"""
from __future__ import annotations

import re
from collections import Counter

from parsers.nfkc import nfkc

# CJK ideographs, CJK punctuation and full-width forms: a space beside one carries no meaning
# in Chinese text (writers and converters put them in freely).
_CJK = r"\u2e80-\u2fff\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
_SPACE_BESIDE_CJK = re.compile(rf"(?<=[{_CJK}“”‘’]) | (?=[{_CJK}“”‘’])")
_SPACES = re.compile(r"\s+")
# A line that ends a paragraph: closing punctuation. Other lines of a PDF were broken by the
# page width and go on in the next line.
_PARAGRAPH_END = re.compile(r"[。！？；：…”」』）)!?;:]$")
# A line that starts one: a heading or list marker (一、 （一） 1. ① 第一章).
_PARAGRAPH_START = re.compile(
    r"^(第[一二三四五六七八九十百]+[章节部分条]|[一二三四五六七八九十]+[、.．]|"
    r"[(（][一二三四五六七八九十\d]+[)）]|\d+[、.．](?!\d)|[①-⑳])")
_HEADING_CHARS = 30  # a marked line this short, one sentence at most, is a heading
_WORD_END, _WORD_START = re.compile(r"[A-Za-z0-9]$"), re.compile(r"[A-Za-z0-9]")
# Page furniture: page numbers ("- 3 -", "第3页 共5页", "3/5", "Page 3 of 5"), the browser's
# print footer (URL and "n/m") and header (date and time, then the page title).
_FURNITURE = re.compile(
    r"^[-—–_·•\s]*(第\s*\d+\s*页(\s*[,，/／]?\s*共\s*\d+\s*页)?|\d{1,4}(\s*[/／]\s*\d{1,4})?"
    r"|page\s*\d+(\s*of\s*\d+)?)[-—–_·•\s]*$"
    r"|^(https?|file)://\S*\s+\d{1,4}\s*/\s*\d{1,4}$"
    r"|^\d{1,4}[/-]\d{1,2}[/-]\d{1,4},?\s+\d{1,2}:\d{2}(\s*[AP]M)?\b",
    re.IGNORECASE)
# The browser's print footer (URL, page n/m) where a PDF reader ran it into a line of text.
_INLINE_FOOTER = re.compile(r"(?:https?|file)://\S+?\s+\d{1,4}\s*/\s*\d{1,4}(?!\d)")
_REPEATED_MAX_CHARS = 60  # a running header is short; a repeated long line is content
_DIGITS = re.compile(r"\d+")


def normalise_line(line: str) -> str:
    """NFKC, every run of Unicode spaces one space, no space beside CJK (so none between CJK
    and digits either)."""
    line = _SPACES.sub(" ", nfkc(line)).strip()
    return _SPACE_BESIDE_CJK.sub("", line)


def _running_key(line: str) -> str:
    # no NFKC (the costly part): a running header is printed alike on every page
    return _DIGITS.sub("#", _SPACES.sub(" ", line).strip())


def running_lines(text: str | None) -> frozenset[str]:
    """Short lines printed more than once, digits aside ("- 3 -", a running header): page
    headers and footers of a paged document. Give them to paragraphs() of its sections."""
    counts = Counter(_running_key(line) for line in (text or "").splitlines())
    return frozenset(line for line, n in counts.items()
                     if n > 1 and line and len(line) <= _REPEATED_MAX_CHARS)


Paragraph = tuple[str, str]  # (normalised: what is compared, shown: the text as printed)


def paragraphs(text: str | None, running: frozenset[str] = frozenset()) -> list[Paragraph]:
    """The text's paragraphs, page furniture dropped, soft line breaks joined: each as its
    normalised form and as printed (spaces collapsed) for showing in a diff."""
    out: list[Paragraph] = []
    joinable = False
    for raw in (text or "").splitlines():
        raw = _INLINE_FOOTER.sub("", raw)
        if running and _running_key(raw) in running:
            continue
        line = normalise_line(raw)
        if not line or _FURNITURE.search(line):
            continue
        starts = bool(_PARAGRAPH_START.match(line))
        shown = _SPACES.sub(" ", raw).strip()
        if out and joinable and not starts:
            out[-1] = (_join(out[-1][0], line), _join(out[-1][1], shown))
        else:
            out.append((line, shown))
        heading = starts and len(line) <= _HEADING_CHARS and "。" not in line[:-1]
        joinable = not heading and not _PARAGRAPH_END.search(out[-1][0])
    return out


def _join(left: str, right: str) -> str:
    """Two parts of a paragraph broken by the page width: a space only between two words."""
    seam = " " if _WORD_END.search(left) and _WORD_START.match(right) else ""
    return f"{left}{seam}{right}"


def section_paragraphs(sections: dict[str, str],
                       full_text: str | None) -> dict[str, list[Paragraph]]:
    """Each section's paragraphs (running headers found in the full text); empty ones left out."""
    running = running_lines(full_text)
    split = {key: paragraphs(value, running) for key, value in sorted(sections.items())}
    return {key: value for key, value in split.items() if value}


def normalised_sections(sections: dict[str, str], full_text: str | None) -> dict[str, str]:
    """Each section's normalised paragraphs, one a line: what the content hash covers."""
    return {key: "\n".join(n for n, _ in value)
            for key, value in section_paragraphs(sections, full_text).items()}
