"""crawler/explore.py and the links a portal's menus offer (script-built, in frames)."""
from __future__ import annotations

from scrapy.http import HtmlResponse

from crawler.explore import CONTINUATION, ExploreBudget, link_score
from crawler.links import Link, page_links


def test_scores_put_the_report_column_first() -> None:
    scores = [link_score(Link("http://h/" + u, t)) for t, u in (
        ("政府信息公开年报", "col/1/"), ("法定主动公开内容", "fdzdgknr/"), ("政府信息公开", "xxgk/"),
        ("政务公开", "zwgk/"))]
    assert scores == sorted(scores, reverse=True) and len(set(scores)) == 4
    assert link_score(Link("http://h/news/", "新闻动态")) == 0
    assert link_score(Link("http://h/x_2.html", "下一页")) == CONTINUATION
    assert link_score(Link("http://h/frame.html", "", True, via="frame")) == CONTINUATION
    assert CONTINUATION > link_score(Link("http://h/go.html", "", True, via="script")) > 0
    # a report title is a report candidate, never a column
    assert link_score(Link("http://h/a.html", "某局2022年政府信息公开工作年度报告")) == 0


def test_budget_per_site() -> None:
    state: dict = {}
    budget = ExploreBudget(state, 2)
    assert [budget.take("a") for _ in range(3)] == [True, True, False]
    assert budget.take("b") and state["explored"] == {"a": 2, "b": 1}


def test_script_menus_and_row_context() -> None:
    body = """<html><body><ul><script>
      document.write('<li><a href="/zwgk/">政务公开</a></li>');
      var menu = [{"name": "政府信息公开年报", "url": "/col/2091/"}, {title: '首页', href: '/'}];
    </script></ul>
    <ul><li><span>某局2021年政府信息公开工作年度报告</span> <a href="/attach/0/a8?name=x.docx">下载</a>
      <span>2022-01-28</span></li></ul>
    <select onchange="window.location=this.value"><option value="">部门</option>
      <option value="/bm/fgw/xxgk/">发改委信息公开</option></select>
    <frameset><frame src="/left.html"></frameset></body></html>"""
    response = HtmlResponse("http://h/", body=body.encode(), encoding="utf-8")
    links = {link.url: link for link in page_links(response)}
    assert links["http://h/zwgk/"].text == "政务公开"
    assert links["http://h/col/2091/"].text == "政府信息公开年报"
    assert links["http://h/"].text == "首页"
    assert links["http://h/bm/fgw/xxgk/"].text == "发改委信息公开"
    assert links["http://h/left.html"].via == "frame"
    download = links["http://h/attach/0/a8?name=x.docx"]
    assert download.text == "下载"
    assert download.context.startswith("某局2021年政府信息公开工作年度报告")
