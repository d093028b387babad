"""County sites whose reports print bare or short agency names: 永新县's list holds "农业农村局"
(and the same bureau's full name another year), "我局" titled by its link, the short form
"永新工业园区" of the registry's 永新县工业园区管理委员会, and a 政务公开平台 with no region anywhere
whose "统计局" cannot be placed.
"""
from __future__ import annotations

import html

from . import variants
from .dynamic_server import Reply, Request, Site

YONGXIN = "/yongxin/"
NOWHERE = "/pingtai/"
ADDRESS = "永新县禾川镇行政中心"  # the contact address names the county too
# (path, link title, agency it belongs to, year, name printed in the report, contact address)
YONGXIN_REPORTS = [
    ("nb/1.html", "农业农村局2022年度政府信息公开工作年度报告", "永新县农业农村局", 2022, "农业农村局", ADDRESS),
    ("nb/2.html", "永新县农业农村局2021年度政府信息公开工作年度报告", "永新县农业农村局", 2021, None, ADDRESS),
    # a PDF whose text names its agency only as 我局; the link's title names it in full
    ("nb/3.pdf", "永新县交通运输局2022年政府信息公开工作年度报告", "永新县交通运输局", 2022, "我局", "城南路8号"),
    ("nb/4.html", "永新工业园区2022年政府信息公开工作年度报告", "永新县工业园区管理委员会", 2022, "永新工业园区",
     ADDRESS),
    ("nb/5.html", "永新县工业园区管委会2021年政府信息公开工作年度报告", "永新县工业园区管理委员会", 2021,
     "永新县工业园区管委会", ADDRESS),
]
NOWHERE_REPORTS = [("nb/1.html", "统计局2022年政府信息公开工作年度报告", "统计局", 2022, "统计局", "城北路18号")]


def _site(prefix: str, title: str, reports: list[tuple]) -> Site:
    def answer(request: Request) -> Reply | None:
        path = request.path[len(prefix):]
        if path == "":
            items = "".join(f'<li><a href="{p}">{html.escape(t)}</a></li>' for p, t, *_ in reports)
            return Reply(f'<html><head><meta charset="utf-8"><title>{title}</title></head><body>'
                         f"<h2>政府信息公开年报</h2><ul>{items}</ul></body></html>".encode())
        for report_path, link_title, agency, year, printed, address in reports:
            if path == report_path and path.endswith(".pdf"):
                return Reply(variants.pdf(agency, year, printed, address), "application/pdf",
                             validators=True)
            if path == report_path:
                text = variants.report_text(agency, year, printed, address)
                return Reply(variants.report_page(link_title, text), validators=True)
        return None
    return answer


def warm() -> None:
    """Build the PDF before serving (the first build takes longer than a test's timeout)."""
    for path, _, agency, year, printed, address in YONGXIN_REPORTS:
        if path.endswith(".pdf"):
            variants.pdf(agency, year, printed, address)


SITES = {
    YONGXIN: (_site(YONGXIN, "永新县人民政府", YONGXIN_REPORTS),
              {"id": "cty-yongxin", "name": "永新县人民政府", "region": "江西省吉安市永新县",
               "agencies": [{"name": "永新县人民政府", "kind": "government", "since": 2021},
                            {"name": "永新县工业园区管理委员会", "kind": "department", "since": 2021}]},
              "utf-8"),
    NOWHERE: (_site(NOWHERE, "政务公开平台", NOWHERE_REPORTS),
              {"id": "cty-pingtai", "name": "政务公开平台"}, "utf-8"),
}
