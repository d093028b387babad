"""The dispatcher (size cap, kind sniffing) and the decoder (BOM, header, meta, detection)."""
from __future__ import annotations

import pytest

from parsers.errors import InputTooLarge, UnreadableInput
from parsers.readers import MAX_INPUT_BYTES, read, sniff_kind
from parsers.readers.encoding import decode
from tests.conftest import SEED_FILES, SEEDS_DIR

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# 祎 and 喆 are in GBK but not in GB2312: a page labelled gb2312 that uses them is common.
GBK_ONLY = "张祎、李喆：2022年政府信息公开工作年度报告"


def test_input_over_the_cap_is_refused_before_reading() -> None:
    with pytest.raises(InputTooLarge, match="over the 1000-byte limit"):
        read(b"<html>" + b" " * 2000, "text/html", max_bytes=1000)
    assert MAX_INPUT_BYTES == 50 * 1024 * 1024


@pytest.mark.parametrize(("data", "content_type", "url", "kind"), [
    (b"%PDF-1.7\n...", "text/html", None, "pdf"),  # magic bytes beat a wrong header
    (b"\r\n%PDF-1.4 after junk", None, None, "pdf"),
    (b"PK\x03\x04rest", "text/html", "http://x.gov.cn/a.html", "docx"),
    (OLE2 + b"rest", None, "http://x.gov.cn/a.doc", "doc"),
    (OLE2 + b"rest", None, "http://x.gov.cn/nb.WPS", "wps"),
    (OLE2 + b"rest", "application/kswps", None, "wps"),
    (b"{\\rtf1\\ansi hello}", None, "http://x.gov.cn/a.doc", "doc"),  # RTF served as .doc
    (b"<html xmlns:o='urn:schemas-microsoft-com:office:office'>", None, "http://x.gov.cn/a.doc", "html"),
    (b"<!DOCTYPE html><html>", None, None, "html"),
    (b"\xef\xbb\xbf  <div class=main><p>x</p>", "application/octet-stream", None, "html"),
    (b"# title\n\ntext", None, None, "markdown"),
    (b"title\ntext", None, "http://x.gov.cn/r.md?id=1", "markdown"),
    (b"<p>looks like html</p>", "text/plain", None, "text"),  # a declared text type is kept
    (b"plain words", None, "http://x.gov.cn/", "text"),
])
def test_sniff_kind(data: bytes, content_type: str | None, url: str | None, kind: str) -> None:
    assert sniff_kind(data, content_type, url) == kind


@pytest.mark.parametrize(("data", "content_type", "source"), [
    ("\ufeff" + GBK_ONLY, None, "bom"),
    (GBK_ONLY, "text/html; charset=GB2312", "header"),
    ('<meta charset="gb2312">' + GBK_ONLY, "text/html", "meta"),
    ("<meta http-equiv='Content-Type' content='text/html; charset=gbk'>" + GBK_ONLY, None, "meta"),
])
def test_declared_encodings(data: str, content_type: str | None, source: str) -> None:
    raw = data.encode("utf-8-sig") if source == "bom" else data.encode("gbk")
    decoded = decode(raw, content_type)
    assert decoded.source == source
    assert GBK_ONLY in decoded.text


def test_header_that_lies_falls_back_to_the_bytes() -> None:
    text = (SEEDS_DIR / SEED_FILES[0]).read_text(encoding="utf-8")
    decoded = decode(text.encode("gb18030"), "text/html; charset=utf-8")
    assert decoded.source == "gb18030" and decoded.encoding == "gb18030"
    assert decoded.text == text


@pytest.mark.parametrize(("text", "encoding"), [
    ("Rapport annuel: données publiées à l'été, numéro deux " * 20, "cp1252"),
    ("政府資訊公開工作年度報告，臺灣地區統計數據彙整。" * 20, "big5"),
])
def test_other_undeclared_encodings_go_to_the_detector(text: str, encoding: str) -> None:
    decoded = decode(text.encode(encoding), "text/html")
    assert decoded.source == "detected" and decoded.text == text


def test_utf8_page_with_a_stale_gb2312_declaration() -> None:
    page = '<meta charset="gb2312">' + GBK_ONLY
    decoded = decode(page.encode("utf-8"), "text/html; charset=gb2312")
    assert decoded.source == "utf-8" and GBK_ONLY in decoded.text


@pytest.mark.parametrize("data", [b"", b"  \n\t ", OLE2[:4] + bytes(range(256)) * 8])
def test_empty_or_binary_input_is_unreadable(data: bytes) -> None:
    with pytest.raises(UnreadableInput):
        read(data)

