"""Give a text response the right encoding when neither the header nor the page declares one.

Hanweb serves GBK with a bare `Content-Type: text/xml`; Scrapy would then guess cp1252. Strict
UTF-8 is tried first (a clean decode is strong evidence), then charset-normalizer decides.
"""
from __future__ import annotations

from charset_normalizer import from_bytes
from scrapy.http import TextResponse
from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding, read_bom


def declared_encoding(response: TextResponse) -> str | None:
    content_type = (response.headers.get(b"Content-Type") or b"").decode("latin-1")
    return (http_content_type_encoding(content_type) or read_bom(response.body)[0]
            or html_body_declared_encoding(response.body))


def guess_encoding(body: bytes) -> str:
    try:
        body.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        best = from_bytes(body).best()
        return best.encoding if best else "gb18030"


def with_encoding(response: TextResponse) -> TextResponse:
    if declared_encoding(response):
        return response
    return response.replace(encoding=guess_encoding(response.body))
