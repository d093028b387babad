"""Lists built by script: a 集约化-platform site whose list page holds no report links (its script
fetches a JSON API, renders the items, some only as `onclick` handlers: openDetail(year, id)
opening a new window (window.open) and downloadFile(fid) setting location.href, the download answered with Content-Disposition) and pages
only by a scripted 下一页; and a site whose script names its JSON API in a plain string.
"""
from __future__ import annotations

import json
from urllib.parse import quote

from . import variants
from .dynamic_server import Reply, Request

PER_PAGE = 3
JSON = "application/json;charset=UTF-8"


def _page(title: str, body: str) -> bytes:
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title>'
            '<script src="/static/jquery.min.js"></script>'  # missing, as third-party code often is
            f"</head><body>{body}</body></html>").encode()


# -- 峡江县: URL built by script, onclick details and downloads ---------------------------------
XIAJIANG = "/xiajiang/"
_XJ_AGENCIES = ["峡江县工业和信息化局", "峡江县市场监督管理局", "峡江县农业农村局"]


def _xj_reports() -> list[tuple[int, str, int, dict]]:
    """(n, agency, year, how the list names it): a URL, an id for openDetail, a file id."""
    out = []
    for n, (year, agency) in enumerate((y, a) for y in (2023, 2022, 2021) for a in _XJ_AGENCIES):
        handle = [{"url": f"/xiajiang/art/{year + 1}/1/20/art_{n}.html"},
                  {"id": f"b7c{n}", "year": str(year)}, {"fileId": f"f93a{n}"}][n % 3]
        out.append((n, agency, year, handle))
    return out


def _xj_items() -> list[dict]:
    """The column's items, newest first, news between the reports."""
    items = []
    for n, agency, year, handle in _xj_reports():
        items.append({"title": variants.title(agency, year), "publishDate": f"{year + 1}-01-20",
                      **handle})
        if n % 2:
            items.append({"title": f"峡江县召开第{n}次常务会议", "url": f"/xiajiang/art/news_{n}.html",
                          "publishDate": f"{year + 1}-02-01"})
    return items


LIST_SCRIPT = """
var columnId = '4521';
function load(pageNo) {
  fetch('/xiajiang/api/content/list?columnId=' + columnId + '&pageNo=' + pageNo + '&pageSize=PER')
    .then(function (r) { return r.json(); }).then(function (d) { render(d.data, pageNo); });
}
function render(data, pageNo) {
  var html = '';
  data.list.forEach(function (it) {
    if (it.url) html += '<li><a href="' + it.url + '">' + it.title + '</a><span>' + it.publishDate + '</span></li>';
    else if (it.fileId) html += '<li><span>' + it.title + '</span><a href="javascript:;" onclick="downloadFile(\\'' + it.fileId + '\\')">下载</a></li>';
    else html += '<li><a href="javascript:;" onclick="openDetail(\\'' + it.year + '\\',\\'' + it.id + '\\')">' + it.title + '</a></li>';
  });
  document.getElementById('list').innerHTML = html;
  var pages = Math.ceil(data.total / data.pageSize);
  document.getElementById('pager').innerHTML = pageNo < pages ?
    '<a href="javascript:;" onclick="load(' + (pageNo + 1) + ')">下一页</a>' : '';
}
function openDetail(year, id) { window.open('/xiajiang/detail/' + year + '/' + id + '.html', '_blank'); }
function downloadFile(fid) { window.location.href = '/xiajiang/api/file/download?fid=' + fid; }
load(1);
// counters a crawler's browser must not call: robots.txt disallows the first, the second is offsite
fetch('/private/stat.do?columnId=' + columnId).catch(function () {});
fetch('http://stats.example.invalid/collect').catch(function () {});
""".replace("PER", str(PER_PAGE))


def xiajiang(request: Request) -> Reply | None:
    path = request.path[len(XIAJIANG):]
    items = _xj_items()
    if path == "":
        return Reply(_page("峡江县人民政府", '<a href="col/col4521/index.html">政府信息公开年报</a>'
                           '<a href="col/col100/index.html">新闻动态</a>'))
    if path == "col/col4521/index.html":
        return Reply(_page("政府信息公开年报", '<ul id="list"></ul><div id="pager"></div>'
                                       f"<script>{LIST_SCRIPT}</script>"))
    if path == "col/col100/index.html":
        return Reply(_page("新闻动态", '<ul><li><a href="/xiajiang/art/news_1.html">峡江县召开第1次常务会议</a></li></ul>'))
    if path == "api/content/list":
        page = int(request.query.get("pageNo") or 1)
        size = int(request.query.get("pageSize") or PER_PAGE)
        chunk = items[(page - 1) * size:page * size]
        return Reply(json.dumps({"code": 200, "data": {"total": len(items), "pageNo": page,
                                                         "pageSize": size, "list": chunk}},
                                ensure_ascii=False).encode(), JSON)
    return _xj_document(path, request.query)


def _xj_document(path: str, query: dict[str, str]) -> Reply | None:
    """Report pages by URL and by id (openDetail), PDFs by file id (downloadFile)."""
    for n, agency, year, handle in _xj_reports():
        if (handle.get("url") == XIAJIANG + path
                or path == f"detail/{year}/{handle.get('id')}.html"):
            text = variants.report_text(agency, year)
            return Reply(variants.report_page(variants.title(agency, year), text), validators=True)
        if path == "api/file/download" and query.get("fid") == handle.get("fileId"):
            name = quote(f"{variants.title(agency, year)}.pdf")
            return Reply(variants.pdf(agency, year), "application/octet-stream",
                         headers={"Content-Disposition": f"attachment; filename*=UTF-8''{name}"},
                         validators=True)
    if path.startswith("art/news_"):
        return Reply(_page("会议", "<p>会议召开。</p>"))
    return None


# -- 新干县: the JSON API named in a plain string (no browser needed) ----------------------------
XINGAN = "/xingan/"
_XG_AGENCIES = ["新干县工业和信息化局", "新干县教育体育局"]


def _xg_items() -> list[dict]:
    items = []
    for year in (2023, 2022, 2021):
        for agency in _XG_AGENCIES:
            items.append({"docTitle": variants.title(agency, year), "pubDate": f"{year + 1}-01-15",
                          "docUrl": f"./content/{year}_{_XG_AGENCIES.index(agency)}.html"})
        items.append({"docTitle": f"新干县{year}年秋季开学通知", "pubDate": f"{year}-09-01",
                      "docUrl": f"./content/news_{year}.html"})
    return items


XG_SCRIPT = """
var listApi = "/xingan/api/list.do?channelId=12&page=1&rows=4";
$(function () { $.getJSON(listApi, function (d) { $('#list').html(d.rows.map(function (r) {
  return '<li><a href="' + r.docUrl + '">' + r.docTitle + '</a></li>'; }).join('')); }); });
"""


def xingan(request: Request) -> Reply | None:
    path = request.path[len(XINGAN):]
    if path == "":
        return Reply(_page("新干县人民政府", '<a href="ndbg/">政府信息公开工作年度报告</a>'))
    if path == "ndbg/":
        return Reply(_page("年度报告", f'<ul id="list"></ul><script>{XG_SCRIPT}</script>'))
    if path == "api/list.do":
        page, rows = int(request.query.get("page") or 1), int(request.query.get("rows") or 4)
        items = _xg_items()
        return Reply(json.dumps({"total": len(items), "rows": items[(page - 1) * rows:page * rows]},
                                ensure_ascii=False).encode(), JSON)
    for year in (2023, 2022, 2021):
        for i, agency in enumerate(_XG_AGENCIES):
            if path == f"ndbg/content/{year}_{i}.html":
                return Reply(variants.report_page(variants.title(agency, year),
                                                  variants.report_text(agency, year)), validators=True)
    return Reply(_page("通知", "<p>开学通知。</p>")) if path.startswith("ndbg/content/news_") else None


def warm() -> None:
    """Build the PDFs before serving (the first build takes longer than a test's timeout)."""
    for _, agency, year, handle in _xj_reports():
        if "fileId" in handle:
            variants.pdf(agency, year)


# -- 安福县: XHR POST to a search API, a numbered scripted pager (kept aside while tuning) -------
ANFU = "/anfu/"
_AF_AGENCIES = ["安福县住房和城乡建设局", "安福县卫生健康委员会", "安福县林业局"]
AF_SCRIPT = """
function go(n) {
  var x = new XMLHttpRequest();
  x.open('POST', '/anfu/search/doc', true);
  x.setRequestHeader('Content-Type', 'application/x-www-form-urlencoded');
  x.onload = function () {
    var d = JSON.parse(x.responseText), h = '', p = '';
    for (var i = 0; i < d.result.length; i++)
      h += '<tr><td><a href="' + d.result[i].link + '" target="_blank">' + d.result[i].name + '</a></td></tr>';
    for (var k = 1; k <= d.pageTotal; k++)
      p += k === n ? '<b>' + k + '</b> ' : '<a href="javascript:void(0)" onclick="go(' + k + ')">' + k + '</a> ';
    document.getElementById('t').innerHTML = h; document.getElementById('p').innerHTML = p;
  };
  x.send('catalogId=77&pageIndex=' + n + '&pageSize=2');
}
go(1);
"""


def _af_items() -> list[dict]:
    return [{"name": variants.title(a, y), "link": f"/anfu/doc/{y}/{i}.html"}
            for y in (2023, 2022) for i, a in enumerate(_AF_AGENCIES)]


def anfu(request: Request) -> Reply | None:
    path = request.path[len(ANFU):]
    if path == "":
        return Reply(_page("安福县人民政府", '<a href="xxgk/ndbg.html">年度报告</a>'))
    if path == "xxgk/ndbg.html":
        return Reply(_page("政府信息公开年度报告", f'<table id="t"></table><div id="p"></div><script>{AF_SCRIPT}</script>'))
    if path == "search/doc" and request.method == "POST":
        page, size = int(request.form.get("pageIndex") or 1), int(request.form.get("pageSize") or 2)
        items = _af_items()
        return Reply(json.dumps({"pageTotal": -(-len(items) // size),
                                 "result": items[(page - 1) * size:page * size]},
                                ensure_ascii=False).encode(), JSON)
    for item in _af_items():
        if item["link"] == ANFU + path:
            agency, year = item["name"].split("20", 1)[0], int(path.split("/")[1])
            return Reply(variants.report_page(item["name"], variants.report_text(agency, year)),
                         validators=True)
    return None


SITES = {
    ANFU: (anfu, {"id": "js-anfu", "name": "安福县人民政府", "region": "江西省吉安市安福县"}, "utf-8"),
    XIAJIANG: (xiajiang, {"id": "js-xiajiang", "name": "峡江县人民政府", "region": "江西省吉安市峡江县",
                          "cms": "jcms"}, "utf-8"),
    XINGAN: (xingan, {"id": "js-xingan", "name": "新干县人民政府", "region": "江西省吉安市新干县"}, "utf-8"),
}
