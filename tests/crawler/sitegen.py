"""Generated portal variants for checking the crawler on shapes nobody tuned it on.

`variant(n)` draws one home-page-only portal from its number: how the menus are built (anchors,
document.write, innerHTML, JSON menu data, an iframe, a frameset, a jump menu), how deep the report column is and what it is called,
how reports are served (download endpoint name and parameter, Content-Disposition style, Content-
Type, a list row's 下载 link, an attachment named by a number or only 点击下载 on a report page),
a list row with only the file's number (123.docx), how the column is paged, and which decoys sit beside the reports (解读, notices, 工作要点).
Every variant knows its truth: the agency-years it serves and its decoy URLs, in both states
('later': one report removed — 404 and gone from its list — and one new).
"""
from __future__ import annotations

import html
import random
from dataclasses import dataclass, field
from urllib.parse import quote

from replica import documents as docs
from replica.documents import Seed
from replica.pages import DOCX
from replica.sitemap import SiteMap, links

# Made-up county names, one per variant number (< 400): no two variants of a run share an agency.
_SYLLABLES = ("青", "云", "鹤", "松", "桐", "兰", "溪", "岭", "石", "梅", "荷", "柳", "竹", "泉", "枫",
              "桂", "杉", "霞", "川", "湖")
DEPARTMENTS = ("人民政府", "发展和改革委员会", "教育体育局", "财政局", "自然资源局",
               "卫生健康委员会", "市场监督管理局", "交通运输局")
MENU_STYLES = ("anchor", "script-write", "script-json", "iframe", "inner-html", "frameset",
               "select")
COLUMN_TEXTS = ("政府信息公开年报", "政府信息公开工作年度报告", "年度报告", "信息公开年报",
                "政府信息公开年度报告")
TOP_TEXTS = ("政府信息公开", "政务公开", "信息公开", "政府信息公开专栏")
# (path, parameter, value template): {n} a number, {h} hex, {ext} the file's extension
ENDPOINTS = (("module/download/downfile.jsp", "filename", "{n}.{ext}"),
             ("download.jsp", "id", "{n}"), ("getFile", "fileId", "{n}"),
             ("attach/{h}", "name", "{h}.{ext}"), ("common/fileDownload.do", "fid", "{n}"),
             ("api/attachment/download", "attachId", "{n}"), ("fj/get.aspx", "code", "{h}"),
             ("servlet/DocServlet", "doc", "{n}"))
HEADER_STYLES = ("plain", "rfc5987", "gbk", "utf8raw", "none")
CONTENT_TYPES = ("application/octet-stream", "application/x-download", "real")
PLACEMENTS = ("list-title", "list-row", "list-year", "list-bare", "page-number", "page-generic",
              "page-title")
MIME = {"pdf": "application/pdf", "docx": DOCX}
_SEEDS = {"000": ("宜春市工业和信息化局", 2022), "004": ("上饶市工业和信息化局", 2021)}


@dataclass
class Report:
    agency: str
    year: int
    kind: str  # pdf | docx
    placement: str
    number: int

    @property
    def title(self) -> str:
        return f"{self.agency}{self.year}年政府信息公开工作年度报告"


@dataclass
class Variant:
    n: int
    prefix: str
    agencies: list[str]
    reports: list[Report]
    choices: dict[str, str]
    decoys: set[str] = field(default_factory=set)  # paths (with query) never to be archived

    def truth(self, state: str) -> set[tuple[str, int]]:
        return {(r.agency, r.year) for r in self.served(state)}

    def served(self, state: str) -> list[Report]:
        """'later': the first report removed, one report of a new year added."""
        if state == "first":
            return self.reports[:-1]
        return self.reports[1:]

    def registry_entry(self, origin: str) -> dict:
        return {"id": f"variant-{self.n}", "name": f"{self.agencies[0]}（生成站点）",
                "start_urls": [f"{origin}{self.prefix}"], "allowed_paths": [self.prefix],
                "allow_private_network": True,
                "agencies": [{"name": a, "since": min(y for b, y in self.truth("first") if b == a),
                              "kind": "government" if a.endswith("人民政府") else "department"}
                             for a in self.agencies if any(b == a for b, _ in self.truth("first"))]}


def variant(n: int) -> Variant:
    rng = random.Random(n)
    county = _SYLLABLES[n % 20] + _SYLLABLES[(n // 20) % 20] + rng.choice("县区市")
    agencies = [county + d for d in rng.sample(DEPARTMENTS, rng.randint(2, 3))]
    choices = {"menu": rng.choice(MENU_STYLES), "depth": str(rng.randint(1, 3)),
               "column": rng.choice(COLUMN_TEXTS), "top": rng.choice(TOP_TEXTS),
               "endpoint": str(rng.randrange(len(ENDPOINTS))), "header": rng.choice(HEADER_STYLES),
               "ctype": rng.choice(CONTENT_TYPES), "per_page": str(rng.choice((3, 5, 20))),
               "json_keys": rng.choice(("name,url", "title,href", "text,link"))}
    reports = []
    for i, agency in enumerate(agencies):
        for year in sorted(rng.sample((2020, 2021, 2022, 2023), 2)):
            reports.append(Report(agency, year, rng.choice(("pdf", "docx")),
                                  rng.choice(PLACEMENTS), rng.randrange(10**12, 10**13)))
    rng.shuffle(reports)
    last = reports[-1]  # only in the 'later' state: a new year of an agency already there
    reports[-1] = Report(last.agency, 2024, last.kind, last.placement, last.number)
    return Variant(n, f"/v{n}/", agencies, reports, choices)


def build(v: Variant, state: str) -> dict:
    """The variant's pages for a state (replica.sitemap pages, served by the replica server)."""
    m = SiteMap()
    rng = random.Random(f"{v.n}-pages")
    p, c = v.prefix, v.choices
    top, column = f"{p}xxgk/index.html", f"{p}col/nb/index.html"
    path = [(c["top"], top), ("法定主动公开内容", f"{p}xxgk/fdzdgknr.html"), (c["column"], column)]
    depth = int(c["depth"])
    home_menu = [("首页", p), ("新闻中心", f"{p}news/index.html"), ("办事服务", f"{p}bsfw.html"),
                 path[0] if depth > 1 else path[2]]
    _menu_page(m, v, p, f"{v.agencies[0]}门户网站", home_menu, _news(p, rng, 4))
    m.html(f"{p}news/index.html", "新闻中心", links(_news(p, rng, 8)))
    m.html(f"{p}bsfw.html", "办事服务", "<p>办事服务</p>")
    if depth == 2:
        _menu_page(m, v, top, path[0][0], [("机构职能", f"{p}xxgk/jgzn.html"), path[2]], [])
    elif depth == 3:
        _menu_page(m, v, top, path[0][0], [("政府信息公开指南", f"{p}xxgk/zn.html"), path[1]], [])
        _menu_page(m, v, path[1][1], path[1][0], [("规划计划", f"{p}xxgk/ghjh.html"), path[2]], [])
    rows = [_row(m, v, r, state) for r in v.served(state)] + _decoys(m, v, rng)
    rows += [f'<li><a href="{u}">{html.escape(t)}</a></li>' for t, u in _news(p, rng, 6)]
    rng.shuffle(rows)
    _paged(m, column, c["column"], rows, int(c["per_page"]))
    return m.pages


def _menu_page(m: SiteMap, v: Variant, url: str, title: str, items: list[tuple[str, str]],
               extra: list[tuple[str, str]]) -> None:
    style = v.choices["menu"]
    if style in ("iframe", "frameset"):
        frame = url.rstrip("/").rsplit(".", 1)[0] + "-menu.html" if url.endswith(".html") \
            else f"{url}menu.html"
        m.html(frame, "导航", links(items))
        body = (f'<iframe src="{frame}" frameborder="0"></iframe>' if style == "iframe" else
                f'<frameset cols="200,*"><frame src="{frame}"><frame src="{url}"></frameset>')
    elif style == "select":
        body = ("<select onchange=\"window.open(this.value)\"><option value=''>--栏目--</option>"
                + "".join(f'<option value="{u}">{t}</option>' for t, u in items) + "</select>")
    elif style == "script-write":
        body = "<ul><script>" + "".join(
            f"document.write('<li><a href=\"{u}\">{t}</a></li>');" for t, u in items) + "</script></ul>"
    elif style == "inner-html":
        anchors = "".join(f"<a href=\"{u}\">{t}</a>" for t, u in items)
        body = f"<div id='nav'></div><script>document.getElementById('nav').innerHTML = '{anchors}';</script>"
    elif style == "script-json":
        name, link = v.choices["json_keys"].split(",")
        data = ", ".join(f'{{"{name}": "{t}", "{link}": "{u}"}}' for t, u in items)
        body = f"<ul id='nav'></ul><script>var menu = [{data}]; buildMenu('nav', menu);</script>"
    else:
        body = links(items)
    m.html(url, title, body + links(extra))


def _row(m: SiteMap, v: Variant, r: Report, state: str) -> str:
    """The column's row for a report, and the page/file behind it."""
    url = _file(m, v, r)
    title = html.escape(r.title)
    if r.placement == "list-title":
        return f'<li><a href="{url}" title="{title}">{title}</a><span>{r.year + 1}-01-20</span></li>'
    if r.placement == "list-year":  # the column's title says what the year is of
        return f'<li><a href="{url}">{r.year}年度</a></li>'
    if r.placement == "list-bare":  # the file's own name only: the document says what it is
        return f'<li><a href="{url}">{r.number}.{r.kind}</a> <span>{r.year + 1}-01-20</span></li>'
    if r.placement == "list-row":
        return f'<li><span>{title}</span> <a href="{url}">下载</a> <span>{r.year + 1}-01-20</span></li>'
    page = f"{v.prefix}art/{r.number}.html"
    text = {"page-number": f"{r.number}.{r.kind}", "page-generic": "点击下载",
            "page-title": f"{title}.{r.kind}"}[r.placement]
    m.html(page, r.title, f"<p>{title}</p><p>附件：<a href=\"{url}\">{text}</a></p>"
           f"<p>附件2：<a href=\"{_decoy_file(m, v, r.number + 1, '政策解读')}\">政策解读.pdf</a></p>")
    return f'<li><a href="{page}">{title}</a><span>{r.year + 1}-01-20</span></li>'


def _file(m: SiteMap, v: Variant, r: Report) -> str:
    """The report's file behind the variant's download endpoint."""
    seed = "000" if r.kind == "docx" else "004"
    old, year = _SEEDS[seed]
    text = Seed.load(seed).renamed(old, r.agency).with_year(year, r.year).with_figures().text
    body = docs.docx_bytes(text) if r.kind == "docx" else docs.pdf_bytes(text)
    url = _endpoint(v, r.number, r.kind)
    m.file(url.replace("&amp;", "&"), body, _content_type(v, r.kind),
           _disposition(v, f"{r.title}.{r.kind}" if r.number % 2 else f"{r.number}.{r.kind}"))
    return url


def _decoys(m: SiteMap, v: Variant, rng: random.Random) -> list[str]:
    agency, year = v.agencies[0], rng.choice((2021, 2022))
    rows = []
    for i, title in enumerate((f"{agency}{year}年政府信息公开工作年度报告解读",
                               f"关于做好{year}年度政府信息公开工作年度报告编制工作的通知",
                               f"{year + 1}年政务公开工作要点")):
        url = _decoy_file(m, v, 900 + i, title)
        rows.append(f'<li><a href="{url}">{html.escape(title)}.pdf</a></li>')
    return rows


def _decoy_file(m: SiteMap, v: Variant, number: int, title: str) -> str:
    url = _endpoint(v, number, "pdf")
    m.file(url.replace("&amp;", "&"), docs.pdf_bytes(f"{title}\n本文解读年度报告的要点。"),
           _content_type(v, "pdf"), _disposition(v, f"{title}.pdf"))
    v.decoys.add(url.replace("&amp;", "&"))
    return url


def _endpoint(v: Variant, number: int, ext: str) -> str:
    path, param, value = ENDPOINTS[int(v.choices["endpoint"])]
    h = f"{number:x}"
    return f"{v.prefix}{path.format(h=h)}?{param}={value.format(n=number, h=h, ext=ext)}"


def _content_type(v: Variant, kind: str) -> str:
    return MIME[kind] if v.choices["ctype"] == "real" else v.choices["ctype"]


def _disposition(v: Variant, name: str) -> dict[str, str]:
    style = v.choices["header"]
    if style == "none":
        return {}
    if style == "rfc5987":
        return {"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"}
    raw = f'attachment; filename="{name}"'
    codec = {"gbk": "gbk", "utf8raw": "utf-8"}.get(style)
    return {"Content-Disposition": raw.encode(codec).decode("latin-1") if codec else
            f"attachment; filename={quote(name)}"}


def _paged(m: SiteMap, first: str, title: str, rows: list[str], per_page: int) -> None:
    chunks = [rows[i:i + per_page] for i in range(0, len(rows), per_page)] or [[]]
    names = [first] + [first.replace("index.html", f"index_{k}.html") for k in range(1, len(chunks))]
    for k, chunk in enumerate(chunks):
        nav = " ".join(f'<a href="{names[j]}">{j + 1}</a>' for j in range(len(chunks)))
        if k + 1 < len(chunks):
            nav += f' <a href="{names[k + 1]}">下一页</a>'
        m.html(names[k], title, "<ul>" + "".join(chunk) + f"</ul><div class='page'>{nav}</div>")


def _news(p: str, rng: random.Random, n: int) -> list[tuple[str, str]]:
    return [(f"召开第{rng.randint(1, 99)}次专题会议", f"{p}news/{rng.randrange(10**6)}.html")
            for _ in range(n)]

