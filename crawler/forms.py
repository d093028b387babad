"""Lists that page only by posting a form: ASP.NET `__doPostBack` pagers and `<form>` page fields.

A GET of such a list always answers page 1; the next page is the same form posted back with its
state (`__VIEWSTATE`, `__EVENTVALIDATION`) and the pager's event, or with its page field set.
form2request (Scrapy's replacement for the deprecated FormRequest.from_response) builds the post
from the form as served (hidden fields, action, method); this module decides which posts a careful
reader would make, encodes them in the page's charset as a browser does, and stops when a posted
page repeats one already read (a pager past its last page answers the last again).
"""
from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from form2request import form2request
from parsel import Selector
from scrapy import Request
from scrapy.http import TextResponse

from .recognise import is_pagination_text

_POSTBACK = re.compile(r"__doPostBack\(\s*['\"]([^'\"]*)['\"]\s*,\s*['\"]([^'\"]*)['\"]\s*\)")
# GridView/DataGrid/ListView pager events: Page$3, Page$Next, Page$Last…
_PAGE_EVENT = re.compile(r"^Page\$(\d+|Next|Prev|First|Last)$", re.I)
_PAGE_FIELD = re.compile(r"^(?:page|pageno|pagenum|pagenumber|pageindex|currentpage|curpage|"
                         r"cpage|pagecurrent|page_no|page_num|pn)$", re.I)
_TOTAL_PAGES = re.compile(r"共\s*(\d{1,4})\s*页|(?:totalPages?|pageCount|countPage)\s*[=:]\s*['\"]?(\d{1,4})")
_NEXT = re.compile(r"Next|下一?页|后页|>|»", re.I)
MAX_FORM_PAGES = 200  # per list form: a pager that never repeats still ends


class FormPager:
    """What one crawl has posted and read, per list form (kept by the spider for the crawl)."""

    def __init__(self) -> None:
        self.posted: set[tuple[str, ...]] = set()
        self.pages_read: dict[str, set[str]] = {}  # form key -> signatures of its pages
        self.sent: dict[str, int] = {}  # form key -> posts made
        self.cut_forms: set[str] = set()

    def requests(self, response: TextResponse, callback: Any = None,
                 cut: Callable[[str], None] | None = None, **request_kwargs: Any) -> Iterator[Request]:
        """The posts that continue this list page, none once the page repeats one already read.
        A form past MAX_FORM_PAGES posts is cut: `cut` is told once (the crawl is not complete)."""
        signature = _signature(response)
        for form_key, build in _pager_forms(response, signature):
            read = self.pages_read.setdefault(form_key, set())
            if signature in read:
                continue
            read.add(signature)
            for key, formdata, formxpath in build:
                if (form_key, *key) in self.posted:
                    continue
                if self.sent.get(form_key, 0) >= MAX_FORM_PAGES:
                    if cut and form_key not in self.cut_forms:
                        self.cut_forms.add(form_key)
                        cut(f"list form {form_key}: more than {MAX_FORM_PAGES} pages")
                    break
                self.posted.add((form_key, *key))
                self.sent[form_key] = self.sent.get(form_key, 0) + 1
                form = response.xpath(formxpath)
                yield _in_charset(form2request(form, formdata, click=False),
                                  response.encoding).to_scrapy(callback, **request_kwargs)


Build = list[tuple[tuple[str, ...], dict[str, str], str]]


def _pager_forms(response: TextResponse, signature: str) -> list[tuple[str, Build]]:
    """(form key, posts to make) for each paging form on the page."""
    out = []
    for index, form in enumerate(response.css("form")):
        xpath = f"(//form)[{index + 1}]"
        action = form.attrib.get("action") or response.url.split("?")[0]
        key = f"{response.urljoin(action)}#{form.attrib.get('id') or form.attrib.get('name') or index}"
        posts = (_postback_posts(response.text, form, xpath, signature)
                 or _page_field_posts(response.text, form, xpath))
        if posts:
            out.append((key, posts))
    return out


def _postback_posts(text: str, form: Selector, xpath: str, signature: str) -> Build:
    """`__doPostBack('GridView1','Page$2')` pager links of an ASP.NET form.

    Numbered pages are posted once each per crawl; Next only when the pager shows no numbers: then
    each page's Next is followed (keyed by the page it is on) until a page repeats."""
    if "__doPostBack" not in text or not form.css("input[name=__VIEWSTATE]"):
        return []
    numbered, relative = [], []
    for href, onclick, label in _postback_links(form):
        match = _POSTBACK.search(href + " " + onclick)
        if not match:
            continue
        target, argument = match.groups()
        event = _PAGE_EVENT.match(argument)
        if not event and not is_pagination_text(label):
            continue  # sorting, selecting a row, logging in: not paging
        post = ((target, argument), {"__EVENTTARGET": target, "__EVENTARGUMENT": argument}, xpath)
        if (event and event.group(1).isdigit()) or argument.isdigit():  # AspNetPager posts '3'
            numbered.append(post)
        elif _NEXT.search(f"{argument} {label}"):
            relative.append(((target, argument, signature), post[1], xpath))
    return numbered or relative[:1]


def _postback_links(form: Selector) -> Iterator[tuple[str, str, str]]:
    for a in form.css("a, input[type=submit], input[type=button], button"):
        label = " ".join(a.css("::text").getall()) or a.attrib.get("value") or ""
        yield a.attrib.get("href") or "", a.attrib.get("onclick") or "", label.strip()


def _page_field_posts(text: str, form: Selector, xpath: str) -> Build:
    """A form with a page-number field: every page up to the stated total, else the next one."""
    fields = [i for i in form.css("input, select") if _PAGE_FIELD.match(i.attrib.get("name") or "")]
    if not fields:
        return []
    name = fields[0].attrib["name"]
    value = fields[0].attrib.get("value") or fields[0].css("option[selected]::attr(value)").get() or "1"
    current = int(value) if value.strip().isdigit() else 1
    total_match = _TOTAL_PAGES.search(re.sub(r"<[^>]+>", "", text))
    total = int(next(g for g in total_match.groups() if g)) if total_match else current + 1
    return [((name, str(n)), {name: str(n)}, xpath) for n in range(current + 1, total + 1)]


def _in_charset(request: Any, encoding: str) -> Any:
    """The request with its form data in the page's charset (form2request writes UTF-8 only)."""
    if encoding.lower().replace("-", "") in ("utf8", "ascii"):
        return request
    if request.method == "GET":
        parts = urlsplit(request.url)
        query = urlencode(parse_qsl(parts.query, keep_blank_values=True), encoding=encoding)
        request.url = parts._replace(query=query).geturl()
    else:
        pairs = parse_qsl(request.body.decode("ascii"), keep_blank_values=True)
        request.body = urlencode(pairs, encoding=encoding).encode("ascii")
    return request


def _signature(response: TextResponse) -> str:
    """A page's substance for repeat detection: the links it lists (view state and chrome vary)."""
    hrefs = sorted(set(response.css("a::attr(href)").getall()))
    return hashlib.sha1("\n".join(hrefs).encode("utf-8")).hexdigest()
