"""Documents behind links: which links may lead to one, and what kind a response really is.

CMSes serve report files from download endpoints whose path says nothing (Hanweb's
`/module/download/downfile.jsp?classid=0&filename=2302131102362.docx`, `download.jsp?id=…`,
`getFile?fileId=…`, `/attach/…?name=…`), as `application/octet-stream` with a
`Content-Disposition` filename. The kind is decided by evidence in order of strength: the bytes,
the Content-Disposition filename, the Content-Type, the query's file names, the link text.
The URL path alone never decides it (a `.jsp` may serve a PDF, a `.pdf` an error page).
"""
from __future__ import annotations

import email.message
import io
import re
import zipfile
from dataclasses import dataclass
from email.header import decode_header, make_header
from email.utils import collapse_rfc2231_value
from urllib.parse import parse_qsl, unquote_to_bytes, urlsplit

from parsers.readers import magic

# Kinds a report is published in, by file extension, and the MIME type each is handed on as.
DOCUMENT_MIME = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "doc": "application/msword",
    "wps": "application/kswps",
    "ofd": "application/ofd",
    "xls": "application/vnd.ms-excel",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "txt": "text/plain",
}
_MIME_KIND = {**{mime: kind for kind, mime in DOCUMENT_MIME.items()},
              "application/vnd.ms-works": "wps", "application/wps-office.wps": "wps",
              "application/x-pdf": "pdf", "text/html": "html", "application/xhtml+xml": "html"}
# Labels that say only "some bytes": the kind must come from weaker evidence.
_GENERIC_MIME = {"", "application/octet-stream", "application/x-download", "application/download",
                 "application/force-download", "application/x-msdownload", "binary/octet-stream",
                 "application/unknown"}
_OLE2_KINDS = ("doc", "wps", "xls")  # one container format: the name tells them apart
# A name ending in a document extension, maybe followed by a size: "年报.pdf (235 KB)".
_NAMED = re.compile(r"\.(pdf|docx?|wps|ofd|xlsx?|txt)\s*(?:[(（\[【][^)）\]】]{0,20}[)）\]】])?\s*$",
                    re.I)
# The last path segment of a download endpoint (downfile.jsp, download.do, getFile, fileDown…)
# or a folder of attachments (/attach/, /fujian/).
_ENDPOINT = re.compile(r"down|getfile|attach|fujian|/file/|fileget|showfile|readfile", re.I)
# A link saying only "download" serves a file from whatever URL the CMS uses (get.aspx?code=…).
_DOWNLOAD_TEXT = re.compile(r"^[\[【]?(?:附件\S{0,4}|点击下载|(?:原文|全文|附件)?下载(?:附件|原文|全文)?)[\]】]?$")


@dataclass(frozen=True)
class Kind:
    kind: str | None  # pdf | docx | doc | wps | ofd | xls | xlsx | txt | html, None if unknown
    evidence: str  # bytes | content-disposition | content-type | query | link-text | none

    @property
    def is_document(self) -> bool:
        return self.kind is not None and self.kind != "html"


def named_kind(name: str | None) -> str | None:
    """The document kind a file name (or link text) ends in: '…年度报告.docx' -> 'docx'."""
    match = _NAMED.search(name or "")
    return match.group(1).lower() if match else None


def query_kind(url: str) -> str | None:
    """The kind of a file named in the query: `?filename=2302131102362.docx` -> 'docx'."""
    for _, value in parse_qsl(urlsplit(url).query):
        kind = named_kind(value.rsplit("/", 1)[-1])
        if kind:
            return kind
    return None


def path_kind(url: str) -> str | None:
    return named_kind(urlsplit(url).path.rsplit("/", 1)[-1])


def is_download_endpoint(url: str) -> bool:
    """A link that may serve a file whatever its path says (decided once it answers)."""
    parts = urlsplit(url)
    return bool(_ENDPOINT.search(parts.path)) and bool(parts.query or "/attach" in parts.path.lower())


def is_document_link(url: str, text: str = "") -> bool:
    """A link that names a document: its text, a query parameter or its path ends in a
    document extension, it is a download endpoint, or its text says only 下载 / 附件."""
    return bool(named_kind(text) or query_kind(url) or path_kind(url) or is_download_endpoint(url)
                or _DOWNLOAD_TEXT.match(text.strip()))


def disposition_filename(raw: bytes | str | None) -> str | None:
    """The file name of a Content-Disposition header: RFC 6266/5987 `filename*=UTF-8''…`,
    plain `filename=` raw in UTF-8 or GBK, percent-encoded, or RFC 2047 encoded-words."""
    if not raw:
        return None
    text = _decode_bytes(raw) if isinstance(raw, bytes) else raw
    message = email.message.Message()
    message["Content-Disposition"] = text
    values = [v for k, v in message.get_params([], header="content-disposition") if k == "filename"]
    if not values:
        return None
    # RFC 6266: filename* (decoded by email into a (charset, language, text) tuple) wins
    name = collapse_rfc2231_value(max(values, key=lambda v: isinstance(v, tuple)))
    if name.startswith("=?"):
        try:
            name = str(make_header(decode_header(name)))
        except (ValueError, LookupError):
            pass
    elif "%" in name and name.isascii():
        name = _decode_bytes(unquote_to_bytes(name))
    return name.strip().rsplit("/", 1)[-1].rsplit("\\", 1)[-1] or None


def _decode_bytes(raw: bytes) -> str:
    """Names as servers send them: raw UTF-8 or GBK, whatever RFC 7230 says."""
    for codec in ("utf-8", "gb18030"):
        try:
            return raw.decode(codec)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")


def bytes_kind(body: bytes) -> str | None:
    """pdf | docx | ofd | xlsx | ole2 (doc, wps or xls) | None, from the first bytes."""
    if magic.PDF in body[:1024]:
        return "pdf"
    if body.startswith(magic.OLE2) or body[:64].lstrip().startswith(magic.RTF):
        return "ole2"
    if body.startswith(magic.ZIP):
        try:
            names = zipfile.ZipFile(io.BytesIO(body)).namelist()
        except (zipfile.BadZipFile, ValueError):
            return None
        if any(n.lower().endswith("ofd.xml") for n in names):
            return "ofd"
        if any(n.startswith("xl/") for n in names):
            return "xlsx"
        return "docx" if any(n.startswith("word/") for n in names) else None
    return None


def decide_kind(body: bytes, content_type: str | None, disposition: bytes | str | None,
                url: str, link_text: str = "") -> Kind:
    """The response's kind and the strongest evidence for it (see the module docstring)."""
    names = [("content-disposition", named_kind(disposition_filename(disposition))),
             ("query", query_kind(url)), ("link-text", named_kind(link_text))]
    sniffed = bytes_kind(body)
    if sniffed == "ole2":  # the container says document; the first name that is one says which
        named = next((k for _, k in names if k in _OLE2_KINDS), "doc")
        return Kind(named, "bytes")
    if sniffed:
        return Kind(sniffed, "bytes")
    if names[0][1]:
        return Kind(names[0][1], names[0][0])
    mime = (content_type or "").split(";")[0].strip().lower()
    if mime not in _GENERIC_MIME:
        return Kind(_MIME_KIND.get(mime), "content-type")
    for evidence, kind in names[1:]:
        if kind:
            return Kind(kind, evidence)
    return Kind(None, "none")


def stated_content_type(kind: Kind, content_type: str | None) -> str | None:
    """The content type to hand on: the server's unless stronger evidence contradicts it or it
    says nothing (octet-stream), so the parser reads a download endpoint's DOCX as a DOCX."""
    if not kind.is_document or kind.evidence == "content-type":
        return content_type
    return DOCUMENT_MIME.get(kind.kind or "", content_type)


def file_stem(name: str | None) -> str:
    """A file name without its extension: '宜春市…年度报告.docx' -> '宜春市…年度报告'."""
    return _NAMED.sub("", name or "").strip()
