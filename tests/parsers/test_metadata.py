"""Metadata of each seed (title, period, contacts, websites, region) and agency names."""
from __future__ import annotations

import pytest

import parsers
from parsers.agency import agency_kind, normalize_agency
from parsers.metadata import find_publish_date, find_region, find_year
from tests.conftest import SEEDS_DIR

SEEDS = {
    "000_7deeb89319d6e7c7.txt": dict(
        title="宜春市工业和信息化局2022年度政府信息公开工作年度报告",
        agency_normalized="宜春市工业和信息化局",
        region=("江西省", "宜春市", None), period="2022年1月1日至12月31日",
        contacts=("宜春市市政大楼215室", "0795-3272608", "336000", "ycsgxjmsk@163.com"),
        websites=["http://gxj.yichun.gov.cn/", "http://gxj.yichun.gov.cn/xxgk-show-61584.html"]),
    "001_642eda999c787a13.txt": dict(
        title="工信局2022年政府信息公开工作年度报告", agency_normalized="工业和信息化局",
        region=(None, None, None), period=None, contacts=(None, None, None, None), websites=[]),
    "002_d5aa6a7852a4f00f.txt": dict(
        title="樟树市工信局2023年政府信息公开工作年度报告", agency_normalized="樟树市工业和信息化局",
        region=("江西省", "宜春市", "樟树市"), period="2023年1月1日起至2023年12月31日止",
        contacts=("樟树市政府大楼一楼", "0795-7333621", "331200", None),
        websites=["http://www.zhangshu.gov.cn"]),
    "003_7ed1e439a9c9913c.txt": dict(
        title="宜春丰城高新区2022年政府信息公开工作年度报告",
        agency_normalized="宜春丰城高新技术产业开发区",
        region=("江西省", "宜春市", "丰城市"), period=None, contacts=(None, None, None, None), websites=[]),
    "004_69dc6e22679cfd75.txt": dict(
        title="上饶市工业和信息化局2021年政府信息公开工作年度报告",
        agency_normalized="上饶市工业和信息化局",
        region=("江西省", "上饶市", None), period="2021年1月1日至12月31日",
        contacts=("上饶市信州区锦绣路2号广信大厦B栋19楼", "0793-8306077", "334000", None),
        websites=["http://www.zgsr.gov.cn/gxj/bindex.shtml"]),
}


@pytest.mark.parametrize("name", sorted(SEEDS))
def test_seed_metadata(name):
    want = SEEDS[name]
    r = parsers.parse((SEEDS_DIR / name).read_bytes(), "text/plain")
    assert r.title == want["title"]
    assert r.agency_normalized == want["agency_normalized"]
    assert (r.region.province, r.region.city, r.region.county) == want["region"]
    assert r.period == want["period"]
    assert (r.contacts.address, r.contacts.phone, r.contacts.postcode, r.contacts.email) == want["contacts"]
    assert r.websites == want["websites"]
    assert r.publish_date is None  # no date printed in the seed texts
    assert r.source_kind == ("markdown" if name.startswith("001") else "text")
    assert "政府信息公开" in r.text and len(r.text) > 2000


@pytest.mark.parametrize("printed,normalised", [
    ("宜春市工信局", "宜春市工业和信息化局"),
    ("宜春市工业和信息化局", "宜春市工业和信息化局"),
    ("樟树市 工信局", "樟树市工业和信息化局"),
    ("上饶市发改委", "上饶市发展和改革委员会"),
    ("宜春市政府办", "宜春市人民政府办公室"),
    ("宜春市政府办公室", "宜春市人民政府办公室"),
    ("宜春市人民政府办公室", "宜春市人民政府办公室"),
    ("袁州区政府", "袁州区人民政府"),
    ("宜春经开区管委会", "宜春经济技术开发区管理委员会"),
    ("丰城市卫健委", "丰城市卫生健康委员会"),
    ("丰城市卫生健康委员会", "丰城市卫生健康委员会"),
])
def test_normalize_agency(printed, normalised):
    assert normalize_agency(printed) == normalised
    assert normalize_agency(normalised) == normalised  # idempotent


@pytest.mark.parametrize("name,kind", [
    ("宜春市人民政府", "government"), ("宜春市政府办", "government"), ("袁州区人民政府办公室", "government"),
    ("宜春市工信局", "department"), ("宜春丰城高新区管委会", "department"), ("樟树市发改委", "department"),
    ("宜春丰城高新区", "department"),
])
def test_agency_kind(name, kind):
    assert agency_kind(name) == kind


def test_region_needs_a_real_place_name():
    assert find_region("某县人民政府办公室").province is None
    assert find_region("工信局", "工信局2022年政府信息公开工作年度报告").city is None
    r = find_region(None, "北京市朝阳区人民政府2022年政府信息公开工作年度报告")
    assert (r.province, r.city, r.county) == ("北京市", "北京市", "朝阳区")


def test_publish_date_and_signature():
    text = ("某县发改委2022年政府信息公开工作年度报告\n一、总体情况\n概况。\n六、其他需要报告的事项\n无。\n"
            "某县发展和改革委员会\n2023年1月18日\n")
    r = parsers.parse(text.encode(), "text/plain")
    assert r.publish_date == "2023-01-18"
    assert find_publish_date(["发布时间：2023-01-20 10:00", "正文"]) == "2023-01-20"


def test_agency_from_signature_when_the_title_has_none():
    text = ("2022年政府信息公开工作年度报告\n一、总体情况\n概况。\n六、其他需要报告的事项\n无。\n"
            "宜春市袁州区人民政府办公室\n2023年3月1日\n")
    r = parsers.parse(text.encode(), "text/plain")
    assert r.agency == "宜春市袁州区人民政府办公室"
    assert (r.region.city, r.region.county) == ("宜春市", "袁州区")
    assert r.year == 2022


@pytest.mark.parametrize("title,agency", [
    ("宜春市工业和信息化局2022年度政府信息公开工作年度报告", "宜春市工业和信息化局"),
    ("2022年宜春市工业和信息化局政府信息公开工作年度报告", "宜春市工业和信息化局"),
    ("宜春市人民政府办公室关于2022年度政府信息公开工作年度报告", "宜春市人民政府办公室"),
    ("宜春市工业和信息化局政府信息公开工作2022年度报告", "宜春市工业和信息化局"),
    ("（2022年）上饶市工信局政府信息公开工作年度报告", "上饶市工信局"),
    ("2022年政府信息公开工作年度报告", None),
])
def test_agency_from_title(title, agency):
    from parsers.metadata import agency_from_title
    assert agency_from_title(title) == agency


@pytest.mark.parametrize("title, year", [
    ("工信局二〇二二年度政府信息公开工作年度报告", 2022),  # a year in words, as the crawler reads it
    ("工信局二○二一年政府信息公开工作年度报告", 2021),
    ("工信局２０２３年政府信息公开工作年度报告", 2023),  # full-width digits
])
def test_year_from_the_title_in_words_or_full_width(title, year):
    assert find_year(title, None, ["本年度共主动公开政府信息2019年以来最多。"]) == year
