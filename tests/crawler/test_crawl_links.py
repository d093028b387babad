"""Link extraction on the replica's CMS shapes (pages built in memory; no server needed)."""
from __future__ import annotations

import pytest
from scrapy.http import HtmlResponse, XmlResponse

from crawler.decoding import with_encoding
from crawler.links import page_links
from replica.pages import DATAPROXY, build

BASE = "http://127.0.0.1:8765"


@pytest.fixture(scope="module")
def pages():
    return build("first")


def response(pages, path: str, cls=HtmlResponse):
    page = pages[path]
    return with_encoding(cls(BASE + path, body=page.body,
                             headers={"Content-Type": page.content_type}))


def test_hanweb_gbk_records_and_dataproxy_pages(pages) -> None:
    links = page_links(response(pages, "/zhangshu/col/col4082441/index.html"))
    anchors = [link for link in links if not link.generated]
    assert any(link.text == "樟树市工信局关于第0批企业技改项目的公示" for link in anchors)
    assert len([a for a in anchors if "/art/" in a.url]) == 15
    proxies = sorted((link.url for link in links if link.generated), key=len)
    assert len(proxies) == 2
    assert proxies[0].startswith(BASE + DATAPROXY + "?startrecord=16&endrecord=30&perpage=15")
    assert "columnid=4082441" in proxies[0] and "unitid=4462681" in proxies[0]
    assert "webid=2875" in proxies[0]


def test_dataproxy_xml_in_gbk_without_declared_charset(pages) -> None:
    xml = response(pages, f"{DATAPROXY}?startrecord=16", XmlResponse)
    titles = {link.text for link in page_links(xml)}
    assert "樟树市工信局2023年政府信息公开工作年度报告" in titles


def test_trs_create_page_html(pages) -> None:
    links = page_links(response(pages, "/zgsr/gxj/xxgk/ndbg/index.html"))
    assert not [x for x in page_links(response(pages, "/zgsr/gxj/xxgk/ndbg/index_1.html")) if x.generated]
    generated = {link.url for link in links if link.generated}
    root = BASE + "/zgsr/gxj/xxgk/ndbg/"
    assert generated == {root + "index.html", root + "index_1.html", root + "index_2.html"}
    assert any(link.url.startswith(root + "202401/t20240110_") for link in links)


def test_pdfjs_viewer_iframe_gives_the_document(pages) -> None:
    path = "/zgsr/gxj/xxgk/ndbg/202301/t20230130_4512345.html"
    urls = {link.url for link in page_links(response(pages, path))}
    assert BASE + "/zgsr/gxj/xxgk/ndbg/202301/P020230130.pdf" in urls


def test_relative_links_resolve_against_the_page(pages) -> None:
    links = page_links(response(pages, "/yichun/xxgk/index.html"))
    assert BASE + "/yichun/xxgk-list-nb.html" in {link.url for link in links}


def test_hanweb_parameters_from_nextgroup_when_no_ajax_param() -> None:
    page = ("<script type='text/xml'><datastore><nextgroup><![CDATA[<a href='/module/web/jpage/"
            "dataproxy.jsp?page=1&webid=7&path=/&columnid=55&unitid=66'></a>]]></nextgroup>"
            "<recordset><record><![CDATA[<li><a href='/art/1.html'>x</a></li>]]></record>"
            "</recordset></datastore></script><script>var p = {proxyUrl: "
            "'/module/web/jpage/dataproxy.jsp', perPage: 1, totalRecord: 2};</script>")
    links = page_links(HtmlResponse(BASE + "/col/index.html", body=page.encode(),
                                    encoding="utf-8"))
    (proxy,) = [link.url for link in links if link.generated]
    assert proxy.startswith(BASE + "/module/web/jpage/dataproxy.jsp?startrecord=2&endrecord=2")
    assert "webid=7" in proxy and "columnid=55" in proxy and "unitid=66" in proxy
    assert "&page=" not in proxy


def test_trs_pager_with_variables() -> None:
    page = ('<script>var countPage = 3//共多少页\nvar currentPage = 0;\n'
            'createPageHTML(countPage, currentPage, "index", "shtml");</script>')
    links = page_links(HtmlResponse(BASE + "/gxj/tzgg/index.shtml", body=page.encode(),
                                    encoding="utf-8"))
    assert {link.url for link in links} == {
        BASE + "/gxj/tzgg/index.shtml", BASE + "/gxj/tzgg/index_1.shtml",
        BASE + "/gxj/tzgg/index_2.shtml"}


def test_script_redirect_of_a_home_page(pages) -> None:
    links = page_links(response(pages, "/county/"))
    assert [(link.url, link.generated) for link in links] == [(BASE + "/county/index.html", True)]
