"""Links out of a list or report page, in every shape the registry's CMSes use.

Plain anchors, frames and iframes (pdf.js `viewer.html?file=`), jump menus (`<select onchange>`),
script redirects, menus built by script
(anchors in `document.write`/`innerHTML` strings, `{name: …, url: …}` menu data), Hanweb JCMS datastores (records in
CDATA inside `<script type="text/xml">`, further pages from dataproxy.jsp), TRS WCM
`createPageHTML(total, current, "index", "html")`. Hand-written: each CMS's paging is inline
JavaScript that no link extractor runs.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

from parsel import Selector
from scrapy.http import TextResponse

_CDATA = re.compile(r"<!\[CDATA\[(.*?)\]\]>", re.S)
_RECORD = re.compile(r"<record>\s*<!\[CDATA\[", re.S)
_TRS_PAGER = re.compile(r"createPageHTML\(\s*['\"]?(\w+)['\"]?\s*,\s*['\"]?(\w+)['\"]?\s*,"
                        r"\s*['\"]([\w-]+)['\"]\s*,\s*['\"](\w+)['\"]")
# a whole URL, not the head of one a handler concatenates ('/detail/' + id)
_JS_REDIRECT = re.compile(r"(?:window\.|self\.|top\.|document\.)?location(?:\.href)?\s*=\s*['\"]([^'\"]+)['\"](?!\s*\+)"
                          r"|location\.(?:replace|assign)\(\s*['\"]([^'\"]+)['\"](?!\s*\+)")
_JS_VAR = r"var\s+{}\s*=\s*['\"]?(\d+)"
_HANWEB_NUMBER = r"['\"]?{}['\"]?\s*[:=]\s*['\"]?(\d+)"
_HANWEB_PROXY = re.compile(r"proxyUrl\s*[:=]\s*['\"]([^'\"]+)['\"]")
_HANWEB_PARAMS = re.compile(r"ajaxParam\s*[:=]\s*\{(.*?)\}", re.S)
_JS_PAIR = re.compile(r"['\"]?(\w+)['\"]?\s*:\s*(?:['\"]([^'\"]*)['\"]|([^,}\s]+))")
_SCRIPT_ANCHOR = re.compile(r"<a\s[^>]*?href\s*=\s*\\?['\"]([^'\"\\]+)\\?['\"][^>]*>(.*?)</a>",
                            re.S | re.I)
_TAG = re.compile(r"<[^>]+>")
_JS_OBJECT = re.compile(r"\{[^{}]{0,400}\}")
_JS_NAME = re.compile(r"['\"]?(?:name|title|text|label)['\"]?\s*:\s*['\"]([^'\"]+)['\"]")
_JS_URL = re.compile(r"['\"]?(?:url|href|link|path)['\"]?\s*:\s*['\"]([^'\"]+)['\"]")
# Link texts that say nothing of what they lead to: the row around them does.
_GENERIC_TEXT = re.compile(
    r"^[\[【]?(?:附件\S{0,4}|\S{0,2}下载\S{0,2}|查看|查看原文|原文|全文|详情|\S{0,40}\.\w{2,4})[\]】]?$")


@dataclass(frozen=True)
class Link:
    url: str
    text: str
    generated: bool = False  # not an anchor: computed from a CMS pager, a frame, a script
    context: str = ""  # the text of the row around an anchor whose own text says nothing
    via: str = "anchor"  # anchor | pager | frame | script (a redirect) | select (an option)


def _text(value: str) -> str:
    return re.sub(r"\s+", " ", value).strip()


def _anchors(selector: Selector, base: str) -> list[Link]:
    out = []
    for a in selector.css("a[href]"):
        href = (a.attrib.get("href") or "").strip()
        if not href or href.startswith(("#", "javascript:", "mailto:", "tel:")):
            continue
        text = _text(" ".join(a.css("::text").getall()))
        title = _text(a.attrib.get("title") or "")
        text = title if len(title) > len(text) else text
        context = _row_text(a).replace(text, " ").strip() if _GENERIC_TEXT.match(text) else ""
        out.append(Link(urljoin(base, href), text, context=context))
    return out


def _row_text(anchor: Selector) -> str:
    """The list row (li, tr, dd, p) an anchor sits in: '…年度报告 2023-01-30 [下载]'."""
    row = anchor.xpath("ancestor::*[self::li or self::tr or self::dd or self::p][1]")
    return _text(" ".join(row.css("::text").getall()))[:200] if row else ""


def _options(selector: Selector, base: str) -> list[Link]:
    """A jump menu: `<select onchange="location=this.value">` options whose values are URLs."""
    out = []
    for option in selector.xpath("//select[contains(@onchange, 'location') or "
                                 "contains(@onchange, 'open')]/option[@value]"):
        value = option.attrib["value"].strip()
        if value and not value.startswith(("#", "javascript:")) and ("/" in value or "." in value):
            out.append(Link(urljoin(base, value), _text(" ".join(option.css("::text").getall())),
                            via="select"))
    return out


def _script_links(selector: Selector, base: str) -> list[Link]:
    """Menus a script builds: anchors in strings, and `{name: '政府信息公开', url: '/xxgk/'}`."""
    out = []
    for script in selector.xpath("//script[not(@type) or contains(@type, 'javascript')]/text()"):
        code = script.get()
        for href, inner in _SCRIPT_ANCHOR.findall(code):
            out.append(Link(urljoin(base, href), _text(_TAG.sub(" ", inner))))
        for obj in _JS_OBJECT.findall(code):
            name, url = _JS_NAME.search(obj), _JS_URL.search(obj)
            if name and url:
                out.append(Link(urljoin(base, url.group(1)), _text(name.group(1))))
    return out


def _frames(selector: Selector, base: str) -> list[Link]:
    """frame/iframe/embed/object targets; a pdf.js viewer's `file=` names the document itself."""
    out = []
    for src in selector.css("iframe::attr(src), frame::attr(src), embed::attr(src), "
                            "object::attr(data)").getall():
        url = urljoin(base, src.strip())
        files = parse_qs(urlsplit(url).query).get("file")
        out.append(Link(urljoin(url, files[0]) if files else url, "", True, via="frame"))
    return out


def _hanweb_pages(text: str, base: str, inline_records: int) -> list[Link]:
    """dataproxy.jsp requests for the records past those inlined in the page."""
    proxy = _HANWEB_PROXY.search(text)
    total = re.search(_HANWEB_NUMBER.format("totalRecord"), text)
    if not (proxy and total):
        return []
    per_page_match = re.search(_HANWEB_NUMBER.format("perPage"), text)
    per_page = int(per_page_match.group(1)) if per_page_match else 15
    params_match = _HANWEB_PARAMS.search(text)
    params = {k: q or v for k, q, v in
              _JS_PAIR.findall(params_match.group(1))} if params_match else _nextgroup_params(text)
    out = []
    for start in range(max(inline_records, per_page) + 1, int(total.group(1)) + 1, per_page):
        query = {"startrecord": start, "endrecord": start + per_page - 1, "perpage": per_page,
                 **params}
        out.append(Link(urljoin(base, proxy.group(1)) + "?" + urlencode(query), "", True,
                        via="pager"))
    return out


def _nextgroup_params(text: str) -> dict[str, str]:
    """Older Hanweb pages carry the request parameters only in the <nextgroup> link."""
    match = re.search(r"<nextgroup>.*?href=['\"]([^'\"]+)['\"]", text, re.S)
    query = parse_qs(urlsplit(match.group(1)).query) if match else {}
    return {k: v[0] for k, v in query.items() if k != "page"}


def _trs_pages(text: str, base: str) -> list[Link]:
    """All of a list's pages, from its first page only (every page repeats the same pager)."""
    out = []
    for total_arg, current_arg, name, ext in _TRS_PAGER.findall(text):
        total, current = _js_int(total_arg, text), _js_int(current_arg, text)
        if total is None or current != 0:
            continue
        out += [Link(urljoin(base, f"{name}.{ext}" if n == 0 else f"{name}_{n}.{ext}"), "", True,
                     via="pager") for n in range(total)]
    return out


def _js_int(arg: str, text: str) -> int | None:
    """A pager argument: a number, or a variable set earlier (`var countPage = 5`)."""
    if arg.isdigit():
        return int(arg)
    match = re.search(_JS_VAR.format(re.escape(arg)), text)
    return int(match.group(1)) if match else None


def page_links(response: TextResponse) -> list[Link]:
    """Every link a page offers: anchors (incl. Hanweb records), frames, CMS-generated pages."""
    text, base = response.text, response.url
    links = (_anchors(response.selector, base) + _frames(response.selector, base)
             + _options(response.selector, base) + _script_links(response.selector, base))
    records = _CDATA.findall(text)
    for record in records:
        links += _anchors(Selector(text=record), base)
    if "<record" in text or "proxyUrl" in text:
        links += _hanweb_pages(text, base, len(_RECORD.findall(text)))
    if "createPageHTML" in text:
        links += _trs_pages(text, base)
    # home pages that forward with a script (window.location.href = "…") instead of HTTP
    links += [Link(urljoin(base, a or b), "", True, via="script")
              for a, b in _JS_REDIRECT.findall(text)]
    return links
