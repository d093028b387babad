"""What each replica site serves, in the 'first' and the 'later' state.

Six site shapes, all built from the seeds: a Yichun-style static site, a Hanweb JCMS site in GBK,
a TRS WCM site with DOCX/PDF attachments and a pdf.js viewer, a county site in text layout, a
site of fault knobs (flaky list, slow page, oversize file, robots-disallowed page), and a district
portal known by its home page only, with download endpoints (replica/portal.py).
"""
from __future__ import annotations

import html
import json

from . import documents as docs
from .documents import Seed
from .portal import portal
from .sitemap import CHROME_SLOTS, Page, SiteMap, chrome_marker, links, news, render_chrome

__all__ = ["CHROME_SLOTS", "Page", "SiteMap", "build", "chrome_marker", "render_chrome"]

DATAPROXY = "/zhangshu/module/web/jpage/dataproxy.jsp"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def yichun(m: SiteMap, state: str, seeds: dict[str, Seed]) -> None:
    base = "/yichun/"
    r2022 = seeds["000"].revised() if state == "later" else seeds["000"]
    r2021 = seeds["000"].with_year(2022, 2021).with_figures()
    m.html(base, "宜春市工业和信息化局", links([
        ("政府信息公开", f"{base}xxgk.html"), ("新闻中心", f"{base}news.html"),
        ("后台登录", f"{base}admin/login.html")]) + links(news(f"{base}news-", 3)))
    m.html(f"{base}admin/login.html", "后台登录", "<p>robots.txt disallows this page</p>")
    m.redirect(f"{base}xxgk.html", f"{base}xxgk/index.html")
    m.html(f"{base}xxgk/index.html", "政府信息公开", links([
        ("机构职能", f"{base}xxgk-jgzn.html"), ("政府信息公开年报", "../xxgk-list-nb.html")]))
    m.html(f"{base}xxgk-jgzn.html", "机构职能", "<p>机构职能</p>")
    items = [("宜春市工业和信息化局2022年政府信息公开工作年度报告", "xxgk-show-61584.html"),
             ("宜春市工业和信息化局2022年政府信息公开工作年度报告解读", "xxgk-show-61590.html"),
             ("2023年政务公开工作要点", "xxgk-show-61601.html"),
             *news("xxgk-show-6100", 10),
             ("关于报送2022年度政府信息公开工作年度报告的通知", "xxgk-show-61400.html"),
             *news("xxgk-show-6200", 6),
             ("宜春市工业和信息化局2021年政府信息公开工作年度报告", "xxgk-show-50321.html")]
    if state == "later":
        r2023 = seeds["000"].with_year(2022, 2023).with_figures()
        items.insert(0, ("宜春市工业和信息化局2023年政府信息公开工作年度报告", "xxgk-show-70001.html"))
        m.html(f"{base}xxgk-show-70001.html", r2023.title, docs.html_body(r2023.text))
    pages = [items[i:i + 8] for i in range(0, len(items), 8)]
    for n, chunk in enumerate(pages, 1):
        nav = " ".join(f'<a href="xxgk-list-nb{"" if k == 1 else f"-{k}"}.html">{k}</a>'
                       for k in range(1, len(pages) + 1))
        if n < len(pages):
            nav += f' <a href="xxgk-list-nb-{n + 1}.html">下一页</a>'
        name = "xxgk-list-nb.html" if n == 1 else f"xxgk-list-nb-{n}.html"
        m.html(f"{base}{name}", "政府信息公开年报", links(chunk) + f'<div class="page">{nav}</div>')
    m.html(f"{base}xxgk-show-61584.html", r2022.title, docs.html_body(r2022.text))
    m.html(f"{base}xxgk-show-61590.html", "解读", "<p>一图读懂年度报告。</p>")
    m.html(f"{base}xxgk-show-61601.html", "要点", "<p>2023年政务公开工作要点。</p>")
    m.html(f"{base}xxgk-show-61400.html", "通知", "<p>请各单位报送年度报告。</p>")
    m.html(f"{base}xxgk-show-50321.html", r2021.title,
           '<p>附件：<a href="uploads/2022/01/nb2021.doc">'
           f"{html.escape(r2021.title)}.doc</a></p>")
    m.file(f"{base}uploads/2022/01/nb2021.doc", docs.doc_bytes(r2021.text), "application/msword")


def zhangshu(m: SiteMap, state: str, seeds: dict[str, Seed]) -> None:
    """Hanweb JCMS, GBK, no charset in the HTTP header; records past 15 only via dataproxy.jsp."""
    base = "/zhangshu/"
    report = seeds["002"]
    url = ("/zhangshu/art/2024/3/1/art_4082441_42000001.html" if state == "later"
           else "/zhangshu/art/2024/1/25/art_4082441_41956783.html")
    records = [(f"樟树市工信局关于第{i}批企业技改项目的公示", f"/zhangshu/art/2024/1/{i % 28 + 1}/"
                f"art_4082441_{40000000 + i}.html") for i in range(40)]
    records[21] = ("樟树市工信局2023年政府信息公开工作年度报告", url)
    records[22] = ("樟树市工信局2023年政府信息公开工作年度报告解读", "/zhangshu/art/jd.html")
    gbk = {"encoding": "gbk", "header_charset": False}
    m.html(base, "樟树市人民政府", links([("信息公开", "/zhangshu/col/col4082441/index.html")]),
           **gbk)
    first = "".join(_record(t, u) for t, u in records[:15])
    params = {"col": 1, "appid": 1, "webid": 2875, "path": "/", "columnid": 4082441,
              "sourceContentType": 1, "unitid": 4462681, "webname": "樟树市人民政府",
              "permissiontype": 0}
    script = (f'<div id="4462681"><script type="text/xml"><datastore><nextgroup><![CDATA['
              f'<a href="{DATAPROXY}?page=1"></a>]]></nextgroup>'
              f"<recordset>{first}</recordset></datastore></script></div>"
              "<script>$(document).ready(function(){ $('#4462681').jpage({"
              f" dataStore: dataStore, proxyUrl: '{DATAPROXY}',"
              f" perPage: 15, totalRecord: {len(records)}, groupSize: 3,"
              f" ajaxParam: {json.dumps(params, ensure_ascii=False)} }}); }});</script>")
    m.html("/zhangshu/col/col4082441/index.html", "信息公开", script, **gbk)
    for start in range(15, len(records), 15):
        xml = ("<datastore><totalrecord>40</totalrecord><recordset>"
               + "".join(_record(t, u) for t, u in records[start:start + 15])
               + "</recordset></datastore>")
        m.file(f"{DATAPROXY}?startrecord={start + 1}", xml.encode("gbk"), "text/xml")
    m.html(url, report.title, docs.html_body(report.text), **gbk)
    m.html("/zhangshu/art/jd.html", "解读", "<p>政策解读</p>", **gbk)


def _record(title: str, url: str) -> str:
    return (f'<record><![CDATA[<li><a href="{url}" title="{title}" target="_blank">{title}</a>'
            "<span>2024-01-25</span></li>]]></record>")


def shangrao(m: SiteMap, state: str, seeds: dict[str, Seed]) -> None:
    """TRS WCM: createPageHTML pagination, ./YYYYMM/tYYYYMMDD_N.html articles, attachments."""
    base = "/zgsr/gxj/"
    r2021, r2022 = seeds["004"], seeds["004"].with_year(2021, 2022).with_figures()
    m.html(f"{base}bindex.shtml", "上饶市工业和信息化局", links([
        ("政府信息公开", "xxgk/index.html"), ("工作动态", "gzdt/index.html")]))
    m.html(f"{base}xxgk/index.html", "政府信息公开", links([
        ("法定主动公开内容", "fdzdgknr/index.html"), ("政府信息公开年报", "ndbg/index.html")]))
    m.html(f"{base}xxgk/fdzdgknr/index.html", "法定主动公开内容", links(news("./t2023_", 5)))
    items = [*news("./202401/t20240110_", 6),
             ("上饶市工业和信息化局2022年政府信息公开工作年度报告", "./202301/t20230130_4512345.html"),
             ("上饶市工业和信息化局2022年政府信息公开工作年度报告解读", "./202301/t20230131_4512399.html"),
             *news("./202201/t20220105_", 4),
             ("上饶市工业和信息化局2021年政府信息公开工作年度报告", "./202201/t20220128_4412345.html")]
    pages = [items[i:i + 5] for i in range(0, len(items), 5)]
    for n, chunk in enumerate(pages):
        script = f'<script>createPageHTML({len(pages)}, {n}, "index", "html");</script>'
        m.html(f"{base}xxgk/ndbg/index{'' if n == 0 else f'_{n}'}.html", "政府信息公开年报",
               links(chunk) + script)
    art = f"{base}xxgk/ndbg/"
    m.html(f"{art}202201/t20220128_4412345.html", r2021.title,
           f'<p>附件：<a href="./P020220128396577788912.docx">{html.escape(r2021.title)}.docx</a></p>')
    m.file(f"{art}202201/P020220128396577788912.docx", docs.docx_bytes(r2021.text), DOCX)
    m.html(f"{art}202301/t20230130_4512345.html", r2022.title,
           f'<iframe src="{base}pdfjs/web/viewer.html?file={art}202301/P020230130.pdf" '
           'width="100%" height="800"></iframe>')
    m.html(f"{base}pdfjs/web/viewer.html", "PDF.js viewer", "<div id='viewer'></div>")
    m.file(f"{art}202301/P020230130.pdf", docs.pdf_bytes(r2022.text), "application/pdf")
    m.html(f"{art}202301/t20230131_4512399.html", "解读", "<p>图解年度报告</p>")


def county(m: SiteMap, state: str, seeds: dict[str, Seed]) -> None:
    """A small county site: one list, a report in text layout and one as a .wps attachment."""
    base = "/county/"
    m.html(base, "丰城市人民政府", '<script>window.location.href = "index.html";</script>')
    m.html(f"{base}index.html", "丰城市人民政府", links([("政府信息公开", "xxgk.html")]))
    m.html(f"{base}xxgk.html", "政府信息公开", links([
        (seeds["003"].title, "show.jsp?id=1001"),
        ("工信局2022年政府信息公开工作年度报告", "uploads/gxj2022.wps"),
        *news("xxgk/2023/n", 4)]))
    m.redirect(f"{base}show.jsp?id=1001", f"{base}xxgk/2023/0120/1001.html")
    m.html(f"{base}xxgk/2023/0120/1001.html", seeds["003"].title,
           docs.text_layout_body(seeds["003"].text))
    if state == "first":  # later: removed, the list still links it (404)
        m.file(f"{base}uploads/gxj2022.wps", docs.doc_bytes(seeds["001"].text),
               "application/octet-stream")


def faults(m: SiteMap, state: str, seeds: dict[str, Seed]) -> None:
    """Fault knobs; the server gives /faults/list.html, slow.html and big.pdf their behaviour."""
    base = "/faults/"
    m.html(base, "故障测试站", links([("信息公开", "list.html")]))
    m.html(f"{base}list.html", "信息公开", links([
        ("测试单位2022年政府信息公开工作年度报告", "slow.html"),
        ("测试单位2021年政府信息公开工作年度报告", "big.pdf"),
        ("测试单位2020年政府信息公开工作年度报告", "private/report.html")]))
    m.html(f"{base}slow.html", "slow", "<p>slow</p>")
    m.html(f"{base}private/report.html", "private", "<p>robots.txt disallows this page</p>")


ROBOTS = b"User-agent: *\nDisallow: /faults/private/\nDisallow: /yichun/admin/\n"
SITES = (yichun, zhangshu, shangrao, county, faults, portal)
# Seeds given varied figures (replica/figures.py); 003 keeps its printed figures, which fail R2,
# and 001 is markdown.
FIGURED = ("000", "002", "004")


def build(state: str) -> dict[str, Page]:
    seeds = {p: Seed.load(p) for p in ("000", "001", "002", "003", "004")}
    seeds.update({p: seeds[p].with_figures() for p in FIGURED})
    site_map = SiteMap()
    for site in SITES:
        site(site_map, state, seeds)
    site_map.file("/robots.txt", ROBOTS, "text/plain")
    return site_map.pages
