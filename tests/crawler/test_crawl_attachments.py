"""crawler/documents.py: which links may lead to a document, and the kind a response really is."""
from __future__ import annotations

from urllib.parse import quote

import pytest

from crawler.documents import (DOCUMENT_MIME, Kind, decide_kind, disposition_filename,
                               file_stem, is_document_link, stated_content_type)
from replica import documents as docs

TEXT = docs.Seed.load("000").text
NAME = "宜春市工业和信息化局2022年政府信息公开工作年度报告.docx"


@pytest.mark.parametrize("header", [
    f'attachment; filename="{NAME}"'.encode("utf-8"),  # raw UTF-8
    f'attachment; filename="{NAME}"'.encode("gbk"),  # raw GBK (Hanweb, TRS on Windows)
    f"attachment; filename*=UTF-8''{quote(NAME)}".encode(),  # RFC 5987
    f'attachment; filename="fallback.docx"; filename*=utf-8\'\'{quote(NAME)}'.encode(),
    f"attachment; filename={quote(NAME)}".encode(),  # percent-encoded, no charset named
    f"attachment;filename={quote(NAME.encode('gbk'))}".encode(),  # percent-encoded GBK
])
def test_content_disposition_filenames(header: bytes) -> None:
    assert disposition_filename(header) == NAME


def test_content_disposition_without_a_name() -> None:
    assert disposition_filename(b"inline") is None and disposition_filename(None) is None


@pytest.mark.parametrize("url, text", [
    ("http://h/module/download/downfile.jsp?classid=0&filename=2302131102362.docx", ""),
    ("http://h/download.jsp?id=88", "下载"),
    ("http://h/getFile?fileId=7781", ""),
    ("http://h/attach/0/a8f3c2?name=x.pdf", ""),
    ("http://h/attach/0/a8f3c2", ""),
    ("http://h/show.aspx?code=1", "年报.wps"),
    ("http://h/fj/get.aspx?code=9f3", "下载"),
    ("http://h/fj/get.aspx?code=9f3", "[点击下载]"),
    ("http://h/show.aspx?code=1", "年报.ofd (235 KB)"),
    ("http://h/a/b.PDF", ""),
])
def test_document_links(url: str, text: str) -> None:
    assert is_document_link(url, text)


@pytest.mark.parametrize("url, text", [
    ("http://h/art/2023/1/30/art_2091_61584.html", "宜春市2022年政府信息公开工作年度报告"),
    ("http://h/col/col2091/index.html", "政府信息公开年报"),
    ("http://h/files/index.html", ""),
    ("http://h/xzzx/index.html", "下载中心"),
])
def test_pages_are_no_document_links(url: str, text: str) -> None:
    assert not is_document_link(url, text)


def test_kind_from_bytes_beats_every_label() -> None:
    pdf = docs.pdf_bytes(TEXT)
    assert decide_kind(pdf, "text/html", b'attachment; filename="a.docx"', "http://h/a.doc",
                       "a.wps") == Kind("pdf", "bytes")
    assert decide_kind(docs.docx_bytes(TEXT), "application/octet-stream", None,
                       "http://h/downfile.jsp?id=1", "") == Kind("docx", "bytes")


def test_ole2_bytes_take_their_kind_from_the_first_name() -> None:
    ole2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600
    assert decide_kind(ole2, "application/octet-stream", b'attachment; filename="r.wps"',
                       "http://h/d.jsp?f=r.doc", "") == Kind("wps", "bytes")
    assert decide_kind(ole2, None, None, "http://h/d.jsp?id=1", "") == Kind("doc", "bytes")


def test_weaker_evidence_in_order() -> None:
    body = b"\x00\x01unknown"
    assert decide_kind(body, "application/octet-stream", b"attachment; filename=r.ofd",
                       "http://h/x.pdf", "r.doc") == Kind("ofd", "content-disposition")
    assert decide_kind(body, "application/msword", None, "http://h/get?f=r.pdf", "r.wps") \
        == Kind("doc", "content-type")
    assert decide_kind(body, "application/x-download", None, "http://h/get?f=r.pdf", "r.wps") \
        == Kind("pdf", "query")
    assert decide_kind(body, None, None, "http://h/get?id=3", "r.wps") == Kind("wps", "link-text")
    # the URL path alone never decides: a .pdf path serving an HTML page is a page
    assert decide_kind(b"<html><body>404</body></html>", "text/html", None, "http://h/r.pdf",
                       "") == Kind("html", "content-type")
    assert decide_kind(body, None, None, "http://h/r.pdf", "") == Kind(None, "none")


def test_content_type_handed_on() -> None:
    docx = DOCUMENT_MIME["docx"]
    assert stated_content_type(Kind("docx", "bytes"), "application/octet-stream") == docx
    assert stated_content_type(Kind("docx", "content-type"), docx + "; x=1") == docx + "; x=1"
    assert stated_content_type(Kind("html", "content-type"), "text/html") == "text/html"


def test_file_stem() -> None:
    assert file_stem(NAME) == NAME[:-5] and file_stem("2302131102362.docx") == "2302131102362"
