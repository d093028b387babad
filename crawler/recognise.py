"""Which link texts name a year's 政府信息公开工作年度报告, and which name a column worth entering.

Hand-written: the vocabulary is specific to Chinese government sites; no library knows it.
"""
from __future__ import annotations

import re

# The year a link title names is read exactly as the parser reads it from the report's title.
from parsers.metadata import year_named as report_year

_REPORT = re.compile(r"年度报告|年报|工作报告")
_ANNUAL = re.compile(r"年度报告|年报")
_DOWNLOAD_WORDS = re.compile(r"点击|下载|附件|查看|原文|文件")
_SUBJECT = re.compile(r"[\u4e00-\u9fff]")
_DISCLOSURE = re.compile(r"信息公开|政务公开")
# Companions of a report that are not the report itself.
_EXCLUDED = re.compile(
    r"解读|要点|通知|公告|图解|一图|读懂|问答|征求意见|预算|决算|审计|统计年报|指南|目录|"
    r"工作方案|实施方案|计划|考核|评估|报送|培训|会议")
_COLUMN = re.compile(r"信息公开|政务公开|主动公开|年报|年度报告|公开目录")
# A year alone ("2022年度"), as annual-report columns list their reports.
_YEAR_ONLY = re.compile(r"^(?:19|20)\d{2}年度?(?:报告|年报)?$")
_PAGINATION = re.compile(r"^\s*(?:下一?页|后页|尾页|末页|>|»|\[?\d{1,4}\]?)\s*$")


def is_report_title(title: str) -> bool:
    """True for a year's annual disclosure report; False for its 解读, 要点, notices, news."""
    text = re.sub(r"\s+", "", title or "")
    if not _REPORT.search(text) or _EXCLUDED.search(text) or report_year(text) is None:
        return False
    # 工作报告 alone is usually the 政府工作报告 or a 法治政府建设 report: it needs 公开 too.
    return bool(_ANNUAL.search(text) or _DISCLOSURE.search(text))


def names_companion(text: str) -> bool:
    """A link text naming a report's companion or another document (解读, 通知, 预算…)."""
    return bool(_EXCLUDED.search(re.sub(r"\s+", "", text or "")))


def is_column_title(text: str) -> bool:
    """A navigation link towards the disclosure column (政府信息公开, 法定主动公开内容, 年报…)."""
    text = re.sub(r"\s+", "", text or "")
    return bool(text) and len(text) <= 20 and bool(_COLUMN.search(text)) and report_year(text) is None


def year_in_annual_column(text: str, column_title: str) -> str | None:
    """The report title a year-only link stands for in an annual-report column:
    '2022年度' in 政府信息公开年报 -> '2022年度政府信息公开年报'."""
    text = re.sub(r"\s+", "", text or "")
    if not _YEAR_ONLY.match(text) or not _ANNUAL.search(column_title or "") \
            or report_year(column_title) is not None:
        return None
    title = text + re.sub(r"\s+", "", column_title)
    return title if is_report_title(title) else None


def is_annual_column(title: str) -> bool:
    """A list titled as an annual-report column (政府信息公开年报, 年度报告…)."""
    return bool(_ANNUAL.search(title or ""))


def is_bare_name(text: str) -> bool:
    """Link text that names no subject: '2302131102362.docx', '下载', '[附件]', nothing."""
    return not _SUBJECT.search(_DOWNLOAD_WORDS.sub("", text or ""))


def is_pagination_text(text: str) -> bool:
    """下一页, 尾页, page numbers: links that continue a list."""
    return bool(_PAGINATION.match(text or ""))
