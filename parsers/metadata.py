"""Report metadata from its paragraphs: title, agency, year, statistics period, publish date,
contacts, cited websites, region."""
from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from .model import Contacts, Region
from .nfkc import nfkc

_TITLE_END = re.compile(r"(?:工作)?(?:年度)?报告(?:[（(][^）)]*[)）])?$")
_TITLE_WORDS = re.compile(r"政府信息公开|信息公开|政务公开")
# Title lines hold no "label: value" pair, no breadcrumb and no weekday (a date bar).
_NOT_TITLE_LINE = re.compile(r"[:：>＞»]|星期[一二三四五六日天]")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
# A year in words, as titles write it: 二〇二二年 (〇 also typed as ○, 零 or the letter O).
_CN_DIGITS = {"〇": 0, "○": 0, "零": 0, "O": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}
_NAMED_YEAR = re.compile(r"((?:19|20)\d{2})\s*年|([一二][〇○零O一二三四五六七八九]{3})\s*年")
_REPORT_YEAR = re.compile(r"((?:19|20)\d{2})\s*年度|((?:19|20)\d{2})\s*年[^。，,；;]{0,20}年度报告")
_AGENCY_FROM_TITLE = re.compile(
    r"^(?P<agency>.*?)\s*(?:关于)?\s*(?:(?:19|20)\d{2}\s*年|[（(]?(?:19|20)\d{2}[）)]?)")
_PERIOD = re.compile(
    r"(?:统计期限|统计期间|统计时限|统计时间|统计区间|统计周期|统计期)\s*(?:为|是|从|[:：])?\s*(?:自\s*)?"
    r"(?P<period>(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*(?:起)?\s*(?:至|到|—|－|-|~|～)\s*"
    r"(?:(?:19|20)\d{2}\s*年\s*)?\d{1,2}\s*月\s*\d{1,2}\s*日(?:\s*止)?)")
_DATE = re.compile(r"((?:19|20)\d{2})\s*[年\-/.]\s*(\d{1,2})\s*[月\-/.]\s*(\d{1,2})\s*日?")
_DATE_LINE = re.compile(r"^\s*(?:\S{2,30}?\s*)?((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*$")
_PUBLISH = re.compile(r"(?:发布|发文|公开|成文)(?:时间|日期)\s*[:：]?\s*" + _DATE.pattern)
_ADDRESS = re.compile(r"(?:通讯地址|联系地址|办公地址|地址|地点)\s*[:：为]\s*(?P<v>[^，,；;。)）\n]{3,80})")
_PHONE = re.compile(
    r"(?:联系电话|咨询电话|办公电话|电话|联系方式|热线)\s*(?:号码)?\s*[:：为]?\s*"
    r"(?P<v>(?:[（(]?0\d{2,3}[)）]?\s*[-—－]?\s*)?\d{7,8}(?:\s*[、/,，或]\s*\d{7,8})*|1\d{10}|\d{5}|12345)")
_POSTCODE = re.compile(r"(?:邮政编码|邮编)\s*[:：为]?\s*(?P<v>\d{6})(?!\d)")
# The local part is at most 64 characters (RFC 5321): unbounded, a long run of letters
# without "@" made every start position scan to its end (quadratic).
_EMAIL_LOCAL_MAX = 64
_EMAIL = re.compile(rf"[A-Za-z0-9][A-Za-z0-9._%+\-]{{0,{_EMAIL_LOCAL_MAX - 1}}}@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+")
# http(s):// or www. (not inside a longer name), then the URL's characters, any case. Written
# with each alternative starting with a literal character (h, H, w, W) and the case-insensitive
# parts scoped (?i:…): the regex engine then skips ahead to those characters (6x faster than
# one re.I pattern, which tried every position; the same matches).
_URL_START = "|".join([*(f"{h}(?i:ttps?)://" for h in "hH"),
                       *(f"{w}(?<!(?i:[A-Za-z0-9./@]){w})(?i:ww)\\." for w in "wW")])
_URL = re.compile(rf"(?:{_URL_START})(?i:[A-Za-z0-9\-._~:/?#\[\]@!$&*+;=%]+)")


_TITLE_LINES = 10  # the title is among the first lines (after a page's menu and breadcrumb)


def find_title(paragraphs: list[str], given: Callable[[], str | None]) -> str | None:
    """The report's title: the first lines joined up to the one ending in 报告, else the one
    the document gives (asked only then: a DOCX reads its styles for it)."""
    head: list[str] = []
    for p in paragraphs[:_TITLE_LINES]:
        if len(p) > 60:
            break
        if _NOT_TITLE_LINE.search(p):  # a labelled line (发布时间：…, 当前位置：…) above it
            head = []
            continue
        head.append(p.strip())
        # a browser-printed title's year may sit at a line's end ("…年度报2020" / "告")
        joined = restore_title_year("".join(head), None)
        if _TITLE_END.search(joined) and _TITLE_WORDS.search(joined):
            return joined
    if doc_title := given():
        t = doc_title.strip()
        # drop a site name appended to the page title ("… - 宜春市人民政府")
        t = re.split(r"\s+[-_|—]+\s+|_", t)[0].strip() if _TITLE_WORDS.search(t.split("_")[0]) else t
        return t or None
    for p in paragraphs[:8]:
        if len(p) <= 60 and _TITLE_WORDS.search(p) and "报告" in p:
            return p.strip()
    return None


# A browser-printed PDF sets the title's digits in another font, which the text layer places
# apart: "…信息化局 年度政府信息公开工作2022" / "…信息化局 年政府信息公开工作年度报告".
_YEAR_GAP = re.compile(r"(?<=[^\d\s〇○零一二三四五六七八九十])\s+(?=年)")
_LOOSE_YEAR = re.compile(r"\s*((?:19|20)\d{2})(?!\d)\s*")


def restore_title_year(title: str | None, year: int | None) -> str | None:
    """The title with its year back in the gap before "年": the year printed elsewhere in the
    title when there is one, else the report's year found in its text."""
    if not title or not (gap := _YEAR_GAP.search(title)):
        return title
    loose = _LOOSE_YEAR.search(title, gap.end())
    if loose:
        rest = title[:loose.start()] + title[loose.end():]
        return rest[:gap.start()] + loose.group(1) + rest[gap.end():]
    if year is None or _LOOSE_YEAR.search(title):
        return title
    return f"{title[:gap.start()]}{year}{title[gap.end():]}"


_AGENCY_AFTER_YEAR = re.compile(
    r"^\s*(?:关于)?\s*[（(【\[]?\s*(?:19|20)\d{2}\s*年?度?\s*[)）】\]]?\s*(?P<agency>.+?)\s*"
    r"(?:政府信息公开|政务公开|信息公开)")
_AGENCY_SUFFIX = re.compile(r"(?:关于|(?:政府)?信息公开(?:工作)?|政务公开(?:工作)?)+$")
_AGENCY_STRIP = " 《》\"“”:：(（)）[]【】"
_NOT_AGENCY = {"政府", "政务", "本机关", "我局", "年度", "关于"}


def _clean_agency(a: str) -> str | None:
    a = _AGENCY_SUFFIX.sub("", a.strip(_AGENCY_STRIP)).strip(_AGENCY_STRIP)
    return a if 2 <= len(a) <= 40 and a not in _NOT_AGENCY else None


def agency_from_title(title: str | None) -> str | None:
    """The publisher named in a title: "宜春市工信局2022年…", "2022年宜春市工信局政府信息公开…"."""
    if not title:
        return None
    t = nfkc(title).strip()
    for rx in (_AGENCY_FROM_TITLE, _AGENCY_AFTER_YEAR):
        m = rx.match(t)
        if m:
            a = _clean_agency(m.group("agency"))
            if a:
                return a
    return None


_SIGNATURE = re.compile(r"^(?P<agency>\S{2,40}?(?:局|委员会|委|办公室|办公厅|人民政府|政府|管委会|管理委员会|中心|院|所|站|厅|处|办))$")
_CONTACT_AGENCY = re.compile(r"请与\s*(?P<agency>\S{2,40}?(?:局|委员会|委|办公室|人民政府|管委会|管理委员会|中心))")


def agency_fallback(paragraphs: list[str]) -> str | None:
    """When the title does not name the agency: a signature line near the end, or the body
    named in the contact sentence."""
    for p in reversed(paragraphs[-6:]):
        m = _SIGNATURE.match(p.strip())
        if m:
            return m.group("agency")
    for p in paragraphs[:10]:
        m = _CONTACT_AGENCY.search(p)
        if m:
            return m.group("agency")
    return None


def find_year(title: str | None, period: str | None, paragraphs: list[str]) -> int | None:
    for s in (title, period):
        if s and (year := year_named(s)):
            return year
    head = paragraphs[:12]
    for p in head:  # the year the report names itself for ("2022年度", "2022年…年度报告")
        if m := _REPORT_YEAR.search(nfkc(p)):
            return int(m.group(1) or m.group(2))
    counts: dict[int, int] = {}
    for p in head:
        for m in _YEAR.finditer(p):
            y = int(m.group(1))
            counts[y] = counts.get(y, 0) + 1
    return max(counts, key=counts.get) if counts else None


def year_named(text: str) -> int | None:
    """The first year a title or period names (2022 for '2022年…' and '二〇二二年度…'), or None.
    Shared with the crawler (crawler/recognise.py), which reads link titles the same way."""
    match = _NAMED_YEAR.search(nfkc(text))  # full-width digits, Ｏ
    if not match:
        return None
    if match.group(1):
        return int(match.group(1))
    return int("".join(str(_CN_DIGITS[ch]) for ch in match.group(2)))


def find_period(text: str) -> str | None:
    m = _PERIOD.search(text)
    return m.group("period").strip() if m else None


def _iso(y: str, mo: str, d: str) -> str | None:
    year, month, day = int(y), int(mo), int(d)
    if 1 <= month <= 12 and 1 <= day <= 31:
        return f"{year:04d}-{month:02d}-{day:02d}"
    return None


def find_publish_date(paragraphs: list[str]) -> str | None:
    for p in paragraphs[:6] + paragraphs[-6:]:
        m = _PUBLISH.search(p)
        if m:
            return _iso(*m.groups()[-3:])
    for p in reversed(paragraphs[-4:]):
        m = _DATE_LINE.match(p)
        if m:
            return _iso(*m.groups())
    return None


def find_contacts(text: str) -> Contacts:
    c = Contacts()
    m = _ADDRESS.search(text)
    if m:
        c.address = m.group("v").strip()
    m = _PHONE.search(text)
    if m:
        c.phone = re.sub(r"\s+", "", m.group("v")).replace("—", "-").replace("－", "-")
    m = _POSTCODE.search(text)
    if m:
        c.postcode = m.group("v")
    m = _first_email(text)
    if m:
        c.email = m.group(0).rstrip(".")
    return c


def _first_email(text: str) -> re.Match | None:
    """_EMAIL's first match, searched from just before the first "@": a match holds the first
    "@" after its start within _EMAIL_LOCAL_MAX characters, so none starts earlier (most reports
    hold no "@", and the regex tried every letter and digit of the text)."""
    at = text.find("@")
    return _EMAIL.search(text, max(0, at - _EMAIL_LOCAL_MAX)) if at >= 0 else None


def find_websites(text: str) -> list[str]:
    out: list[str] = []
    for m in _URL.finditer(text):
        u = m.group(0).rstrip(".,;:!?)]")
        if u.lower().startswith("www."):
            u = "http://" + u
        if u not in out:
            out.append(u)
    return out


_GENERIC_CITY = {"县", "市辖区", "省直辖县级行政区划", "自治区直辖县级行政区划"}
_MUNICIPALITIES = {"北京市", "天津市", "上海市", "重庆市"}


@lru_cache(maxsize=4096)
def _cpca_region(s: str) -> tuple[str | None, str | None, str | None]:
    try:
        import cpca  # the maintained gazetteer (adcodes of every province, city, county)
    except ImportError:  # pragma: no cover
        return None, None, None
    r = cpca._get_one_addr(s, True, {})
    prov, city, county = r.get("省"), r.get("市"), r.get("区")
    if city in _GENERIC_CITY:
        if county is None and r.get("省_pos", -1) < 0:
            return None, None, None  # "县" alone matched a municipality's county list
        city = prov if prov in _MUNICIPALITIES else None
    if prov in _MUNICIPALITIES and city is None:
        city = prov
    return prov, city, county


def find_region(*candidates: str | None) -> Region:
    """Region of the first candidate (agency as printed, title, contact address) that names a place."""
    for s in candidates:
        if not s:
            continue
        prov, city, county = _cpca_region(nfkc(s))
        if prov or city or county:
            return Region(prov, city, county)
    return Region()
