"""Agency names: one normalised form for the names an agency prints, and its kind.

Normalisation expands the common abbreviations of Chinese government bodies (工信局 ->
工业和信息化局, 发改委 -> 发展和改革委员会, 市政府办 -> 市人民政府办公室 ...) with one regex
pass in which full names match first, so a name already in full is left alone. 宜春市工信局 and
宜春市工业和信息化局 normalise to the same name.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# abbreviation -> full form of the body (the place prefix is kept as printed)
ABBREVIATIONS: dict[str, str] = {
    "工信局": "工业和信息化局",
    "工信委": "工业和信息化委员会",
    "经信局": "经济和信息化局",
    "经信委": "经济和信息化委员会",
    "发改委": "发展和改革委员会",
    "发改局": "发展和改革局",
    "人社局": "人力资源和社会保障局",
    "住建局": "住房和城乡建设局",
    "自然资源局": "自然资源局",
    "自然资源和规划局": "自然资源和规划局",
    "生态环境局": "生态环境局",
    "环保局": "环境保护局",
    "交通局": "交通运输局",
    "农业农村局": "农业农村局",
    "市场监管局": "市场监督管理局",
    "卫健委": "卫生健康委员会",
    "卫生健康委": "卫生健康委员会",
    "卫健局": "卫生健康局",
    "文广新旅局": "文化广电新闻出版旅游局",
    "文广旅局": "文化广电旅游局",
    "应急局": "应急管理局",
    "医保局": "医疗保障局",
    "教体局": "教育体育局",
    "科技局": "科学技术局",
    "科技委": "科学技术委员会",
    "退役军人局": "退役军人事务局",
    "城管局": "城市管理局",
    "城管执法局": "城市管理行政执法局",
    "国资委": "国有资产监督管理委员会",
    "民宗局": "民族宗教事务局",
    "统计局": "统计局",
    "林业局": "林业局",
    "水务局": "水务局",
    "商务局": "商务局",
    "审批局": "行政审批局",
    "行政审批局": "行政审批局",
    "数据局": "数据局",
    "管委会": "管理委员会",
    "高新区": "高新技术产业开发区",
    "经开区": "经济技术开发区",
    "开发区管委会": "开发区管理委员会",
}
# Full forms (matched first so they stay as they are).
_FULL = sorted(set(ABBREVIATIONS.values()) | {"人民政府办公室", "人民政府办公厅", "人民政府"}, key=len, reverse=True)
_ABBR = sorted((a for a, f in ABBREVIATIONS.items() if a != f), key=len, reverse=True)
_PLACE_END = "省市县区旗镇乡州盟"
_TOKEN = re.compile(
    "(" + "|".join(map(re.escape, _FULL)) + ")"  # 1: a full form
    + "|(" + "|".join(map(re.escape, _ABBR)) + ")"  # 2: an abbreviation
    + rf"|(?<=[{_PLACE_END}])(?:政府办公室|政府办|府办)"  # the office of a people's government
    + rf"|(?<=[{_PLACE_END}])政府(?!办)"  # a people's government
)
_SPACE = re.compile(r"[\s\u3000]+")
_GOVERNMENT = re.compile(r"(人民政府|人民政府办公室|人民政府办公厅|行政公署)$")


def _replace(m: re.Match) -> str:
    if m.group(1):
        return m.group(1)
    if m.group(2):
        return ABBREVIATIONS[m.group(2)]
    text = m.group(0)
    if text == "政府":
        return "人民政府"
    return "人民政府办公室"


@lru_cache(maxsize=4096)
def normalize_agency(name: str) -> str:
    """One name for an agency's printed variants: 宜春市工信局 -> 宜春市工业和信息化局."""
    if not name:
        return name
    s = _SPACE.sub("", unicodedata.normalize("NFKC", name)).strip("“”\"'《》")
    s = s.replace("(", "（").replace(")", "）")
    return _TOKEN.sub(_replace, s)


def agency_kind(name: str) -> str:
    """"government" for a people's government or its office, else "department"."""
    n = normalize_agency(name or "")
    return "government" if _GOVERNMENT.search(n) else "department"
