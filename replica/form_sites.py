"""Lists that page only by posting a form: an ASP.NET WebForms county site in GBK (GridView pager
by `__doPostBack`, view state checked like ASP.NET's event validation) and a JSP site whose form
carries a page-number field. A GET of either list answers page 1 only.

'later' puts a new report at the head of both lists, pushing an older report to page 2.
"""
from __future__ import annotations

import base64
import hashlib
import html

from . import variants
from .dynamic_server import Reply, Request

PER_PAGE = 4
GBK = "text/html; charset=gb2312"


def _items(agency_prefix: str, state: str) -> list[tuple[str, str | None]]:
    """(title, report key 'agency|year' or None for news), newest first."""
    agencies = [f"{agency_prefix}工业和信息化局", f"{agency_prefix}市场监督管理局"]
    items: list[tuple[str, str | None]] = [
        (variants.title(agencies[1], 2022), f"{agencies[1]}|2022"), ("关于开展安全生产检查的通知", None),
        ("县领导调研工业园区", None), (variants.title(agencies[0], 2022), f"{agencies[0]}|2022"),
        ("2023年政务公开工作要点", None), (variants.title(agencies[1], 2021), f"{agencies[1]}|2021"),
        ("招商引资工作推进会召开", None), (variants.title(agencies[0], 2021), f"{agencies[0]}|2021"),
        ("防汛工作部署会", None), ("春季植树活动", None)]
    if state == "later":
        items[:0] = [(variants.title(agencies[0], 2023), f"{agencies[0]}|2023"), ("冬季消防演练", None)]
    return items


def _pages(items: list) -> list[list]:
    return [items[i:i + PER_PAGE] for i in range(0, len(items), PER_PAGE)]


def _report(request: Request, key: str | None, encoding: str) -> Reply:
    if not key or "|" not in key:
        return Reply(b"not found", "text/plain", 404)
    agency, year = key.split("|")
    text = variants.report_text(agency, int(year))
    ctype = GBK if encoding == "gbk" else "text/html; charset=utf-8"
    return Reply(variants.report_page(variants.title(agency, int(year)), text, encoding), ctype,
                 validators=True)


# -- ASP.NET WebForms ----------------------------------------------------------------------------
ASPNET = "/yongfeng/"


def _view_state(page: int, state: str) -> str:
    return base64.b64encode(f"GridView1|page={page}|{state}".encode()).decode()


def _event_validation(view_state: str, arguments: list[str]) -> str:
    return base64.b64encode(hashlib.sha1("|".join([view_state, *arguments]).encode()).digest()).decode()


def _grid_arguments(current: int, count: int) -> list[str]:
    return [f"Page${n}" for n in range(1, count + 1) if n != current] + (
        ["Page$Next"] if current < count else [])


def aspnet(request: Request) -> Reply | None:
    path = request.path[len(ASPNET):]
    items = _items("永丰县", request.state)
    if path in ("", "default.aspx"):
        return Reply('<html><head><meta charset="gb2312"><title>永丰县人民政府</title></head><body>'
                     '<a href="xxgk/ndbg.aspx">政府信息公开年报</a></body></html>'.encode("gbk"), GBK)
    if path == "xxgk/show.aspx":
        return _report(request, request.query.get("key"), "gbk")
    if path != "xxgk/ndbg.aspx":
        return None
    pages = _pages(items)
    current = 1
    if request.method == "POST":
        posted = _posted_page(request.form, len(pages), request.state)
        if posted is None:  # what ASP.NET answers to a post without its state
            return Reply("<h1>Server Error in '/' Application.</h1><p>Invalid postback or callback "
                         "argument.</p>".encode("gbk"), GBK, 500)
        current = posted
    return Reply(_grid_page(pages, current, request.state).encode("gbk"), GBK)


def _posted_page(form: dict[str, str], count: int, state: str) -> int | None:
    """The page a postback asks for, or None if its view state or event does not validate."""
    view_state = form.get("__VIEWSTATE", "")
    try:
        _, page_part, _ = base64.b64decode(view_state).decode().split("|")
        current = int(page_part.split("=")[1])
    except (ValueError, UnicodeDecodeError):
        return None
    arguments = _grid_arguments(current, count)
    argument = form.get("__EVENTARGUMENT", "")
    if (form.get("__EVENTTARGET") != "GridView1" or argument not in arguments
            or form.get("__EVENTVALIDATION") != _event_validation(view_state, arguments)):
        return None
    return current + 1 if argument == "Page$Next" else int(argument.split("$")[1])


def _grid_page(pages: list[list], current: int, state: str) -> str:
    rows = "".join(
        f'<tr><td><a href="show.aspx?key={html.escape(key or "news")}">{html.escape(t)}</a></td>'
        "<td>2024-01-20</td></tr>" for t, key in pages[current - 1])
    pager = " ".join(
        f"<span>{n}</span>" if n == current else
        f"<a href=\"javascript:__doPostBack('GridView1','Page${n}')\">{n}</a>"
        for n in range(1, len(pages) + 1))
    view_state = _view_state(current, state)
    validation = _event_validation(view_state, _grid_arguments(current, len(pages)))
    return (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
        "<title>政府信息公开年报</title></head><body>"
        '<form name="form1" method="post" action="./ndbg.aspx" id="form1">'
        '<input type="hidden" name="__EVENTTARGET" id="__EVENTTARGET" value="" />'
        '<input type="hidden" name="__EVENTARGUMENT" id="__EVENTARGUMENT" value="" />'
        f'<input type="hidden" name="__VIEWSTATE" id="__VIEWSTATE" value="{view_state}" />'
        '<script type="text/javascript">function __doPostBack(eventTarget, eventArgument) {'
        "var theForm = document.forms['form1']; theForm.__EVENTTARGET.value = eventTarget;"
        "theForm.__EVENTARGUMENT.value = eventArgument; theForm.submit();}</script>"
        f'<input type="hidden" name="__EVENTVALIDATION" value="{validation}" />'
        '<input type="text" name="txtKeyword" value="" /><input type="submit" name="btnSearch" value="搜索" />'
        f'<table id="GridView1">{rows}<tr><td colspan="2">{pager}</td></tr></table>'
        "</form></body></html>")


# -- a JSP list with a page-number field ---------------------------------------------------------
FORMPAGER = "/jishui/"


def formpager(request: Request) -> Reply | None:
    path = request.path[len(FORMPAGER):]
    if path == "":
        return Reply('<html><body><a href="list.jsp">政府信息公开年度报告</a></body></html>'.encode())
    if path == "show.jsp":
        return _report(request, request.query.get("key"), "utf-8")
    if path != "list.jsp":
        return None
    pages = _pages(_items("吉水县", request.state))
    wanted = request.form.get("pageNo", "1") if request.method == "POST" else "1"
    current = min(max(int(wanted) if wanted.isdigit() else 1, 1), len(pages))  # past the end: last
    rows = "".join(f'<li><a href="show.jsp?key={html.escape(key or "news")}">{html.escape(t)}</a></li>'
                   for t, key in pages[current - 1])
    nav = (f'共{len(pages)}页 当前第{current}页 '
           f'<a href="javascript:void(0)" onclick="goPage({current + 1})">下一页</a>')
    body = ('<html><head><meta charset="utf-8"><title>年度报告</title>'
            "<script>function goPage(n){var f=document.forms['pageForm'];f.pageNo.value=n;f.submit();}"
            f'</script></head><body><ul>{rows}</ul><form name="pageForm" method="post" action="list.jsp">'
            f'<input type="hidden" name="pageNo" value="{current}"/>'
            f'<input type="hidden" name="columnId" value="1507"/></form><div>{nav}</div></body></html>')
    return Reply(body.encode())


SITES = {
    ASPNET: (aspnet, {"id": "dyn-yongfeng", "name": "永丰县人民政府", "region": "江西省吉安市永丰县",
                      "cms": "aspnet"}, "gbk"),
    FORMPAGER: (formpager, {"id": "dyn-jishui", "name": "吉水县人民政府", "region": "江西省吉安市吉水县",
                            "cms": "jsp"}, "utf-8"),
}
