"""Page chrome (visit counters, today's date, font-size switches, print links) never changes a
report: two fetches of one page give the same Report, and a chrome date is never its year."""
from __future__ import annotations

from datetime import datetime

import pytest

from parsers import parse
from parsers.chrome import strip_chrome
from replica import pages
from replica.documents import Seed
from tests.conftest import SEEDS_DIR, seed_expected

REPLICA_REPORTS = {  # page -> (seed, year, region)
    "/yichun/xxgk-show-61584.html": ("000", 2022, ("江西省", "宜春市", None)),
    "/zhangshu/art/2024/1/25/art_4082441_41956783.html": ("002", 2023, ("江西省", "宜春市", "樟树市")),
    "/county/xxgk/2023/0120/1001.html": ("003", 2022, ("江西省", "宜春市", "丰城市")),
}
FETCHES = ((7, datetime(2026, 11, 27, 10, 1, 2)), (98765, datetime(2027, 1, 3, 23, 59, 59)))


@pytest.fixture(scope="module")
def first_state() -> dict[str, pages.Page]:
    return pages.build("first")


@pytest.mark.parametrize("path", REPLICA_REPORTS)
def test_two_fetches_of_a_replica_report_give_the_same_report(
        first_state: dict[str, pages.Page], path: str) -> None:
    page = first_state[path]
    bodies = [pages.render_chrome(page, visit, now) for visit, now in FETCHES]
    assert bodies[0] != bodies[1] and "浏览次数：98765".encode(page.chrome_encoding) in bodies[1]
    first, later = (parse(body, page.content_type).to_dict() for body in bodies)
    assert first == later
    seed, year, region = REPLICA_REPORTS[path]
    assert first["year"] == year and first["publish_date"] is None
    assert tuple(first["region"].values()) == region
    assert not [w for w in first["warnings"] if w.startswith("html:")]
    for chrome in ("浏览次数", "访问量", "阅读次数", "今天是", "当前时间", "字号", "【打印】", "2026", "星期"):
        assert chrome not in first["text"] and chrome not in first["title"]
    expected = next(s for name, s in seed_expected().items() if name.startswith(seed))
    got = {(c["table"], c["row"], c["col"]): c["value"] for c in first["cells"]}
    hand_read = {(c["table"], c["row"], c["col"]): c["value"] for c in expected["cells"]}
    assert got.keys() == hand_read.keys()
    if seed in pages.FIGURED:  # the replica's own figures: as the text reader reads its text
        text = Seed.load(seed).with_figures().text
        as_read = {(c["table"], c["row"], c["col"]): c["value"]
                   for c in parse(text.encode(), "text/plain").to_dict()["cells"]}
        assert as_read != hand_read  # the figures differ from the seed's
        hand_read = as_read
    assert got == hand_read


def _seed_text(prefix: str) -> str:
    return next(SEEDS_DIR.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


def test_chrome_above_a_text_reports_title_is_not_in_the_title() -> None:
    text = _seed_text("000")
    plain = parse(text.encode(), "text/plain").to_dict()
    chrome = ("今天是2026年11月27日 星期五\n当前位置：首页 > 政务公开 > 年报\n"
              "浏览次数：123　字号：大 中 小　【打印】【关闭】\n")
    report = parse((chrome + text + "\n访问量：8 当前时间：2026-11-27 10:00:01\n").encode(),
                   "text/plain").to_dict()
    assert report["title"] == plain["title"] == "宜春市工业和信息化局2022年度政府信息公开工作年度报告"
    assert report["year"] == 2022 and report["publish_date"] == plain["publish_date"]
    assert report["cells"] == plain["cells"] and report["sections"] == plain["sections"]


def test_year_comes_from_the_report_never_from_a_chrome_date() -> None:
    """A page whose title does not say the year: the body's "2022年度" decides, not the
    2026 of the date bar, nor of a bare date line with a weekday."""
    body = "".join(f"<p>{line}</p>" for line in (
        "2026年11月27日 星期五", "今天是2026年11月27日", "本机关2022年度政府信息公开工作情况如下。",
        "一、总体情况", "2026年11月27日 星期五", "二、主动公开政府信息情况"))
    report = parse(f"<html><body><h1>年度报告</h1>{body}</body></html>".encode(), "text/html")
    assert report.year == 2022
    assert "2026" not in report.text and report.publish_date is None


@pytest.mark.parametrize(("line", "kept"), [
    ("宜春市工业和信息化局2022年政府信息公开工作年度报告　浏览次数：12 【打印】【关闭】",
     "宜春市工业和信息化局2022年政府信息公开工作年度报告"),
    ("点击数：5 | 字号：【大 中 小】 | 打印本页 | 关闭窗口", ""),
    ("今天是：2026年11月27日 10:54:23.123456　访问量：", ""),
    # prose that cites counters or today is report text
    ("全年门户网站总访问量12万次，点击数达到5万次。", "全年门户网站总访问量12万次，点击数达到5万次。"),
    ("今天是我局政务公开工作的新起点。", "今天是我局政务公开工作的新起点。"),
    ("2026年11月27日 星期五 10:01", ""),
    ("2023年3月5日星期日召开专题会议。", "2023年3月5日星期日召开专题会议。"),
    ("2023年1月20日", "2023年1月20日"),  # a report's own date line (its publish date)
    ("本年度报告中所列数据的统计期限自2023年1月1日起", "本年度报告中所列数据的统计期限自2023年1月1日起"),
])
def test_chrome_phrases_are_cut_with_their_values_only(line: str, kept: str) -> None:
    assert strip_chrome(line) == kept
