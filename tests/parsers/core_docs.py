"""Hand-made report texts for the parser-core tests (tab-separated rows, 2021 or 2019 format)."""
from __future__ import annotations

REQUEST_LABELS_2021 = [
    ("new_received", ["一、本年新收政府信息公开申请数量"]),
    ("carried_over", ["二、上年结转政府信息公开申请数量"]),
    ("granted", ["三、本年度办理结果", "（一）予以公开"]),
    ("partially_granted", ["", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"]),
    ("denied.state_secret", ["", "（三）不予公开", "1．属于国家秘密"]),
    ("denied.prohibited_by_law", ["", "", "2．其他法律行政法规禁止公开"]),
    ("denied.three_safety", ["", "", "3．危及“三安全一稳定”"]),
    ("denied.third_party_rights", ["", "", "4．保护第三方合法权益"]),
    ("denied.internal_affairs", ["", "", "5．属于三类内部事务信息"]),
    ("denied.process_info", ["", "", "6．属于四类过程性信息"]),
    ("denied.enforcement_file", ["", "", "7．属于行政执法案卷"]),
    ("denied.administrative_query", ["", "", "8．属于行政查询事项"]),
    ("unavailable.not_held", ["", "（四）无法提供", "1．本机关不掌握相关政府信息"]),
    ("unavailable.not_created", ["", "", "2．没有现成信息需要另行制作"]),
    ("unavailable.unclear", ["", "", "3．补正后申请内容仍不明确"]),
    ("not_processed.petition", ["", "（五）不予处理", "1．信访举报投诉类申请"]),
    ("not_processed.duplicate", ["", "", "2．重复申请"]),
    ("not_processed.publication", ["", "", "3．要求提供公开出版物"]),
    ("not_processed.excessive", ["", "", "4．无正当理由大量反复申请"]),
    ("not_processed.confirm_or_reissue", ["", "", "5．要求行政机关确认或重新出具已获取信息"]),
    ("other.no_correction", ["", "（六）其他处理",
                             "1．申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"]),
    ("other.fee_unpaid", ["", "", "2．申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"]),
    ("other.other", ["", "", "3．其他"]),
    ("results_total", ["", "（七）总计"]),
    ("carried_forward", ["四、结转下年度继续办理"]),
]
REQUEST_COLS = ("natural_person", "commercial_enterprise", "research_institution",
                "social_welfare_org", "legal_service_org", "other", "total")
APPEAL_ROWS = ("review", "litigation_direct", "litigation_after_review")


def zero_requests() -> dict[str, list]:
    return {key: [0] * 7 for key, _ in REQUEST_LABELS_2021}


def report_text(*, agency: str = "宜春市工信局", year: int = 2022, requests: dict | None = None,
                appeals: list | None = None, label_overrides: dict | None = None,
                row_cells: dict | None = None, drop_rows: tuple = ()) -> str:
    """A 2021-format report as tab-separated text. `requests` maps a row key to its 7 printed
    cells (numbers or strings), `row_cells` replaces a whole printed row, `label_overrides`
    replaces a row's labels (typos)."""
    req = zero_requests()
    req.update(requests or {})
    app = appeals if appeals is not None else [0] * 15
    lines = [
        f"{agency}{year}年政府信息公开工作年度报告",
        f"本报告中所列数据统计期限为{year}年1月1日至12月31日。",
        "一、总体情况",
        "工作概况。",
        "二、主动公开政府信息情况",
        "第二十条第（一）项\t\t\t",
        "信息内容\t本年制发件数\t本年废止件数\t现行有效件数",
        "规章\t0\t0\t0",
        "行政规范性文件\t1\t0\t3",
        "第二十条第（五）项\t\t\t",
        "信息内容\t本年处理决定数量\t\t",
        "行政许可\t5\t\t",
        "第二十条第（六）项\t\t\t",
        "信息内容\t本年处理决定数量\t\t",
        "行政处罚\t1\t\t",
        "行政强制\t0\t\t",
        "第二十条第（八）项\t\t\t",
        "信息内容\t本年收费金额（单位：万元）\t\t",
        "行政事业性收费\t0\t\t",
        "三、收到和处理政府信息公开申请情况",
        "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）\t申请人情况",
        "\t自然人\t法人或其他组织\t\t\t\t\t总计",
        "\t\t商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他\t",
    ]
    for key, labels in REQUEST_LABELS_2021:
        if key in drop_rows:
            continue
        if row_cells and key in row_cells:
            lines.append("\t".join(row_cells[key]))
            continue
        labels = (label_overrides or {}).get(key, labels)
        lines.append("\t".join([*labels, *(str(v) for v in req[key])]))
    lines += [
        "四、政府信息公开行政复议、行政诉讼情况",
        "行政复议\t\t\t\t\t行政诉讼",
        "结果维持\t结果纠正\t其他结果\t尚未审结\t总计\t未经复议直接起诉\t\t\t\t\t复议后起诉",
        "\t\t\t\t\t结果维持\t结果纠正\t其他结果\t尚未审结\t总计\t结果维持\t结果纠正\t其他结果\t尚未审结\t总计",
        "\t".join(str(v) for v in app),
        "五、存在的主要问题及改进情况",
        "问题和改进。",
        "六、其他需要报告的事项",
        "无。",
    ]
    return "\n".join(lines) + "\n"
