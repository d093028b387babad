"""Labels: normalisation, the official row / column labels of both formats, and matching.

Matching is exact on normalised labels first (the hot path), then fuzzy (difflib ratio) with
the context of the enclosing group: a printed group number and the sub-row numbers identify a
row even when its group label is a typo (seed 003 prints "（五）不予公开" for 不予处理).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache

from .nfkc import nfkc

_NON_WORD = re.compile(r"[\W_]+")
_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
# Variant characters seen in labels: 其它/其他, 帐/账 ...
_VARIANTS = str.maketrans({"它": "他", "帐": "账", "份": "分"})


def cn_number(s: str) -> int | None:
    """一..九十九 or ascii digits -> int."""
    if s.isdigit():
        return int(s)
    if not s or any(ch not in _CN_DIGITS for ch in s):
        return None
    if len(s) == 1:
        return _CN_DIGITS[s]
    if s[0] == "十":
        return 10 + (_CN_DIGITS[s[1]] if len(s) > 1 else 0)
    if len(s) == 2 and s[1] == "十":
        return _CN_DIGITS[s[0]] * 10
    if len(s) == 3 and s[1] == "十":
        return _CN_DIGITS[s[0]] * 10 + _CN_DIGITS[s[2]]
    return None


@lru_cache(maxsize=8192)
def norm(label: str) -> str:
    """Compare form: NFKC, no spaces or punctuation, variant characters unified."""
    s = nfkc(label)
    return _NON_WORD.sub("", s).translate(_VARIANTS)


def ratio(a: str, b: str) -> float:
    if a == b:
        return 1.0
    if not a or not b:
        return 0.0
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


# Markers at the start of a label part (after NFKC: full-width brackets become ASCII).
_TOP = re.compile(r"^\s*([一二三四五六七八九十]{1,3})\s*[、.,]\s*")
_GROUP = re.compile(r"^\s*[(\[]\s*([一二三四五六七八九十]{1,3})\s*[)\]]\s*")
_SUB = re.compile(r"^\s*(\d{1,2})\s*(?:[.、,)]|\s)\s*(?=\D)")


_MARKER_GAP = re.compile(r"\s+(?=[(\[][一二三四五六七八九十]{1,3}[)\]]|\d{1,2}\s*[.、](?!\d))")


@dataclass(frozen=True)
class LabelParts:
    top: int | None  # "三、本年度办理结果" -> 3
    group: int | None  # "（三）不予公开" -> 3
    sub: int | None  # "1.属于国家秘密" -> 1
    text: str  # normalised text of the most specific part, markers removed
    gtext: str  # normalised text of the part that carries the group marker ("" if none)


@lru_cache(maxsize=8192)
def parse_label_parts(parts: tuple[str, ...]) -> LabelParts:
    top = group = sub = None
    text = gtext = ""
    split_parts: list[str] = []
    for part in parts:
        s = nfkc(part).strip()
        # "三、本年度办理结果 （一）予以公开" in one cell (PDF text): one part per marker
        split_parts.extend(_MARKER_GAP.split(s) if " " in s else (s,))
    for s in split_parts:
        p_top = p_group = p_sub = None
        m = _TOP.match(s)
        if m:
            p_top = cn_number(m.group(1))
            s = s[m.end():]
        m = _GROUP.match(s)
        if m:
            p_group = cn_number(m.group(1))
            s = s[m.end():]
        m = _SUB.match(s)
        if m:
            p_sub = int(m.group(1))
            s = s[m.end():]
        t = norm(s)
        if p_top is not None:
            top = p_top
        if p_group is not None:
            group = p_group
            gtext = t
        if p_sub is not None:
            sub = p_sub
        if t or p_sub is not None or p_group is not None:
            if p_group is None and p_sub is None and p_top is None and text and (group or sub or top):
                # an unnumbered fragment after a numbered part (a label split across cells)
                if len(t) <= 4:
                    continue
            text = t
    return LabelParts(top, group, sub, text, gtext)


# ---------------------------------------------------------------- requests (table 三)

@dataclass(frozen=True)
class RequestRow:
    key: str
    top: int | None
    group: int | None
    sub: int | None
    label: str  # normalised official label of the row (the sub-row's own text)
    glabel: str  # normalised label of its group
    aliases: tuple[str, ...] = ()


def _rr(key, top, group, sub, label, glabel="", aliases=()):
    return RequestRow(key, top, group, sub, norm(label), norm(glabel), tuple(norm(a) for a in aliases))


REQUEST_ROWS: tuple[RequestRow, ...] = (
    _rr("new_received", 1, None, None, "本年新收政府信息公开申请数量", aliases=("本年新收申请数量",)),
    _rr("carried_over", 2, None, None, "上年结转政府信息公开申请数量", aliases=("上年结转申请数量",)),
    _rr("granted", 3, 1, None, "予以公开", "予以公开"),
    _rr("partially_granted", None, 2, None, "部分公开（区分处理的，只计这一情形，不计其他情形）", "部分公开",
        aliases=("部分公开",)),
    _rr("denied.state_secret", None, 3, 1, "属于国家秘密", "不予公开"),
    _rr("denied.prohibited_by_law", None, 3, 2, "其他法律行政法规禁止公开", "不予公开"),
    _rr("denied.three_safety", None, 3, 3, "危及“三安全一稳定”", "不予公开"),
    _rr("denied.third_party_rights", None, 3, 4, "保护第三方合法权益", "不予公开"),
    _rr("denied.internal_affairs", None, 3, 5, "属于三类内部事务信息", "不予公开"),
    _rr("denied.process_info", None, 3, 6, "属于四类过程性信息", "不予公开"),
    _rr("denied.enforcement_file", None, 3, 7, "属于行政执法案卷", "不予公开"),
    _rr("denied.administrative_query", None, 3, 8, "属于行政查询事项", "不予公开"),
    _rr("unavailable.not_held", None, 4, 1, "本机关不掌握相关政府信息", "无法提供"),
    _rr("unavailable.not_created", None, 4, 2, "没有现成信息需要另行制作", "无法提供"),
    _rr("unavailable.unclear", None, 4, 3, "补正后申请内容仍不明确", "无法提供"),
    _rr("not_processed.petition", None, 5, 1, "信访举报投诉类申请", "不予处理"),
    _rr("not_processed.duplicate", None, 5, 2, "重复申请", "不予处理"),
    _rr("not_processed.publication", None, 5, 3, "要求提供公开出版物", "不予处理"),
    _rr("not_processed.excessive", None, 5, 4, "无正当理由大量反复申请", "不予处理"),
    _rr("not_processed.confirm_or_reissue", None, 5, 5, "要求行政机关确认或重新出具已获取信息", "不予处理"),
    _rr("other", None, 6, None, "其他处理", "其他处理"),  # 2019 format: one row
    _rr("other.no_correction", None, 6, 1,
        "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "其他处理"),
    _rr("other.fee_unpaid", None, 6, 2,
        "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "其他处理"),
    _rr("other.other", None, 6, 3, "其他", "其他处理"),
    _rr("results_total", None, 7, None, "总计", "总计", aliases=("合计",)),
    _rr("carried_forward", 4, None, None, "结转下年度继续办理", aliases=("结转下年度继续办理申请数量",)),
)
REQUEST_INDEX = {r.key: i for i, r in enumerate(REQUEST_ROWS)}
REQUEST_COLS = ("natural_person", "commercial_enterprise", "research_institution",
                "social_welfare_org", "legal_service_org", "other", "total")
OUTCOME_ROWS_2021 = tuple(r.key for r in REQUEST_ROWS[2:REQUEST_INDEX["results_total"]] if r.key != "other")
OUTCOME_ROWS_2019 = tuple(r.key for r in REQUEST_ROWS[2:REQUEST_INDEX["results_total"]]
                          if not r.key.startswith("other."))

_EXACT_REQUEST: dict[str, tuple[int, ...]] = {}
for _i, _r in enumerate(REQUEST_ROWS):
    for _t in (_r.label, *_r.aliases):
        _EXACT_REQUEST[_t] = _EXACT_REQUEST.get(_t, ()) + (_i,)

EXACT_REQUEST_LABELS = frozenset(_EXACT_REQUEST)

REQUEST_HEADER_WORDS = frozenset(norm(w) for w in (
    "自然人", "法人或其他组织", "商业企业", "科研机构", "社会公益组织", "社会组织", "法律服务机构",
    "申请人情况"))


def _consistent(p: LabelParts, r: RequestRow) -> bool:
    if p.group is not None and p.group != r.group:
        return False
    if p.sub is not None and p.sub != r.sub:
        return False
    if p.top is not None and r.top is not None and p.top != r.top:
        return False
    return True


def match_request_row(p: LabelParts, expect: int, cur_group: int | None,
                      taken: set[int] | frozenset[int], fuzzy: bool = True) -> tuple[int | None, float, str]:
    """(index into REQUEST_ROWS or None, confidence 0..1, how) for one labelled data row."""
    # 1. the row the table's order expects next, printed exactly
    if 0 <= expect < len(REQUEST_ROWS) and expect not in taken:
        r = REQUEST_ROWS[expect]
        if (p.text == r.label or p.text in r.aliases) and _consistent(p, r):
            return expect, 1.0, "exact"
    # 2. any row with exactly this label and consistent numbering
    cands = [i for i in _EXACT_REQUEST.get(p.text, ()) if i not in taken and _consistent(p, REQUEST_ROWS[i])]
    if len(cands) == 1:
        return cands[0], 1.0, "exact"
    if len(cands) > 1:
        cands.sort(key=lambda i: abs(i - expect))
        return cands[0], 0.9, "exact"
    if not fuzzy:
        return None, 0.0, "none"
    return _fuzzy_request(p, expect, cur_group, frozenset(taken))  # hashable, for the cache


@lru_cache(maxsize=4096)
def _fuzzy_request(p: LabelParts, expect: int, cur_group: int | None,
                   taken: frozenset[int]) -> tuple[int | None, float, str]:
    scored = []
    for i, r in enumerate(REQUEST_ROWS):
        if i in taken:
            continue
        s = 0.0
        if p.group is not None:
            s += 2.0 if p.group == r.group else -1.5
        elif cur_group is not None and r.group is not None and p.top is None:
            s += 0.75 if cur_group == r.group else 0.0
        if p.sub is not None:
            s += 1.5 if p.sub == r.sub else -1.5
        elif r.sub is not None and p.group is not None:
            s -= 0.5
        if p.top is not None:
            s += 1.0 if p.top == r.top else (-1.0 if r.top is not None or r.group is None else 0.0)
        text_score = max(ratio(p.text, r.label), *(ratio(p.text, a) for a in r.aliases)) if r.aliases \
            else ratio(p.text, r.label)
        if not p.text and p.gtext:
            text_score = ratio(p.gtext, r.glabel or r.label)
        s += 3.0 * text_score
        if p.gtext and r.glabel and p.text != p.gtext:
            s += 0.5 * ratio(p.gtext, r.glabel)
        if i == expect:
            s += 1.0
        elif i == expect + 1:
            s += 0.4
        elif i < expect:
            s -= 0.5
        scored.append((s, text_score, i))
    if not scored:
        return None, 0.0, "none"
    scored.sort(reverse=True)
    best, text_score, i = scored[0]
    second = scored[1][0] if len(scored) > 1 else -10.0
    if best < 2.5 or best - second < 0.6 or text_score < 0.45:
        return None, 0.0, f"unsure (best {REQUEST_ROWS[i].key} {best:.2f}, next {second:.2f})"
    return i, min(1.0, text_score), "fuzzy"


# ---------------------------------------------------------------- active (table 二)

ACTIVE_ROWS: dict[str, str] = {
    norm("规章"): "regulations",
    norm("行政规范性文件"): "normative_documents",
    norm("规范性文件"): "normative_documents",
    norm("其他规范性文件"): "normative_documents",
    norm("行政许可"): "licensing",
    norm("其他对外管理服务事项"): "other_external_services",
    norm("行政处罚"): "penalty",
    norm("行政强制"): "enforcement",
    norm("行政事业性收费"): "fees",
    norm("政府集中采购"): "centralized_procurement",
}
# column label -> (key, format it belongs to: "2021" | "2019" | None for both)
ACTIVE_COLS: dict[str, tuple[str, str | None]] = {
    norm("本年制发件数"): ("issued", "2021"),
    norm("本年废止件数"): ("repealed", "2021"),
    norm("现行有效件数"): ("in_force", "2021"),
    norm("本年处理决定数量"): ("decisions", "2021"),
    norm("本年收费金额（单位：万元）"): ("amount_10k_yuan", "2021"),
    norm("本年收费金额（单位：万元，保留4位小数）"): ("amount_10k_yuan", "2021"),
    norm("本年收费金额"): ("amount_10k_yuan", "2021"),
    norm("本年新制作数量"): ("created", "2019"),
    norm("本年新公开数量"): ("published", "2019"),
    norm("对外公开总数量"): ("total_public", "2019"),
    norm("上一年项目数量"): ("previous_year_items", "2019"),
    norm("本年增/减"): ("change", "2019"),
    norm("本年增减"): ("change", "2019"),
    norm("处理决定数量"): ("decisions", "2019"),
    norm("采购项目数量"): ("items", "2019"),
    norm("采购总金额"): ("amount_yuan", "2019"),
}
COLUMN_UNIT = {"amount_10k_yuan": "10k_yuan", "amount_yuan": "yuan"}
ACTIVE_DEFAULT_COLS = {
    "2021": {
        "regulations": ("issued", "repealed", "in_force"),
        "normative_documents": ("issued", "repealed", "in_force"),
        "licensing": ("decisions",), "penalty": ("decisions",), "enforcement": ("decisions",),
        "fees": ("amount_10k_yuan",),
    },
    "2019": {
        "regulations": ("created", "published", "total_public"),
        "normative_documents": ("created", "published", "total_public"),
        "licensing": ("previous_year_items", "change", "decisions"),
        "other_external_services": ("previous_year_items", "change", "decisions"),
        "penalty": ("previous_year_items", "change", "decisions"),
        "enforcement": ("previous_year_items", "change", "decisions"),
        "fees": ("previous_year_items", "change"),
        "centralized_procurement": ("items", "amount_yuan"),
    },
}


def _best(text: str, table: dict, threshold: float):
    best, best_r = None, 0.0
    for label, v in table.items():
        r = ratio(text, label)
        if r > best_r:
            best, best_r = v, r
    return (best, best_r) if best_r >= threshold else (None, best_r)


@lru_cache(maxsize=2048)
def match_active_row(text: str) -> tuple[str | None, float]:
    if text in ACTIVE_ROWS:
        return ACTIVE_ROWS[text], 1.0
    return _best(text, ACTIVE_ROWS, 0.75)


@lru_cache(maxsize=2048)
def match_active_col(text: str) -> tuple[tuple[str, str | None] | None, float]:
    if text in ACTIVE_COLS:
        return ACTIVE_COLS[text], 1.0
    if text.startswith(norm("本年收费金额")):
        return ("amount_10k_yuan", "2021"), 1.0
    if text.startswith(norm("采购总金额")):
        return ("amount_yuan", "2019"), 1.0
    return _best(text, ACTIVE_COLS, 0.7)


# ---------------------------------------------------------------- appeals (table 四)

APPEAL_ROWS = ("review", "litigation_direct", "litigation_after_review")
APPEAL_COLS = ("upheld", "corrected", "other", "pending", "total")
APPEAL_ROW_LABELS = {
    norm("行政复议"): "review",
    norm("未经复议直接起诉"): "litigation_direct",
    norm("行政诉讼未经复议直接起诉"): "litigation_direct",
    norm("直接起诉"): "litigation_direct",
    norm("复议后起诉"): "litigation_after_review",
    norm("行政诉讼复议后起诉"): "litigation_after_review",
}
APPEAL_HEADER_WORDS = frozenset(norm(w) for w in (
    "结果维持", "结果纠正", "其他结果", "尚未审结", "尚未结案", "总计", "行政诉讼", "维持", "纠正"))
