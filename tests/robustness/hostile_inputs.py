"""Generated hostile inputs for the bad-input campaign (tests/robustness, bench/robustness.py).

Deterministic (seeded): corrupt and truncated HTML / DOCX / PDF made from a real seed report,
ZIP bombs disguised as DOCX, XML entity expansion and external entities inside DOCX parts,
deeply nested HTML, invalid byte sequences under every declared encoding, huge tables, PDF
object loops, and random bytes under every content type. Each input says what it is.
"""
from __future__ import annotations

import io
import random
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from tests.conftest import SEEDS_DIR, seed_expected
from tests.parsers.fixture_builders import seed_report, to_docx, to_html, to_pdf

ENCODINGS = ("utf-8", "gbk", "gb2312", "gb18030", "big5", "utf-16")
CONTENT_TYPES = (
    "text/html", "text/plain", "application/pdf", "application/msword",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document", None,
)
DOCX_TYPE = CONTENT_TYPES[4]
SECRET_MARK = "nianbao-xxe-canary"  # written to a temp file an external entity points at


@dataclass
class Hostile:
    name: str  # family/variant, unique
    data: bytes
    content_type: str | None
    url: str | None = None


@lru_cache(maxsize=1)
def _bases() -> dict[str, bytes]:
    name = "000_7deeb89319d6e7c7.txt"
    seed = seed_report((SEEDS_DIR / name).read_text(encoding="utf-8"),
                       seed_expected()[name]["cells"])
    return {"html": to_html(seed).encode("utf-8"), "docx": to_docx(seed), "pdf": to_pdf(seed)}


_BASE_TYPES = {"html": "text/html", "docx": DOCX_TYPE, "pdf": "application/pdf"}


def _mutations(rng: random.Random, data: bytes) -> Iterator[tuple[str, bytes]]:
    """Truncations, byte flips, deleted and repeated chunks."""
    size = len(data)
    yield "truncated", data[:rng.randrange(1, size)]
    flipped = bytearray(data)
    for _ in range(rng.randrange(1, 64)):
        flipped[rng.randrange(size)] = rng.randrange(256)
    yield "flipped", bytes(flipped)
    start = rng.randrange(size)
    yield "chunk-deleted", data[:start] + data[start + rng.randrange(1, 4096):]
    start = rng.randrange(size)
    chunk = data[start:start + rng.randrange(1, 512)]
    yield "chunk-repeated", data[:start] + chunk * rng.randrange(2, 50) + data[start:]


def corrupt_documents(rng: random.Random, rounds: int) -> Iterator[Hostile]:
    for kind, data in _bases().items():
        for index in range(rounds):
            for variant, mutated in _mutations(rng, data):
                yield Hostile(f"corrupt-{kind}/{variant}-{index}", mutated, _BASE_TYPES[kind])


def _docx_with(parts: dict[str, bytes | str], compress: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A DOCX-shaped ZIP: the real package with some parts replaced or added."""
    source = zipfile.ZipFile(io.BytesIO(_bases()["docx"]))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compress) as target:
        for item in source.infolist():
            if item.filename not in parts:
                target.writestr(item, source.read(item.filename))
        for name, content in parts.items():
            target.writestr(name, content)
    return out.getvalue()


def _zip_bomb(inflated_mb: int, member: str = "word/document.xml") -> bytes:
    """The real DOCX package whose `member` inflates to `inflated_mb` MB of spaces (about
    1000:1), streamed into the archive so building it never holds the inflated bytes."""
    source = zipfile.ZipFile(io.BytesIO(_bases()["docx"]))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target:
        for item in source.infolist():
            if item.filename != member:
                target.writestr(item, source.read(item.filename))
        with target.open(member, "w", force_zip64=True) as stream:
            stream.write(b'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxml'
                         b'formats.org/wordprocessingml/2006/main"><w:body>')
            chunk = b" " * (1 << 20)
            for _ in range(inflated_mb):
                stream.write(chunk)
    return out.getvalue()


def zip_bombs(inflated_mb: int) -> Iterator[Hostile]:
    yield Hostile(f"zip-bomb/document-{inflated_mb}mb", _zip_bomb(inflated_mb), DOCX_TYPE)
    yield Hostile(f"zip-bomb/styles-{inflated_mb}mb", _zip_bomb(inflated_mb, "word/styles.xml"),
                  DOCX_TYPE)
    yield Hostile("zip-bomb/as-octet-stream", _zip_bomb(inflated_mb), "application/octet-stream",
                  "http://127.0.0.1/report.docx")
    many = {f"word/media/f{i}.xml": b"<a/>" for i in range(20000)}
    yield Hostile("zip-bomb/20000-members", _docx_with(many), DOCX_TYPE)


_LAUGHS = "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
def _xml_attacks(secret_path: str) -> dict[str, tuple[str, str]]:
    return {
        "billion-laughs": (f'<!DOCTYPE w:document [<!ENTITY lol0 "lol">{_LAUGHS}]>', "&lol9;"),
        "quadratic-blowup": (f'<!DOCTYPE w:document [<!ENTITY a "{"x" * 100000}">]>',
                             "&a;" * 20000),
        "external-file": (f'<!DOCTYPE w:document [<!ENTITY s SYSTEM "file://{secret_path}">]>',
                          "&s;"),
        "external-dtd": ('<!DOCTYPE w:document SYSTEM "http://127.0.0.1:9/evil.dtd">', "x"),
        "parameter-entity": (f'<!DOCTYPE w:document [<!ENTITY % p SYSTEM "file://{secret_path}">'
                             "%p;]>", "x"),
    }


def xml_entity_attacks(secret_path: str) -> Iterator[Hostile]:
    """Entity tricks inside the DOCX parts python-docx parses, and in XHTML."""
    ns = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    for name, (doctype, text) in _xml_attacks(secret_path).items():
        document = (f'<?xml version="1.0"?>{doctype}<w:document {ns}><w:body><w:p><w:r><w:t>'
                    f"{text}</w:t></w:r></w:p></w:body></w:document>")
        yield Hostile(f"xml/{name}/document", _docx_with({"word/document.xml": document}),
                      DOCX_TYPE)
        types = f'<?xml version="1.0"?>{doctype.replace("w:document", "Types")}<Types/>'
        yield Hostile(f"xml/{name}/content-types", _docx_with({"[Content_Types].xml": types}),
                      DOCX_TYPE)
        xhtml = f'<?xml version="1.0"?>{doctype.replace("w:document", "html")}<html><body><p>{text}</p></body></html>'
        yield Hostile(f"xml/{name}/xhtml", xhtml.encode(), "application/xhtml+xml")


def deep_nesting(levels: int) -> Iterator[Hostile]:
    for tag in ("div", "table", "span", "td"):
        closed = f"<{tag}>" * levels + "年度报告" + f"</{tag}>" * levels
        yield Hostile(f"nesting/{tag}-{levels}", f"<html><body>{closed}</body></html>".encode(),
                      "text/html")
    yield Hostile(f"nesting/unclosed-{levels}", ("<html><body>" + "<div><p>" * levels).encode(),
                  "text/html")
    nested = "<w:tbl><w:tr><w:tc>" * (levels // 10) + "</w:tc></w:tr></w:tbl>" * (levels // 10)
    ns = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    document = f'<?xml version="1.0"?><w:document {ns}><w:body>{nested}</w:body></w:document>'
    yield Hostile(f"nesting/docx-tables-{levels // 10}",
                  _docx_with({"word/document.xml": document}), DOCX_TYPE)
    yield Hostile(f"nesting/pdf-arrays-{levels}",
                  _pdf_with_object(b"[" * levels + b"]" * levels), "application/pdf")


def _invalid_variants(rng: random.Random, encoding: str) -> Iterator[tuple[str, bytes]]:
    text = "二、主动公开政府信息情况 规章 行政规范性文件 0 1 3 ¥ 丟 壹"
    good = text.encode(encoding, errors="replace")
    garbage = bytes(rng.randrange(128, 256) for _ in range(64))
    yield "random-high-bytes", good[:10] + garbage + good[10:]
    yield "truncated-multibyte", good + (b"\xe4\xb8" if encoding != "utf-16" else b"\x00")
    other = "gbk" if encoding != "gbk" else "utf-8"
    yield f"really-{other}", text.encode(other, errors="replace")
    yield "lone-surrogates", "\ud800\udfff".encode("utf-16-le", "surrogatepass") + good
    yield "nul-bytes", good.replace(b" ", b"\x00")


FORMS = ("html", "text", "undeclared")


def invalid_encodings(rng: random.Random, forms: tuple[str, ...] = FORMS) -> Iterator[Hostile]:
    """Every variant in every encoding, as a page declaring it, as declared plain text, and
    as bytes with no declaration."""
    for encoding in ENCODINGS:
        for variant, body in _invalid_variants(rng, encoding):
            head = f'<html><head><meta charset="{encoding}"><title>report</title></head><body><p>'
            shapes = {"html": (head.encode("ascii") + body + b"</p></body></html>",
                               f"text/html; charset={encoding}"),
                      "text": (body, f"text/plain; charset={encoding}"), "undeclared": (body, None)}
            for form in forms:
                data, content_type = shapes[form]
                yield Hostile(f"encoding/{encoding}/{variant}/{form}", data, content_type)


def huge_tables(rows: int) -> Iterator[Hostile]:
    line = "<tr><td>（一）予以公开</td>" + "<td>1</td>" * 7 + "</tr>"
    yield Hostile(f"huge/html-{rows}-rows",
                  f"<html><body><table>{line * rows}</table></body></html>".encode(), "text/html")
    yield Hostile(f"huge/html-{rows}-columns",
                  f"<html><body><table><tr>{'<td>1</td>' * rows}</tr></table></body></html>"
                  .encode(), "text/html")
    yield Hostile(f"huge/text-{rows}-rows", ("\t规章\t0\t0\t0\n\n" * rows).encode(), "text/plain")
    ns = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    row = "<w:tr>" + "<w:tc><w:p><w:r><w:t>1</w:t></w:r></w:p></w:tc>" * 8 + "</w:tr>"
    document = (f'<?xml version="1.0"?><w:document {ns}><w:body><w:tbl>{row * rows}</w:tbl>'
                "</w:body></w:document>")
    yield Hostile(f"huge/docx-{rows}-rows", _docx_with({"word/document.xml": document}), DOCX_TYPE)
    yield Hostile("huge/html-one-10mb-cell",
                  f"<html><body><table><tr><td>{'壹' * 3_500_000}</td></tr></table></body></html>"
                  .encode(), "text/html")


def _pdf_with_object(body: bytes, stream: bytes | None = None) -> bytes:
    """A small hand-made PDF whose page content (object 4) is `body`, or a stream."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
               body if stream is None else body + b"\nstream\n" + stream + b"\nendstream"]
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n")
    offsets = []
    for number, obj in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + obj + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
              % (len(objects) + 1, xref))
    return out.getvalue()


def pdf_attacks(text_ops: int) -> Iterator[Hostile]:
    pdf = "application/pdf"
    loop = _pdf_with_object(b"<< >>").replace(b"/Kids [3 0 R]", b"/Kids [2 0 R 3 0 R]")
    yield Hostile("pdf/pages-tree-loop", loop, pdf)
    compressor = zlib.compressobj(1)
    chunk = b"BT /F1 12 Tf 72 712 Td (x) Tj ET\n" * min(text_ops, 30000)
    bomb = b"".join(compressor.compress(chunk) for _ in range(max(text_ops // 30000, 1)))
    bomb += compressor.flush()
    yield Hostile(f"pdf/flate-bomb-{text_ops}-ops",
                  _pdf_with_object(b"<< /Length %d /Filter /FlateDecode >>" % len(bomb), bomb), pdf)
    yield Hostile("pdf/lying-length", _pdf_with_object(b"<< /Length 999999999 >>", b"BT ET"), pdf)
    yield Hostile("pdf/xref-garbage", _pdf_with_object(b"<< >>").replace(b"xref", b"xrfe"), pdf)
    yield Hostile("pdf/no-objects", b"%PDF-1.4\n%%EOF\n", pdf)
    yield Hostile("pdf/huge-page-count",
                  _pdf_with_object(b"<< >>").replace(b"/Count 1", b"/Count 2147483647"), pdf)


def random_bytes(rng: random.Random, per_type: int) -> Iterator[Hostile]:
    prefixes = (b"", b"PK\x03\x04", b"%PDF-1.7\n", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"<html>")
    for content_type in CONTENT_TYPES:
        for index in range(per_type):
            size = rng.choice((0, 1, 7, 300, 4096, 65536))
            data = rng.choice(prefixes) + rng.randbytes(size)
            yield Hostile(f"random/{content_type}/{index}", data, content_type)


def hostile_inputs(full: bool, secret_path: str) -> list[Hostile]:
    """The whole campaign (full: over 1,000 inputs) or its sample for the default test run
    (every family, fewer random variants, smaller bombs)."""
    rng = random.Random(20261127)
    families: list[Callable[[], Iterator[Hostile]]] = [
        lambda: corrupt_documents(rng, 64 if full else 2),
        lambda: random_bytes(rng, 30 if full else 2),
        lambda: invalid_encodings(rng, forms=FORMS if full else FORMS[:1]),
        lambda: xml_entity_attacks(secret_path),
        lambda: zip_bombs(1024 if full else 256),
        lambda: deep_nesting(100_000),
        lambda: huge_tables(100_000 if full else 10_000),
        lambda: pdf_attacks(2_000_000 if full else 3_000),
    ]
    inputs = [item for family in families for item in family()]
    return inputs
