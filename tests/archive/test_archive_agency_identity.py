"""Bare and short agency names resolved from context (archive/agency_identity.py): merged into
the registry's agencies or placed with the site's region; a name nothing can place is flagged,
not passed off as a known agency. The crawl of such sites: tests/crawler/test_crawl_agencies.py."""
from __future__ import annotations

import pytest

from archive.agency_identity import Context, resolve

YONGXIN = Context(registry=("永新县人民政府", "永新县工业园区管理委员会"), site_region="江西省吉安市永新县",
                  site_name="永新县人民政府")


@pytest.mark.parametrize("printed, names_place, expected", [
    ("农业农村局", False, ("永新县农业农村局", "region:永新县 from registry region")),
    ("永新工业园区", True, ("永新县工业园区管理委员会", "registry")),  # short form
    ("永新县工业园区管委会", True, ("永新县工业园区管理委员会", "registry")),  # abbreviation
    ("工业园区", False, ("永新县工业园区管理委员会", "registry")),  # bare: the one it ends
    ("永新县政府办", True, ("永新县政府办", "printed")),  # an office is not the government
    ("吉安市农业农村局", True, ("吉安市农业农村局", "printed")),  # its own place wins
])
def test_names_resolved_with_the_site(printed, names_place, expected):
    identity = resolve(printed, names_place, YONGXIN)
    assert (identity.name, identity.how) == expected
    assert not identity.unresolved


def test_place_from_the_site_name_or_contact_address_only_when_printed_in_full():
    by_name = resolve("统计局", False, Context(site_name="峡江县人民政府"))
    assert (by_name.name, by_name.region["county"]) == ("峡江县统计局", "峡江县")
    by_address = resolve("统计局", False, Context(contact_address="新干县金川镇人民路1号"))
    assert by_address.name == "新干县统计局"
    # cpca reads 开平市 into 政务公开平台: a place the text does not print is no place
    nowhere = resolve("统计局", False, Context(site_name="政务公开平台", contact_address="城北路18号"))
    assert nowhere.unresolved and nowhere.name == "统计局"


def test_a_report_speaking_of_itself():
    titled = resolve("我局", False, Context(link_text="永新县交通运输局2022年政府信息公开工作年度报告"))
    assert (titled.name, titled.how) == ("永新县交通运输局", "link text")
    assert resolve("我局", False, Context(registry=("宜春市工业和信息化局",))).name == "宜春市工业和信息化局"
    unknown = resolve("本机关", False, YONGXIN)
    assert unknown.name is None and unknown.unresolved
