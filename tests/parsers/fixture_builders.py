"""Build real input files (HTML, DOCX, PDF, DOC) from a seed's text and hand-read cells.

Each seed becomes a SeedReport: its narrative paragraphs (from the seed text) and its three
statistics tables laid out as real government pages print the 2021 format, with rowspans and
colspans, filled with the seed's expected values. The files are made by the real tools
(lxml-free string HTML, python-docx, reportlab, LibreOffice), and `expected_document` gives the
Document a reader must produce from any of them.
"""
from __future__ import annotations

import html as html_escape
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from io import BytesIO
from pathlib import Path

from parsers.document import Block, Document, Table

# --------------------------------------------------------------------------- seed -> layout


@dataclass(frozen=True)
class Span:
    text: str
    rows: int = 1
    cols: int = 1


SpanRow = list[Span]


@dataclass
class SeedReport:
    blocks: list[str | list[SpanRow]]  # paragraphs and span tables, in reading order
    title: str


TABLE_HEADINGS = {"active": "主动公开政府信息", "requests": "收到和处理", "appeals": "行政复议"}
_SECTION_HEADING = re.compile(r"^[一二三四五六1-6][、.．]")
_APPLICANTS = ("natural_person", "commercial_enterprise", "research_institution",
               "social_welfare_org", "legal_service_org", "other", "total")
_APPEAL_ROWS = ("review", "litigation_direct", "litigation_after_review")
_APPEAL_COLS = ("upheld", "corrected", "other", "pending", "total")
OUTCOMES_2021 = (
    ("（一）予以公开", [("", "granted")]),
    ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", [("", "partially_granted")]),
    ("（三）不予公开", [
        ("1.属于国家秘密", "denied.state_secret"),
        ("2.其他法律行政法规禁止公开", "denied.prohibited_by_law"),
        ("3.危及“三安全一稳定”", "denied.three_safety"),
        ("4.保护第三方合法权益", "denied.third_party_rights"),
        ("5.属于三类内部事务信息", "denied.internal_affairs"),
        ("6.属于四类过程性信息", "denied.process_info"),
        ("7.属于行政执法案卷", "denied.enforcement_file"),
        ("8.属于行政查询事项", "denied.administrative_query")]),
    ("（四）无法提供", [
        ("1.本机关不掌握相关政府信息", "unavailable.not_held"),
        ("2.没有现成信息需要另行制作", "unavailable.not_created"),
        ("3.补正后申请内容仍不明确", "unavailable.unclear")]),
    ("（五）不予处理", [
        ("1.信访举报投诉类申请", "not_processed.petition"),
        ("2.重复申请", "not_processed.duplicate"),
        ("3.要求提供公开出版物", "not_processed.publication"),
        ("4.无正当理由大量反复申请", "not_processed.excessive"),
        ("5.要求行政机关确认或重新出具已获取信息", "not_processed.confirm_or_reissue")]),
    ("（六）其他处理", [
        ("1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "other.no_correction"),
        ("2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "other.fee_unpaid"),
        ("3.其他", "other.other")]),
    ("（七）总计", [("", "results_total")]),
)


def _value_text(value: int | float | None) -> str:
    if value is None:
        return ""
    return str(value) if isinstance(value, int) else f"{value:g}"


def seed_report(text: str, cells: list[dict]) -> SeedReport:
    values = {(c["table"], c["row"], c["col"]): _value_text(c["value"]) for c in cells}
    tables = {"active": _active(values), "requests": requests_rows(values), "appeals": appeals_rows(values)}
    paragraphs = seed_paragraphs(text)
    blocks: list[str | list[SpanRow]] = []
    for paragraph in paragraphs:
        blocks.append(paragraph)
        for name, word in TABLE_HEADINGS.items():
            if name in tables and _SECTION_HEADING.match(paragraph) and word in paragraph:
                blocks.append(tables.pop(name))
    title = paragraphs[0] if "报告" in paragraphs[0] else paragraphs[0] + paragraphs[1]
    return SeedReport(blocks, title)


def seed_paragraphs(text: str) -> list[str]:
    """The seed's narrative lines: table lines (tab-indented or tab-separated) and the
    fragments of multi-line table cells between a table heading and the next heading dropped."""
    paragraphs: list[str] = []
    in_table = False
    for raw in text.splitlines():
        if "\t" in raw or not raw.strip():
            continue
        line = re.sub(r"\s+", "", raw.strip().lstrip("#"))
        if _SECTION_HEADING.match(line):
            in_table = any(word in line for word in TABLE_HEADINGS.values())
        elif in_table:
            continue
        paragraphs.append(line)
    return paragraphs


def _active(v: dict) -> list[SpanRow]:
    def item(label: str, head: str, rows: list[tuple[str, str]]) -> list[SpanRow]:
        return [[Span(label, cols=4)], [Span("信息内容"), Span(head, cols=3)]] + [
            [Span(name), Span(v["active", key, col], cols=3)] for name, key, col in rows]

    first = [[Span("第二十条第（一）项", cols=4)],
             [Span(t) for t in ("信息内容", "本年制发件数", "本年废止件数", "现行有效件数")]]
    for name, key in (("规章", "regulations"), ("行政规范性文件", "normative_documents")):
        first.append([Span(name)] + [Span(v["active", key, c]) for c in ("issued", "repealed", "in_force")])
    decisions = "本年处理决定数量"
    return (first
            + item("第二十条第（五）项", decisions, [("行政许可", "licensing", "decisions")])
            + item("第二十条第（六）项", decisions, [("行政处罚", "penalty", "decisions"),
                                                   ("行政强制", "enforcement", "decisions")])
            + item("第二十条第（八）项", "本年收费金额（单位：万元）",
                   [("行政事业性收费", "fees", "amount_10k_yuan")]))


def requests_rows(v: dict, outcomes=OUTCOMES_2021) -> list[SpanRow]:
    """The requests table (2021 outcome rows unless given: tests.corpus passes the 2019 ones)."""
    def numbers(row: str) -> list[Span]:
        return [Span(v["requests", row, col]) for col in _APPLICANTS]

    rows: list[SpanRow] = [
        [Span("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", 3, 3),
         Span("申请人情况", cols=7)],
        [Span("自然人", rows=2), Span("法人或其他组织", cols=5), Span("总计", rows=2)],
        [Span(t) for t in ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")],
        [Span("一、本年新收政府信息公开申请数量", cols=3)] + numbers("new_received"),
        [Span("二、上年结转政府信息公开申请数量", cols=3)] + numbers("carried_over"),
    ]
    outcome_rows = sum(len(subs) for _, subs in outcomes)
    for group, subs in outcomes:
        for i, (label, key) in enumerate(subs):
            row: SpanRow = []
            if group == outcomes[0][0]:
                row.append(Span("三、本年度办理结果", rows=outcome_rows))
            if label:
                row += ([Span(group, rows=len(subs))] if i == 0 else []) + [Span(label)]
            else:
                row.append(Span(group, cols=2))
            rows.append(row + numbers(key))
    rows.append([Span("四、结转下年度继续办理", cols=3)] + numbers("carried_forward"))
    return rows


def appeals_rows(v: dict) -> list[SpanRow]:
    results = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
    return [
        [Span("行政复议", cols=5), Span("行政诉讼", cols=10)],
        [Span(t, rows=2) for t in results] + [Span("未经复议直接起诉", cols=5), Span("复议后起诉", cols=5)],
        [Span(t) for t in results] * 2,
        [Span(v["appeals", row, col]) for row in _APPEAL_ROWS for col in _APPEAL_COLS],
    ]


def expected_document(seed: SeedReport, kind: str) -> Document:
    blocks: list[Block] = [b if isinstance(b, str) else Table([[s.text for s in row] for row in b])
                           for b in seed.blocks]
    return Document(blocks=blocks, kind=kind)


def grid(rows: list[SpanRow]) -> tuple[list[list[tuple[int, int, Span]]], int]:
    """Each span's (row, column) origin in the full grid (the HTML table layout rule), and
    the number of columns."""
    taken: set[tuple[int, int]] = set()
    placed: list[list[tuple[int, int, Span]]] = []
    for r, row in enumerate(rows):
        c, out = 0, []
        for span in row:
            while (r, c) in taken:
                c += 1
            out.append((r, c, span))
            taken.update((r + dr, c + dc) for dr in range(span.rows) for dc in range(span.cols))
            c += span.cols
        placed.append(out)
    return placed, 1 + max(c for _, c in taken)


# --------------------------------------------------------------------------- HTML


def _html_cell_text(text: str, index: int) -> str:
    """Word-export markup: labels split across <span>s, numbers in <font>, blanks as nbsp."""
    if not text:
        return "&nbsp;" if index % 2 else "<o:p> </o:p>"
    escaped = html_escape.escape(text)
    if re.fullmatch(r"[\d.]+", text):
        return f'<font face="宋体">{escaped}</font>'
    if len(text) > 3:
        return f"<span>{escaped[:1]}</span><span>{escaped[1:2]}</span><span lang=EN-US>{escaped[2:]}</span>"
    return f"<span>{escaped}</span>"


def _html_table(rows: list[SpanRow]) -> str:
    out, index = ['<table class="MsoNormalTable" border="1" cellspacing="0">\n<tbody>'], 0
    for row in rows:
        out.append("<tr>")
        for span in row:
            attrs = (f' rowspan="{span.rows}"' if span.rows > 1 else "") + (
                f' colspan="{span.cols}"' if span.cols > 1 else "")
            out.append(f'<td{attrs} valign="center">\n  <p class="MsoNormal" align="center">'
                       f"{_html_cell_text(span.text, index)}</p></td>")
            index += 1
        out.append("</tr>")
    out.append("</tbody></table>")
    return "\n".join(out)


def to_html(seed: SeedReport, *, visits: int = 1234, publish_date: str = "2023-01-20",
            charset: str | None = "utf-8") -> str:
    """A page in the style of the Jiangxi government site platform: menus, a meta line with a
    visit counter, scripts and a footer around the article."""
    body = []
    for block in seed.blocks:
        if isinstance(block, str):
            body.append(f'<p style="text-indent:2em"><span style="font-family:仿宋">'
                        f"{html_escape.escape(block)}</span></p>")
        else:
            body.append(_html_table(block))
    meta_charset = f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">' if charset else ""
    title = html_escape.escape(seed.title)
    return f"""<!DOCTYPE html>
<html><head>{meta_charset}
<title>{title}_宜春市人民政府</title>
<meta name="ArticleTitle" content="{title}">
<meta name="PubDate" content="{publish_date} 09:30">
<script>var visits = {visits}; document.write("<p>一、总体情况</p>");</script>
<style>p {{ margin: 0 }}</style>
</head><body>
<div class="header"><ul class="nav"><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li>
<li><a href="/xzfy/">行政复议</a></li><li><a href="/hdjl/">互动交流</a></li></ul></div>
<div class="location">当前位置：首页 &gt; 政务公开 &gt; 政府信息公开年报</div>
<div class="article">
  <h1 class="title">{title}</h1>
  <div class="info">发布时间：<span>{publish_date}</span>&nbsp;&nbsp;信息来源：本站&nbsp;&nbsp;浏览次数：<span id="visits">{visits}</span>
  &nbsp;字号：【大 中 小】</div>
  <div class="TRS_Editor" id="zoom">
<p style="DISPLAY: none">编辑备注：隐藏，待审核</p>
{chr(10).join(body)}
  </div>
  <div class="share">分享到：微信 微博 <a href="javascript:window.print()">打印本页</a> <a>关闭窗口</a></div>
</div>
<div style="display:none">三、收到和处理政府信息公开申请情况（隐藏）</div>
<table class="calendar"><tr><td>1</td><td>2</td><td>3</td></tr></table>
<div class="footer"><p>主办：宜春市人民政府办公室 版权所有</p><p>网站标识码：3609000001 赣ICP备05004417号</p>
<p>今日访问量：{visits * 7}</p></div>
</body></html>
"""


# --------------------------------------------------------------------------- DOCX


def to_docx(seed: SeedReport) -> bytes:
    """A Word document with python-docx: merged cells made with Cell.merge (w:vMerge, w:gridSpan)."""
    import docx

    document = docx.Document()
    first = True
    for block in seed.blocks:
        if isinstance(block, str):
            document.add_paragraph(block, style="Title" if first else None)
            first = False
            continue
        placed, width = grid(block)
        table = document.add_table(rows=len(block), cols=width)
        table.style = "Table Grid"
        cells = [row.cells for row in table.rows]  # once: table.cell() rebuilds the grid per call
        for row in placed:
            for r, c, span in row:
                cell = cells[r][c]
                if span.rows > 1 or span.cols > 1:
                    cell = cell.merge(cells[r + span.rows - 1][c + span.cols - 1])
                cell.text = span.text
    out = BytesIO()
    document.save(out)
    return out.getvalue()


# --------------------------------------------------------------------------- PDF


def to_pdf(seed: SeedReport, *, ruled: bool = True, title_metadata: bool = True) -> bytes:
    """A PDF with reportlab: the built-in CID font STSong-Light, the title in a larger size,
    tables with a drawn grid (or none: ruled=False, columns kept apart by space only), a
    running header and page numbers."""
    return _pdf_story(_seed_story(seed, ruled), title=seed.title if title_metadata else "")


def to_pdf_long_table(rows: int = 80, repeat_rows: int = 2) -> bytes:
    """One ruled table over several pages, its header rows repeated on every page."""
    data = [["信息内容", "本年制发件数", "本年废止件数"], ["", "（件）", "（件）"]]
    data += [[f"第{i}项", str(i), str(i * 2)] for i in range(1, rows + 1)]
    return _pdf_story([_pdf_table([[Span(t) for t in row] for row in data], repeat_rows)])


def _seed_story(seed: SeedReport, ruled: bool) -> list:
    from reportlab.platypus import Paragraph

    story, title_left = [], seed.title
    for block in seed.blocks:
        if isinstance(block, str):
            is_title = bool(block) and title_left.startswith(block)
            title_left = title_left[len(block):] if is_title else ""
            story.append(Paragraph(html_escape.escape(block), _pdf_styles()[2 if is_title else 0]))
        else:
            header_rows = 3 if len(block[0]) == 2 and block[0][0].rows == 3 else 0
            story.append(_pdf_table(block, header_rows, ruled))
    return story


def _pdf_table(block: list[SpanRow], repeat_rows: int, ruled: bool = True):
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Table as PdfTable, TableStyle

    placed, width = grid(block)
    data = [["" for _ in range(width)] for _ in block]
    commands = [("VALIGN", (0, 0), (-1, -1), "MIDDLE")]
    if ruled:
        commands.append(("GRID", (0, 0), (-1, -1), 0.5, "black"))
    for row in placed:
        for r, c, span in row:
            data[r][c] = Paragraph(html_escape.escape(span.text), _pdf_styles()[1])
            if span.rows > 1 or span.cols > 1:
                commands.append(("SPAN", (c, r), (c + span.cols - 1, r + span.rows - 1)))
    return PdfTable(data, style=TableStyle(commands), repeatRows=repeat_rows,
                    colWidths=_column_widths(width, 180 * mm))


@lru_cache(maxsize=1)
def _pdf_styles():
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return (ParagraphStyle("text", fontName="STSong-Light", fontSize=10.5, leading=16, wordWrap="CJK"),
            ParagraphStyle("cell", fontName="STSong-Light", fontSize=7, leading=9, wordWrap="CJK"),
            ParagraphStyle("title", fontName="STSong-Light", fontSize=16, leading=24, alignment=1))


def _pdf_story(story: list, title: str = "") -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate

    def furniture(canvas, document) -> None:
        canvas.setFont("STSong-Light", 9)
        canvas.drawString(15 * mm, A4[1] - 10 * mm, "政府信息公开工作年度报告")
        canvas.drawCentredString(A4[0] / 2, 10 * mm, f"- {document.page} -")

    out = BytesIO()
    SimpleDocTemplate(out, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, title=title).build(
        story, onFirstPage=furniture, onLaterPages=furniture)
    return out.getvalue()


def _column_widths(width: int, total: float) -> list[float]:
    if width == 4:  # active: a wide label column
        return [total * 0.4] + [total * 0.2] * 3
    if width == 10:  # requests: three label columns, seven numbers
        return [total * 0.09, total * 0.12, total * 0.30] + [total * 0.49 / 7] * 7
    return [total / width] * width


CHROMIUM = "/usr/bin/chromium"
_CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                   "--disable-background-networking", "--disable-component-update",
                   "--disable-sync", "--no-pdf-header-footer"]


def chromium_pdf(html: bytes, timeout: float = 120) -> bytes | None:
    """The page printed to PDF by headless Chromium (fresh profile), as browser-printed reports
    are made: subset TrueType fonts, Identity-H, with ToUnicode maps. None without Chromium."""
    if not Path(CHROMIUM).exists():
        return None
    with tempfile.TemporaryDirectory(prefix="nianbao-fixture-") as tmp:
        page = Path(tmp) / "page.html"
        page.write_bytes(html)
        out = Path(tmp) / "page.pdf"
        subprocess.run([CHROMIUM, *_CHROMIUM_FLAGS, f"--user-data-dir={tmp}/profile",
                        f"--print-to-pdf={out}", page.as_uri()],
                       check=True, capture_output=True, timeout=timeout)
        return out.read_bytes()


def without_tounicode(pdf: bytes) -> bytes:
    """The same PDF with its fonts' ToUnicode maps unlinked: the key is renamed in place (same
    length, so the cross-reference offsets stay right), as in PDFs whose producer left them out."""
    return pdf.replace(b"/ToUnicode", b"/ToUnicodX")


# --------------------------------------------------------------------------- DOC


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def docx_to_doc(docx_bytes: bytes, timeout: float = 120) -> bytes:
    """Convert with LibreOffice headless (a fresh profile so parallel runs do not collide)."""
    binary = soffice()
    if binary is None:
        raise RuntimeError("LibreOffice (soffice) is not installed")
    with tempfile.TemporaryDirectory(prefix="nianbao-fixture-") as tmp:
        source = Path(tmp) / "report.docx"
        source.write_bytes(docx_bytes)
        subprocess.run(
            [binary, f"-env:UserInstallation=file://{tmp}/profile", "--headless",
             "--convert-to", "doc:MS Word 97", "--outdir", f"{tmp}/out", str(source)],
            check=True, capture_output=True, timeout=timeout,
        )
        return (Path(tmp) / "out" / "report.doc").read_bytes()


# --------------------------------------------------------------------------- the five seeds


@lru_cache(maxsize=None)
def seed_reports() -> dict[str, SeedReport]:
    """Every seed as a SeedReport, by seed file name."""
    from tests.conftest import SEEDS_DIR, seed_expected

    return {name: seed_report((SEEDS_DIR / name).read_text(encoding="utf-8"), seed["cells"])
            for name, seed in seed_expected().items()}


@lru_cache(maxsize=None)
def seed_file(seed_name: str, kind: str) -> bytes:
    """A seed rendered as "html" (UTF-8), "docx" or "pdf", made once per test session."""
    seed = seed_reports()[seed_name]
    makers = {"html": lambda: to_html(seed).encode("utf-8"), "docx": lambda: to_docx(seed),
              "pdf": lambda: to_pdf(seed)}
    return makers[kind]()
