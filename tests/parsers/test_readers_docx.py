"""DOCX reader: seed reports written by python-docx with merged cells; hostile packages."""
from __future__ import annotations

import io
import zipfile

import pytest

from parsers import parse
from parsers.document import Table
from parsers.errors import UnreadableInput
from parsers.readers import read
from parsers.readers import docx as docx_reader
from tests.conftest import SEED_FILES
from tests.parsers.fixture_builders import expected_document, seed_reports, to_docx

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _cells(report) -> list[tuple]:
    return [(c.key, c.value, c.raw) for c in report.cells]


@pytest.fixture(scope="module")
def seed_docx() -> bytes:
    return to_docx(seed_reports()[SEED_FILES[0]])


def _repacked(data: bytes, replace: dict[str, bytes]) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, replace.pop(info.filename, None) or source.read(info))
        for name, content in replace.items():
            target.writestr(name, content)
    return out.getvalue()


@pytest.mark.parametrize("seed_file", SEED_FILES)
def test_seed_docx_reads_as_its_document(seed_file: str) -> None:
    seed = seed_reports()[seed_file]
    document = read(to_docx(seed), DOCX_TYPE)
    assert document.kind == "docx"
    assert document.blocks == expected_document(seed, "docx").blocks
    assert document.title == expected_document(seed, "docx").blocks[0]


def test_merged_cells_appear_once(seed_docx: bytes) -> None:
    tables = read(seed_docx).tables()
    requests = tables[1].rows
    assert requests[0][0].startswith("（本列数据的勾稽关系")
    assert len(requests[0]) == 2 and len(requests[1]) == 3 and len(requests[2]) == 5
    assert requests[5][:2] == ["三、本年度办理结果", "（一）予以公开"]
    assert requests[6][0].startswith("（二）部分公开") and len(requests[6]) == 8


def test_tracked_changes_read_as_accepted() -> None:
    import docx
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    document = docx.Document()
    paragraph = document.add_paragraph("一、总体")
    paragraph._p.append(parse_xml(f'<w:ins {nsdecls("w")} w:id="1" w:author="a"><w:r><w:t>情况</w:t></w:r></w:ins>'))
    paragraph._p.append(parse_xml(f'<w:del {nsdecls("w")} w:id="2" w:author="a"><w:r><w:delText>草稿</w:delText></w:r></w:del>'))
    document.add_paragraph("共").add_run().add_tab()
    out = io.BytesIO()
    document.save(out)
    assert read(out.getvalue(), DOCX_TYPE).blocks == ["一、总体情况", "共"]


def test_marker_characters_in_the_text_do_not_split_it() -> None:
    """The reader marks paragraph and cell ends with private-use characters: ones already in
    the document are dropped, not read as boundaries."""
    import docx

    document = docx.Document()
    document.add_paragraph("一、总体\ue000情况\ue003")
    document.add_table(rows=1, cols=2).rows[0].cells[0].text = "行政\ue001许可"
    out = io.BytesIO()
    document.save(out)
    blocks = read(out.getvalue(), DOCX_TYPE).blocks
    assert blocks == ["一、总体情况", Table([["行政许可", ""]])]


@pytest.mark.parametrize(("core_title", "title"), [
    ("樟树市工信局2023年政府信息公开工作年度报告", "樟树市工信局2023年政府信息公开工作年度报告"),
    ("2023年报.docx", None), ("Microsoft Word - 年报.doc", None), ("", None)])
def test_title_property_unless_a_file_name(core_title: str, title: str | None) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("正文")
    document.core_properties.title = core_title
    out = io.BytesIO()
    document.save(out)
    read_back = read(out.getvalue(), DOCX_TYPE)
    assert read_back.title == title and not read_back.warnings


@pytest.mark.parametrize(("style", "core_title", "title"), [
    ("Title", "", "樟树市工信局2023年政府信息公开年报"),
    ("Heading 1", "core", "樟树市工信局2023年政府信息公开年报"),
    (None, "樟树市工信局政务公开年报（2023）", "樟树市工信局政务公开年报（2023）"),
    (None, "", None)])
def test_report_title_from_the_styles_or_properties_when_the_text_has_none(
        style: str | None, core_title: str, title: str | None) -> None:
    """The title read on demand: the text's first lines end in no 报告, so the report asks."""
    import docx

    document = docx.Document()
    document.add_paragraph("樟树市工信局2023年政府信息公开年报", style=style)
    document.add_paragraph("依据《中华人民共和国政府信息公开条例》的规定，编制本报告，"
                           "本报告中所列数据的统计期限自2023年1月1日起至2023年12月31日止。")
    document.core_properties.title = core_title
    out = io.BytesIO()
    document.save(out)
    assert parse(out.getvalue(), DOCX_TYPE).title == title


def test_publish_date_line_near_the_top() -> None:
    import docx

    document = docx.Document()
    for text in ("宜春市工业和信息化局2022年度政府信息公开工作年度报告", "发布日期：2023年1月20日", "一、总体情况"):
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    assert read(out.getvalue(), DOCX_TYPE).publish_date == "2023-01-20"


def test_document_without_text_is_flagged() -> None:
    import docx

    out = io.BytesIO()
    docx.Document().save(out)
    assert read(out.getvalue(), DOCX_TYPE).warnings == ["docx: no text in the document body (images only?)"]


def test_zip_bomb_is_refused_before_parsing(seed_docx: bytes) -> None:
    bomb = _repacked(seed_docx, {"word/media/padding.bin": b"\0" * (8 * 1024 * 1024)})
    assert len(bomb) < 200_000
    with pytest.raises(UnreadableInput, match="ZIP bomb"):
        read(bomb, DOCX_TYPE)


def test_uncompressed_total_is_capped(seed_docx: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(docx_reader, "MAX_UNCOMPRESSED_BYTES", 50_000)
    with pytest.raises(UnreadableInput, match="uncompressed"):
        read(seed_docx, DOCX_TYPE)


def test_entity_expansion_and_external_entities_are_refused(seed_docx: bytes, tmp_path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("nianbao-canary")
    xml = zipfile.ZipFile(io.BytesIO(seed_docx)).read("word/document.xml").decode()
    head, body = xml.split("?>", 1)
    dtd = ('<!DOCTYPE w:document [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">'
           f'<!ENTITY x SYSTEM "file://{secret}">]>')
    hostile = head + "?>" + dtd + body.replace("一、总体情况", "一、总体情况&b;&x;", 1)
    with pytest.raises(UnreadableInput, match="DTD"):
        read(_repacked(seed_docx, {"word/document.xml": hostile.encode()}), DOCX_TYPE)


def test_zip_that_is_not_a_word_document() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(UnreadableInput, match="not a Word document"):
        read(out.getvalue(), DOCX_TYPE)


def test_ofd_is_named_not_misread() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("OFD.xml", "<ofd:OFD/>")
    with pytest.raises(UnreadableInput, match="OFD document"):
        read(out.getvalue(), None, "http://x.gov.cn/nb.ofd")


def test_truncated_docx_is_a_clear_error(seed_docx: bytes) -> None:
    with pytest.raises(UnreadableInput, match="^docx: "):
        read(seed_docx[: len(seed_docx) // 2], DOCX_TYPE)


def test_missing_part_is_a_clear_error(seed_docx: bytes) -> None:
    source = zipfile.ZipFile(io.BytesIO(seed_docx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            if info.filename != "word/styles.xml":
                target.writestr(info, source.read(info))
    with pytest.raises(UnreadableInput, match="^docx: "):
        read(out.getvalue(), DOCX_TYPE)


_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _tc(text: str, merge: str | None = None) -> str:
    value = f' w:val="{merge}"' if merge else ""
    merged = "" if merge is None else f"<w:tcPr><w:vMerge{value}/></w:tcPr>"
    return f"<w:tc>{merged}<w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:tc>"


_NESTED = f"<w:tbl><w:tr>{_tc('n1')}{_tc('n2')}</w:tr></w:tbl>"


@pytest.mark.parametrize("rows_xml, rows", [
    (f"<w:tr>{_tc('a', 'restart')}{_tc('b')}</w:tr><w:tr>{_tc('x', '')}{_tc('d')}</w:tr>",
     [["a", "b"], ["d"]]),
    # A nested table's text belongs to the cell holding it, its paragraphs joined by a space.
    (f"<w:tr><w:tc><w:p><w:r><w:t>out</w:t></w:r></w:p>{_NESTED}<w:p><w:r><w:t>after</w:t></w:r>"
     f"</w:p></w:tc>{_tc('b')}</w:tr><w:tr>{_tc('c')}</w:tr>", [["out n1 n2 after", "b"], ["c"]]),
    (f"<w:tr>{_tc('a', 'restart')}</w:tr><w:tr><w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/>{_NESTED}"
     f"</w:tc>{_tc('q')}</w:tr>", [["a"], ["q"]]),
    # A nested table's merges are its own: its continued cell is read, and a cell that opens
    # with such a table is not a continuation.
    (f"<w:tr>{_tc('a')}</w:tr><w:tr><w:tc><w:tbl><w:tr>{_tc('n1', '')}{_tc('n2', 'continue')}</w:tr>"
     f"</w:tbl><w:p/></w:tc>{_tc('z', 'restart')}</w:tr>", [["a"], ["n1 n2", "z"]]),
    # Rows and cells wrapped in content controls are not the table's own: left out as before.
    (f"<w:tr>{_tc('a')}</w:tr><w:sdt><w:sdtContent><w:tr>{_tc('hidden')}</w:tr></w:sdtContent>"
     f"</w:sdt><w:tr>{_tc('c')}</w:tr>", [["a"], ["c"]]),
    (f"<w:tr>{_tc('a')}<w:sdt><w:sdtContent>{_tc('s')}</w:sdtContent></w:sdt>{_tc('b')}</w:tr>",
     [["a", "b"]]),
    ("<w:tr><w:tc><w:p><w:r><w:t>a</w:t><w:tab/><w:t>b</w:t><w:br/></w:r></w:p><w:p><w:r>"
     "<w:t>Hello</w:t></w:r></w:p><w:p><w:r><w:t>World</w:t></w:r></w:p></w:tc></w:tr>",
     [["a b Hello World"]]),
])
def test_table_rows_from_the_xml(rows_xml: str, rows: list[list[str]]) -> None:
    from lxml import etree

    document = etree.fromstring(f"<w:document {_W}><w:body><w:tbl>{rows_xml}</w:tbl></w:body></w:document>")
    assert docx_reader._blocks(document) == [Table(rows)]


def _style_names(data: bytes, wanted: set[str], scanned: bool) -> dict | None:
    package = docx_reader._Package(zipfile.ZipFile(io.BytesIO(data)))
    with package.archive.open(package.styles) as stream:
        if scanned:
            return docx_reader._scanned_style_names(stream, wanted)
        return package._pulled_style_names(stream, wanted)


@pytest.mark.parametrize("wanted", [set(), {"Title"}, {"Heading2", "Quote"}, {"Caption", "nowhere"},
                                    {"TOCHeading", "Heading1", "ListNumber3"}])
def test_style_names_read_from_the_styles_they_need_as_from_the_whole_part(
        seed_docx: bytes, wanted: set[str]) -> None:
    scanned = _style_names(seed_docx, wanted, scanned=True)
    pulled = _style_names(seed_docx, wanted, scanned=False)
    assert scanned is not None and scanned[None] == "Normal"
    assert {k: scanned.get(k) for k in [None, *wanted]} == {k: pulled.get(k) for k in [None, *wanted]}


@pytest.mark.parametrize("rewrite", [
    lambda xml: xml.replace("<w:", "<x:").replace("</w:", "</x:").replace("xmlns:w=", "xmlns:x=")
    .replace(" w:", " x:"),  # another prefix for the same namespace
    lambda xml: xml.replace('<w:style w:type="paragraph" w:styleId="Title">',
                            '<!-- <w:style w:type="paragraph" w:styleId="Title"> -->'
                            '<w:style w:type="paragraph" w:styleId="Title">'),
])
def test_styles_part_written_otherwise_is_pull_parsed(seed_docx: bytes, rewrite) -> None:
    styles = zipfile.ZipFile(io.BytesIO(seed_docx)).read("word/styles.xml").decode()
    data = _repacked(seed_docx, {"word/styles.xml": rewrite(styles).encode()})
    assert _style_names(data, {"Title"}, scanned=True) is None
    assert read(data).title == read(seed_docx).title is not None


def test_styles_part_with_an_unclosed_style_is_pull_parsed_in_one_pass(seed_docx: bytes) -> None:
    styles = zipfile.ZipFile(io.BytesIO(seed_docx)).read("word/styles.xml").decode()
    unclosed = styles.replace("</w:style>", "", 1).replace("</w:styles>", "<w:x/>" * 200_000 + "</w:styles>")
    data = _repacked(seed_docx, {"word/styles.xml": unclosed.encode()})
    assert _style_names(data, {"Title"}, scanned=True) is None
    document = read(data)  # the styles are read for the title only, on demand
    with pytest.raises(UnreadableInput, match="styles.xml cannot be read"):
        document.title
    # a report whose text has its title does not need them: read in full
    assert _cells(parse(data)) == _cells(parse(seed_docx)) and len(parse(data).cells) > 100


# Run and cell properties as Word, WPS and LibreOffice write them, and shapes a byte pattern
# could misread: nested properties (a tracked change), ">" and "/>" inside attribute values,
# a property element holding text, vertical merges (read) next to widths (not read).
_RUN_PROPERTIES = (
    '<w:rPr><w:rFonts w:ascii="宋体" w:hAnsi="宋体" w:hint="eastAsia"/><w:kern w:val="0"/>'
    '<w:sz w:val="28"/><w:szCs w:val="28"/><w:lang w:val="en-US" w:eastAsia="zh-CN"/></w:rPr>',
    '<w:rPr><w:b/><w:rPrChange w:id="1" w:author="a"><w:rPr><w:i/></w:rPr></w:rPrChange></w:rPr>',
    '<w:rPr><w:rFonts w:ascii="a>b" w:hAnsi="c/>d"/></w:rPr>',
    '<w:rPr/>', '<w:rPr></w:rPr>', "",
    '<w:rPr><w:rStyle w:val="x"/><w:tab/></w:rPr>',
)
_CELL_PROPERTIES = (
    '<w:tcPr><w:tcW w:w="2160" w:type="dxa"/></w:tcPr>',
    '<w:tcPr><w:tcW w:w="2160" w:type="dxa"/><w:vMerge/></w:tcPr>',
    '<w:tcPr><w:tcW w:type="dxa" w:w="1/>2"/><w:gridSpan w:val="2"/></w:tcPr>',
    '<w:tcPr><w:vMerge w:val="restart"/><w:tcW w:w="10" w:type="dxa"/></w:tcPr>', "",
)


def _varied_document(rng, cdata: bool) -> bytes:
    def run(text: str) -> str:
        body = f"<![CDATA[{text}<w:tcW w:w='1'/>]]>" if cdata and rng.random() < 0.2 else text
        return f"<w:r>{rng.choice(_RUN_PROPERTIES)}<w:t>{body}</w:t></w:r>"

    def paragraph(text: str) -> str:
        return f"<w:p><w:pPr>{rng.choice(_RUN_PROPERTIES)}</w:pPr>{run(text[:2])}{run(text[2:])}</w:p>"

    def row(k: int) -> str:
        cells = "".join(f"<w:tc>{rng.choice(_CELL_PROPERTIES)}{paragraph(f'格{k}{j}值{rng.randint(0, 99)}')}</w:tc>"
                        for j in range(rng.randint(1, 4)))
        return f"<w:tr>{cells}</w:tr>"

    blocks = [paragraph(f"段落{k}正文") if rng.random() < 0.5 else
              f"<w:tbl>{''.join(row(k) for _ in range(rng.randint(1, 3)))}</w:tbl>" for k in range(8)]
    return f'<?xml version="1.0"?><w:document {_W}><w:body>{"".join(blocks)}</w:body></w:document>'.encode()


@pytest.mark.parametrize("seed", range(40))
def test_layout_taken_out_before_the_parse_changes_no_text(seed: int) -> None:
    import random

    from lxml import etree

    rng = random.Random(seed)
    data = _varied_document(rng, cdata=seed % 4 == 0)
    lean = docx_reader._lean(data)
    assert len(lean) < len(data) or b"CDATA" in data
    assert docx_reader._blocks(etree.fromstring(lean, docx_reader._PARSER)) == docx_reader._blocks(
        etree.fromstring(data, docx_reader._PARSER))


def test_malformed_document_is_reported_where_its_own_bytes_break(seed_docx: bytes) -> None:
    body = '<w:p><w:r><w:rPr><w:sz w:val="28"/></w:rPr><w:t>x</w:t></w:r></w:p>' * 50 + "<w:p>"
    broken = f"<w:document {_W}><w:body>{body}</w:body></w:document>"
    column = broken.index("</w:body>") + len("</w:body>") + 1  # libxml2: 1-based, past the tag
    with pytest.raises(UnreadableInput, match=rf"not well-formed XML .*line 1, column {column}\b"):
        read(_repacked(seed_docx, {"word/document.xml": broken.encode()}), DOCX_TYPE)
