"""JSON list APIs: a list of items with a title and a URL is a list page, paged by its own
parameters (pageNo=2, page=3…) until it runs out, repeats or reaches its stated total.

The API's URL comes from the page's script when it is written there as a string, or from what a
rendered page fetched (crawler/rendering.py). Hand-written: the item and paging keys are a
vocabulary of Chinese CMS platforms (docTitle, pageNo, totalRecord…) no library knows.
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

from scrapy.http import TextResponse

_PAGE_KEYS = {"pageno", "pagenum", "pageindex", "page", "currentpage", "curpage", "pn",
              "pagenumber", "current"}
_SIZE_KEYS = {"pagesize", "rows", "size", "limit", "perpage", "ps"}
_TITLE_KEYS = ("title", "doctitle", "name", "biaoti", "articletitle", "filename", "subject",
               "infotitle", "vc_title")
_URL_KEYS = ("url", "docurl", "link", "href", "linkurl", "detailurl", "fileurl", "downloadurl",
             "path", "pageurl", "vc_url")
_TOTAL_KEYS = ("total", "totalcount", "totalrecord", "totalrecords", "records", "count",
               "totalelements", "totalnum")
_PAGES_KEYS = ("totalpage", "totalpages", "pages", "pagecount", "pagetotal")
# a URL in a script string whose query names a page: "/api/list.do?channelId=12&page=1&rows=4"
_API_IN_SCRIPT = re.compile(r"""['"]((?:https?://|/|\./|\.\./)?[\w./:-]*\?[^'"\s<>]*?\b"""
                            r"""(?:pageNo|pageNum|pageIndex|page|currentPage|curPage|pn)=\d+[^'"\s<>]*)['"]""",
                            re.I)


@dataclass(frozen=True)
class Item:
    title: str
    url: str | None  # None: the list names the item only by an id its script turns into a link


def api_urls(response: TextResponse) -> list[str]:
    """JSON list APIs named as strings in the page's inline scripts."""
    scripts = " ".join(response.css("script:not([src])::text").getall())
    return sorted({response.urljoin(m) for m in _API_IN_SCRIPT.findall(scripts)})


def parse_json(response: TextResponse) -> object | None:
    try:
        return json.loads(response.text)
    except ValueError:
        return None


def list_items(data: object, base: str) -> list[Item]:
    """The longest list of objects with a title anywhere in the document, as items."""
    best: list[dict] = []
    for found in _lists_of_objects(data):
        titled = [o for o in found if _value(o, _TITLE_KEYS)]
        if len(titled) > len(best):
            best = titled
    return [Item(str(_value(o, _TITLE_KEYS)).strip(),
                 urljoin(base, str(url)) if (url := _value(o, _URL_KEYS)) else None) for o in best]


def next_page(url: str, data: object, item_count: int) -> str | None:
    """The API's next page, or None when this one was empty or the stated total is reached."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    page_key = next((k for k, v in query if k.lower() in _PAGE_KEYS and v.isdigit()), None)
    if page_key is None or item_count == 0:
        return None
    page = int(dict(query)[page_key])
    size = next((int(v) for k, v in query if k.lower() in _SIZE_KEYS and v.isdigit()), item_count)
    numbers = _numbers(data)
    pages = next((numbers[k] for k in _PAGES_KEYS if k in numbers), None)
    total = next((numbers[k] for k in _TOTAL_KEYS if k in numbers), None)
    if (pages is not None and page >= pages) or (total is not None and page * size >= total):
        return None
    query = [(k, str(page + 1) if k == page_key else v) for k, v in query]
    return parts._replace(query=urlencode(query)).geturl()


def signature(items: list[Item]) -> str:
    return hashlib.sha1("\n".join(f"{i.title}\t{i.url}" for i in items).encode()).hexdigest()


def _value(obj: dict, keys: tuple[str, ...]) -> object:
    lowered = {k.lower(): v for k, v in obj.items() if isinstance(k, str)}
    return next((lowered[k] for k in keys if lowered.get(k) not in (None, "")), None)


def _lists_of_objects(data: object) -> list[list[dict]]:
    if isinstance(data, list):
        objects = [o for o in data if isinstance(o, dict)]
        return ([objects] if objects else []) + [x for o in data for x in _lists_of_objects(o)]
    if isinstance(data, dict):
        return [x for v in data.values() for x in _lists_of_objects(v)]
    return []


def _numbers(data: object, depth: int = 0) -> dict[str, int]:
    """Integer fields of the top levels (total, totalPage…), lower-cased; the shallowest wins."""
    if not isinstance(data, dict) or depth > 2:
        return {}
    out: dict[str, int] = {}
    for value in data.values():
        for k, v in _numbers(value, depth + 1).items():
            out.setdefault(k, v)
    for key, value in data.items():
        if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
            out[key.lower()] = int(value)
    return out
