"""A district portal known only by its home page, serving its reports from download endpoints.

The shapes the other replica sites lack: a menu built by script (document.write), a menu inside an
iframe, the column three menus deep (政务公开 > 法定主动公开内容 > 政府信息公开年报), reports
served by Hanweb's downfile.jsp, getFile and /attach/ endpoints as application/octet-stream with
a Content-Disposition filename (plain, RFC 5987 and raw GBK), a list row whose link says only
下载, an attachment named by a number, and a report printed in <pre>. The 'later' state revises,
moves (republishes), removes (404, gone from the list) and adds attachment-served reports.
"""
from __future__ import annotations

import html
from urllib.parse import quote

from . import documents as docs
from .documents import Seed
from .sitemap import SiteMap, links, news

BASE = "/yuanzhou/"
OCTET = "application/octet-stream"


def disposition(name: str, style: str) -> dict[str, str]:
    """A Content-Disposition header as servers send it; raw names go out as their bytes."""
    if style == "rfc5987":
        return {"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"}
    if style == "gbk":
        return {"Content-Disposition": f'attachment; filename="{name}"'.encode("gbk").decode("latin-1")}
    return {"Content-Disposition": f'attachment; filename="{name}"'}


def reports(seeds: dict[str, Seed], state: str) -> dict[str, Seed]:
    """The district's reports: seeds renamed to its agencies, with their own figures."""
    gxj = seeds["000"].renamed("宜春市工业和信息化局", "袁州区工业和信息化局").with_figures()
    out = {
        "gxj2022": gxj.revised() if state == "later" else gxj,
        "scj2023": seeds["002"].renamed("樟树市工信局", "袁州区市场监督管理局").with_figures(),
        "jyj2021": seeds["004"].renamed("上饶市工业和信息化局", "袁州区教育体育局").with_figures(),
        "zf2022": seeds["000"].renamed("宜春市工业和信息化局", "袁州区人民政府").with_figures(),
    }
    if state == "later":
        out["jyj2022"] = out["jyj2021"].with_year(2021, 2022).with_figures()
    return out


def portal(m: SiteMap, state: str, seeds: dict[str, Seed]) -> None:
    r = reports(seeds, state)
    menu = "".join(f"document.write('<li><a href=\"{u}\">{t}</a></li>');" for t, u in (
        ("首页", BASE), ("新闻动态", f"{BASE}xwdt/index.html"), ("政务公开", f"{BASE}zwgk/index.html"),
        ("办事服务", f"{BASE}bsfw/index.html")))
    m.html(BASE, "袁州区人民政府", f"<ul id='nav'><script>{menu}</script></ul>"
           + links(news(f"{BASE}xwdt/n", 3)))
    m.html(f"{BASE}xwdt/index.html", "新闻动态", links(news(f"{BASE}xwdt/n", 6)))
    m.html(f"{BASE}zwgk/index.html", "政务公开",
           f'<iframe src="{BASE}zwgk/menu.html" width="200" height="600"></iframe>')
    m.html(f"{BASE}zwgk/menu.html", "目录", links([
        ("政府信息公开指南", f"{BASE}zwgk/zn.html"), ("法定主动公开内容", f"{BASE}zwgk/fdzdgknr.html"),
        ("依申请公开", f"{BASE}zwgk/ysq.html")]))
    m.html(f"{BASE}zwgk/zn.html", "政府信息公开指南", "<p>指南</p>")
    m.html(f"{BASE}zwgk/ysq.html", "依申请公开", "<p>依申请公开</p>")
    m.html(f"{BASE}zwgk/fdzdgknr.html", "法定主动公开内容", links([
        ("机构职能", f"{BASE}zwgk/jgzn.html"), ("政府信息公开年报", f"{BASE}col/col2091/index.html")]))
    m.html(f"{BASE}zwgk/jgzn.html", "机构职能", "<p>机构职能</p>")
    _column(m, state, r)
    _files(m, state, r)


def _column(m: SiteMap, state: str, r: dict[str, Seed]) -> None:
    rows = [
        f'<li><a href="{BASE}art/2023/1/30/art_2091_61584.html">{r["gxj2022"].title}</a></li>',
        f'<li><a href="{BASE}art/2023/1/31/art_2091_61590.html">'
        "袁州区工业和信息化局2022年政府信息公开工作年度报告解读</a></li>",
        f'<li><a href="{BASE}module/download/downfile.jsp?classid=0&amp;filename=2302131109001.pdf">'
        "关于报送2022年度政府信息公开工作年度报告的通知.pdf</a></li>",
        f'<li><a href="{BASE}getFile?fileId={7790 if state == "later" else 7781}">'
        f'{r["scj2023"].title}</a></li>',
        f'<li><a href="{BASE}art/2023/2/1/art_2091_61620.html">{r["zf2022"].title}</a></li>',
    ]
    if state == "first":  # later: gone from the list, and its file answers 404
        rows.append(f'<li><span>{r["jyj2021"].title}</span> <a href="{BASE}attach/0/'
                    'a8f3c2?name=jyj2021.docx">下载</a> <span>2022-01-28</span></li>')
    else:
        rows.insert(0, f'<li><span>{r["jyj2022"].title}</span>'
                       f' <a href="{BASE}download.jsp?id=95">下载</a></li>')
    m.html(f"{BASE}col/col2091/index.html", "政府信息公开年报", "<ul>" + "".join(rows) + "</ul>")


def _files(m: SiteMap, state: str, r: dict[str, Seed]) -> None:
    gxj = r["gxj2022"]
    m.html(f"{BASE}art/2023/1/30/art_2091_61584.html", gxj.title,
           "<p>附件：<a href='/yuanzhou/module/download/downfile.jsp?classid=0&amp;"
           "filename=2302131102362.docx'>2302131102362.docx</a></p>"
           "<p>附件2：<a href='/yuanzhou/module/download/downfile.jsp?classid=0&amp;"
           "filename=2302131102363.docx'>政策解读.docx</a></p>")
    m.file(f"{BASE}module/download/downfile.jsp?classid=0&filename=2302131102362.docx",
           docs.docx_bytes(gxj.text), OCTET, disposition("2302131102362.docx", "plain"))
    m.html(f"{BASE}art/2023/1/31/art_2091_61590.html", "解读", "<p>一图读懂年度报告。</p>")
    scj = r["scj2023"]
    m.file(f"{BASE}getFile?fileId={7790 if state == 'later' else 7781}",
           docs.pdf_bytes(scj.text), OCTET, disposition(f"{scj.title}.pdf", "rfc5987"))
    zf = r["zf2022"]
    m.html(f"{BASE}art/2023/2/1/art_2091_61620.html", zf.title,
           f"<pre>{html.escape(zf.text)}</pre>")
    if state == "first":
        jyj = r["jyj2021"]
        m.file(f"{BASE}attach/0/a8f3c2?name=jyj2021.docx", docs.docx_bytes(jyj.text),
               "application/x-download", disposition(f"{jyj.title}.docx", "gbk"))
    else:
        new = r["jyj2022"]
        m.file(f"{BASE}download.jsp?id=95", docs.docx_bytes(new.text), OCTET,
               disposition("20230125.docx", "plain"))

