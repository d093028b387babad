"""Bytes -> str for text-like inputs (HTML, plain text, markdown).

Order: byte-order mark, strict UTF-8, the HTTP header charset, the page's own <meta charset>
/http-equiv, a strict GB18030 decode that reads as Chinese, then charset-normalizer detection. The BOM goes first because it cannot lie (the
WHATWG encoding-sniffing algorithm lets it override the header too). Valid UTF-8 comes before
any declaration: Chinese government sites moved to UTF-8 but often kept a "gb2312" header or
meta in their templates, and UTF-8 bytes also decode without error as GB18030 (into
mojibake), while GBK text is practically never valid UTF-8. A declared charset is then used
only when the bytes decode cleanly with it.
"""
from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from charset_normalizer import from_bytes

# GB2312 and GBK are subsets of GB18030: decoding with the superset never loses a character
# that a page mislabelled "gb2312" actually uses (common on these sites).
_GB_FAMILY = {"gb2312", "gbk", "cp936", "ms936", "x-gbk", "gb_2312-80", "euc-cn", "hz-gb-2312"}
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.I)
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([\w.:-]+)", re.I)
_PRESCAN_BYTES = 4096  # where the HTML spec looks for a <meta charset>
# Undeclared and not UTF-8: on mainland government sites that is GBK nearly always, and a
# strict GB18030 decode that yields ordinary Chinese text settles it 100x faster than the
# statistical detector, which stays for everything else.
_COMMON_CJK = re.compile(r"[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef\u2014-\u201d\u00b7]")
_MIN_CJK_SHARE = 0.95
_GUESS_SAMPLE_CHARS = 20000


@dataclass
class Decoded:
    text: str
    encoding: str  # the Python codec name used
    source: str  # bom | utf-8 | header | meta | gb18030 | detected | fallback


def normalize_charset(label: str | None) -> str | None:
    """A codec name for a charset label, or None when Python does not know it."""
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    if label in _GB_FAMILY:
        return "gb18030"
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def header_charset(content_type: str | None) -> str | None:
    match = _HEADER_CHARSET.search(content_type or "")
    return match.group(1) if match else None


def meta_charset(data: bytes) -> str | None:
    match = _META_CHARSET.search(data[:_PRESCAN_BYTES])
    return match.group(1).decode("ascii", "replace") if match else None


def _strict(data: bytes, encoding: str | None) -> str | None:
    if encoding is None:
        return None
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _looks_chinese(text: str) -> bool:
    """Nearly all non-ASCII characters are common CJK ideographs or CJK/full-width punctuation."""
    sample = text[:_GUESS_SAMPLE_CHARS]
    foreign = len(sample) - len(sample.encode("ascii", "ignore"))
    chinese = len(sample) - len(_COMMON_CJK.sub("", sample))
    return foreign > 0 and chinese >= _MIN_CJK_SHARE * foreign


def decode(data: bytes, content_type: str | None = None) -> Decoded:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return Decoded(data.decode(encoding, errors="replace"), encoding, "bom")
    text = _strict(data, "utf-8")
    if text is not None:
        return Decoded(text, "utf-8", "utf-8")
    for source, label in (("header", header_charset(content_type)), ("meta", meta_charset(data))):
        encoding = normalize_charset(label)
        text = _strict(data, encoding)
        if text is not None:
            return Decoded(text, encoding, source)  # type: ignore[arg-type]
    text = _strict(data, "gb18030")
    if text is not None and _looks_chinese(text):
        return Decoded(text, "gb18030", "gb18030")
    best = from_bytes(data).best()
    encoding = normalize_charset(best.encoding) if best is not None else None
    if encoding is not None:
        return Decoded(data.decode(encoding, errors="replace"), encoding, "detected")
    # Nothing fits: these sites are Chinese, and GB18030 maps every byte sequence it can.
    return Decoded(data.decode("gb18030", errors="replace"), "gb18030", "fallback")
