"""Normalised substance: what no agency wrote (spaces, compatibility forms, PDF line breaks,
page furniture, titles across representations) makes no version."""
from __future__ import annotations

from archive import Archive
import random
import unicodedata

from archive.substance import nfkc, normalise_line, paragraphs, running_lines

from archive_helpers import count, seed_text, text_capture

PDF_TEXT = """政府信息公开工作年度报告
一、总体情况
2022 年，本机关坚持以人民为中心的发展理念，聚焦市场主体和社会公众关切，持续深入
推进政务公开。
- 1 -
政府信息公开工作年度报告
（一）主动公开情况。通过门户网站主动发布政务信息 309 条。
第 2 页 共 3 页
file:///tmp/report.html 2/3
12/3/26, 4:40 PM 宜春市工业和信息化局2022年度政府信息公开工作年度报告
"""
HTML_TEXT = """一、总体情况
2022年，本机关坚持以人民为中心的发展理念，聚焦市场主体和社会公众关切，持续深入推进政务公开。
（一）主动公开情况。通过门户网站主动发布政务信息３０９条。
"""


def normalised(text: str) -> list[str]:
    return [n for n, _ in paragraphs(text, running_lines(text))]


def test_pdf_layout_and_html_text_normalise_alike() -> None:
    assert normalised(PDF_TEXT) == normalised(HTML_TEXT) == [
        "一、总体情况",
        "2022年,本机关坚持以人民为中心的发展理念,聚焦市场主体和社会公众关切,持续深入推进政务公开。",
        "(一)主动公开情况。通过门户网站主动发布政务信息309条。"]


def test_print_footer_run_into_a_line_is_dropped() -> None:
    joined = "信息公开平台是主阵地，因栏file:///tmp/x/report.html 3/4目设置的合理性。"
    assert paragraphs(joined) == [("信息公开平台是主阵地,因栏目设置的合理性。",
                                   "信息公开平台是主阵地，因栏目设置的合理性。")]


def test_spaces_of_every_kind_and_beside_cjk() -> None:
    assert normalise_line("共\u2002收到\u3000申请 12 件，\xa0其中 COVID  19\tcases") == \
        "共收到申请12件,其中COVID 19 cases"


def test_paragraph_is_shown_as_printed() -> None:
    shown = [s for _, s in paragraphs("（一）主动公开情况。通过门户\n网站发布 309 条。")]
    assert shown == ["（一）主动公开情况。通过门户网站发布 309 条。"]


def test_text_copy_with_other_spaces_is_no_version(archive: Archive) -> None:
    text = seed_text()
    assert "\u2002" in text  # the seed's text copy prints an en space the page does not
    archive.ingest(text_capture(text))
    result = archive.ingest(text_capture(text.replace("\u2002", ""), fetched_at="2023-02-01T00:00:00Z"))
    assert result.outcome == "unchanged" and count(archive, "versions") == 1


def test_title_change_within_one_document_is_a_metadata_change(archive: Archive) -> None:
    text = seed_text()
    first_line = text.split("\n")[0]
    archive.ingest(text_capture(text))
    retitled = text.replace(first_line, first_line.replace("2022年度", "2022年"), 1)
    result = archive.ingest(text_capture(retitled, fetched_at="2023-02-01T00:00:00Z"))
    assert result.outcome == "unchanged" and count(archive, "versions") == 1
    changes = archive.conn.execute("SELECT kind, key, from_version_id = to_version_id "
                                   "FROM changes").fetchall()
    assert ("metadata", "title", 1) in changes and all(c[0] == "metadata" for c in changes)
    title = archive.conn.execute("SELECT title FROM versions").fetchone()[0]
    assert title == "宜春市工业和信息化局2022年政府信息公开工作年度报告"


def test_fast_nfkc_is_nfkc() -> None:
    """nfkc() replaces the common characters first: on any mix of full-width forms, spaces,
    combining marks, circled numbers and compatibility ideographs it is NFKC exactly."""
    pool = [chr(c) for c in (*range(0x20, 0x7F), *range(0xFF00, 0xFFF0), *range(0x2000, 0x2070),
                             *range(0x3000, 0x3040), *range(0x2460, 0x2500),
                             *range(0x4E00, 0x4E20), 0x301, 0x308, 0xA0, 0xF900, 0x2F00)]
    rng = random.Random(11)
    for _ in range(5000):
        text = "".join(rng.choice(pool) for _ in range(rng.randint(0, 12)))
        assert nfkc(text) == unicodedata.normalize("NFKC", text), repr(text)
