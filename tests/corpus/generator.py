"""Synthetic annual reports with known cells, laid out as the seeds' span tables.

`generate(seed, count)` makes reports of both formats (2021 and 2019) with random realistic
numbers that obey R1–R4, blank cells (whole blank rows, or every zero left blank as many
sites print them) and agency names; `seed_truths()` gives the five seeds the same way. Each
report carries its layout (a fixture_builders.SeedReport: paragraphs and span tables), from
which tests.corpus.render makes every representation.
"""
from __future__ import annotations

import random
from dataclasses import dataclass

from parsers.labels import ACTIVE_DEFAULT_COLS, APPEAL_COLS, APPEAL_ROWS, REQUEST_COLS, COLUMN_UNIT
from parsers.values import parse_number
from tests.parsers.fixture_builders import (
    OUTCOMES_2021, SeedReport, Span, SpanRow, appeals_rows, requests_rows, seed_reports,
)

Key = tuple[str, str, str]

_CITIES = ("宜春市", "上饶市", "樟树市", "赣州市章贡区", "南昌县", "九江市", "萍乡市", "吉安市", "抚州市临川区",
           "景德镇市", "新余市", "鹰潭市", "丰城市", "高安市", "瑞金市", "庐山市", "贵溪市", "德兴市")
_BODIES = ("工业和信息化局", "财政局", "人力资源和社会保障局", "自然资源局", "人民政府办公室", "市场监督管理局",
           "生态环境局", "交通运输局", "住房和城乡建设局", "卫生健康委员会", "教育体育局", "农业农村局", "人民政府")

OUTCOMES_2019 = OUTCOMES_2021[:5] + (("（六）其他处理", [("", "other")]), OUTCOMES_2021[6])
_ACTIVE_LAYOUT = {  # format -> blocks of (item, column labels, [(row label, key)])
    "2021": (
        ("第二十条第（一）项", ("本年制发件数", "本年废止件数", "现行有效件数"),
         [("规章", "regulations"), ("行政规范性文件", "normative_documents")]),
        ("第二十条第（五）项", ("本年处理决定数量",), [("行政许可", "licensing")]),
        ("第二十条第（六）项", ("本年处理决定数量",), [("行政处罚", "penalty"), ("行政强制", "enforcement")]),
        ("第二十条第（八）项", ("本年收费金额（单位：万元）",), [("行政事业性收费", "fees")]),
    ),
    "2019": (
        ("第二十条第（一）项", ("本年新制作数量", "本年新公开数量", "对外公开总数量"),
         [("规章", "regulations"), ("规范性文件", "normative_documents")]),
        ("第二十条第（五）项", ("上一年项目数量", "本年增/减", "处理决定数量"),
         [("行政许可", "licensing"), ("其他对外管理服务事项", "other_external_services")]),
        ("第二十条第（六）项", ("上一年项目数量", "本年增/减", "处理决定数量"),
         [("行政处罚", "penalty"), ("行政强制", "enforcement")]),
        ("第二十条第（八）项", ("上一年项目数量", "本年增/减"), [("行政事业性收费", "fees")]),
        ("第二十条第（九）项", ("采购项目数量", "采购总金额"), [("政府集中采购", "centralized_procurement")]),
    ),
}


@dataclass
class Truth:
    """One report: its printed cells (text as printed, "" for a blank) and layout."""
    name: str
    fmt: str
    agency: str
    year: int
    printed: dict[Key, str]
    layout: SeedReport

    def expected(self) -> dict[Key, int | float | None]:
        return {k: parse_number(v, COLUMN_UNIT.get(k[2]))[1] for k, v in self.printed.items()}


# ------------------------------------------------------------------ numbers

def _count(rng: random.Random, scale: int) -> int:
    """Mostly small, sometimes large: counts as reports print them."""
    r = rng.random()
    if r < 0.45:
        return 0
    if r < 0.85:
        return rng.randint(1, max(1, scale // 10))
    return rng.randint(1, scale)


def _request_values(rng: random.Random, fmt: str) -> dict[str, list[int]]:
    outcomes = OUTCOMES_2021 if fmt == "2021" else OUTCOMES_2019
    rows = [key for _, subs in outcomes[:-1] for _, key in subs]
    busy = rng.random() < 0.6  # an agency that received requests at all
    active_rows = set(rng.sample(rows, rng.randint(1, 5))) if busy else set()
    values: dict[str, list[int]] = {}
    for key in rows:
        six = [0] * 6
        if key in active_rows:
            six[0] = _count(rng, 300)
            for c in range(1, 6):
                six[c] = _count(rng, 40) if rng.random() < 0.35 else 0
        values[key] = six
    results = [sum(values[k][c] for k in rows) for c in range(6)]
    forward = [rng.randint(0, 3) if rng.random() < 0.2 else 0 for _ in range(6)]
    over = [rng.randint(0, min(3, r + f)) if rng.random() < 0.2 else 0 for r, f in zip(results, forward)]
    new = [r + f - o for r, f, o in zip(results, forward, over)]
    values.update(new_received=new, carried_over=over, results_total=results, carried_forward=forward)
    return {k: v + [sum(v)] for k, v in values.items()}


def _active_values(rng: random.Random, fmt: str) -> dict[tuple[str, str], str]:
    out: dict[tuple[str, str], str] = {}
    for _, cols, rows in _ACTIVE_LAYOUT[fmt]:
        for _, key in rows:
            for col in ACTIVE_DEFAULT_COLS[fmt][key]:
                out[key, col] = _active_cell(rng, key, col)
    return out


def _active_cell(rng: random.Random, key: str, col: str) -> str:
    if col == "amount_10k_yuan":
        return rng.choice(["0", "0.0000", f"{rng.randint(1, 9999) / 100:.2f}", f"{rng.randint(1, 999999) / 10000:.4f}"])
    if col == "amount_yuan":
        return rng.choice(["0", str(rng.randint(1000, 9999999)), f"{rng.randint(100000, 99999999) / 10:.1f}"])
    if col == "change":
        n = rng.choice([0, 0, rng.randint(1, 30)])
        return "0" if n == 0 else rng.choice(["+", "-"]) + str(n)
    if key == "regulations":
        return str(rng.choice([0, 0, 0, rng.randint(1, 5)]))
    scale = {"in_force": 300, "total_public": 300, "previous_year_items": 200, "decisions": 3000}.get(col, 30)
    return str(_count(rng, scale))


# ------------------------------------------------------------------ one report

def synthetic(rng: random.Random, index: int) -> Truth:
    fmt = rng.choice(["2021", "2019"])
    year = rng.choice([2021, 2022, 2023]) if fmt == "2021" else rng.choice([2019, 2020])
    agency = rng.choice(_CITIES) + rng.choice(_BODIES)
    requests = _request_values(rng, fmt)
    appeals = []
    for _ in APPEAL_ROWS:
        four = [rng.choice([0, 0, 0, rng.randint(1, 6)]) for _ in range(4)]
        appeals.append(four + [sum(four)])
    zero_blank = rng.random() < 0.12  # "whole tables of &nbsp; with only non-zero cells filled"
    blank_rows = set(rng.sample(sorted(requests), rng.randint(1, 2))) if rng.random() < 0.15 else set()
    printed: dict[Key, str] = {}
    for (key, col), text in _active_values(rng, fmt).items():
        printed["active", key, col] = text
    for key, row in requests.items():
        blank_row = key in blank_rows and not any(row)
        for col, v in zip(REQUEST_COLS, row):
            printed["requests", key, col] = "" if blank_row or (zero_blank and v == 0) else str(v)
    for key, row in zip(APPEAL_ROWS, appeals):
        for col, v in zip(APPEAL_COLS, row):
            printed["appeals", key, col] = "" if zero_blank and v == 0 else str(v)
    paragraphs = _narrative(rng, agency, year, requests, appeals)
    return Truth(f"syn{index:04d}-{fmt}", fmt, agency, year, printed, _layout(paragraphs, printed, fmt))


def _narrative(rng, agency: str, year: int, requests: dict, appeals: list) -> list[str]:
    new_total = requests["new_received"][-1]
    review, direct, after = (row[-1] for row in appeals)
    city = agency[:agency.find("市") + 1] if "市" in agency else agency[:3]
    return [
        f"{agency}{year}年政府信息公开工作年度报告",
        f"本报告依据《中华人民共和国政府信息公开条例》第五十条编制。本报告中所列数据统计期限为{year}年1月1日至12月31日。",
        f"如对本报告有任何疑问，请与{agency}办公室联系（地址：{city}行政中心{rng.randint(1, 30)}楼，"
        f"电话：0795-{rng.randint(1000000, 9999999)}，邮编：33{rng.randint(1000, 9999)}）。",
        "一、总体情况",
        f"{year}年，我单位认真贯彻落实政府信息公开条例，主动公开各类信息{rng.randint(20, 900)}条。",
        f"依申请公开方面，全年共收到政府信息公开申请{new_total}件，均按期答复。",
        f"发生政府信息公开行政复议{review}件、行政诉讼{direct + after}件。",
        "二、主动公开政府信息情况",
        "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况",
        "五、存在的主要问题及改进情况",
        "信息公开的及时性和规范性有待提高。下一步将加强培训，完善制度。",
        "六、其他需要报告的事项",
        "本年度未收取信息处理费。",
    ]


# ------------------------------------------------------------------ layout (span tables)

def _layout(paragraphs: list[str], printed: dict[Key, str], fmt: str) -> SeedReport:
    tables = {"二、": _active_table(printed, fmt),
              "三、": requests_rows(printed, OUTCOMES_2021 if fmt == "2021" else OUTCOMES_2019),
              "四、": appeals_rows(printed)}
    blocks: list = []
    for p in paragraphs:
        blocks.append(p)
        if p[:2] in tables:
            blocks.append(tables[p[:2]])
    return SeedReport(blocks, paragraphs[0])


def _active_table(printed: dict[Key, str], fmt: str) -> list[SpanRow]:
    rows: list[SpanRow] = []
    for item, cols, body in _ACTIVE_LAYOUT[fmt]:
        rows.append([Span(item, cols=4)])
        width = 3 // len(cols)
        rows.append([Span("信息内容")] + [Span(c, cols=width if i < len(cols) - 1 else 3 - width * i)
                                          for i, c in enumerate(cols)])
        for label, key in body:
            keys = ACTIVE_DEFAULT_COLS[fmt][key]
            rows.append([Span(label)] + [Span(printed["active", key, c], cols=width if i < len(keys) - 1
                                              else 3 - width * i) for i, c in enumerate(keys)])
    return rows


# ------------------------------------------------------------------ the corpus

def generate(seed: int, count: int) -> list[Truth]:
    rng = random.Random(seed)
    return [synthetic(rng, i) for i in range(count)]


def seed_truths() -> list[Truth]:
    from tests.conftest import seed_expected

    out = []
    for name, exp in seed_expected().items():
        printed = {(c["table"], c["row"], c["col"]): "" if c["value"] is None else str(c["value"])
                   for c in exp["cells"]}
        out.append(Truth(name, exp["format"], exp["agency"], exp["year"], printed, seed_reports()[name]))
    return out
