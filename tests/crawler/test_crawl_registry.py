"""The site registry: loading, validation and the hints that scope a crawl."""
from __future__ import annotations

from pathlib import Path

import pytest

from crawler.registry import DEFAULT_SITES, RegistryError, load_sites


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sites.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_registry_loads() -> None:
    sites = {s.id: s for s in load_sites(DEFAULT_SITES)}
    assert set(sites) == {"yichun-gxj", "zhangshu", "shangrao-gxj"}
    assert sites["shangrao-gxj"].owns("http://www.zgsr.gov.cn/gxj/xxgk/index.html")
    assert not sites["shangrao-gxj"].owns("http://www.zgsr.gov.cn/other/index.html")
    assert not any(s.allow_private_network for s in sites.values())


def test_minimal_entry_and_only_filter(tmp_path: Path) -> None:
    path = write(tmp_path, "- {id: a, name: A, start_urls: http://a.example/}\n"
                           "- {id: b, name: B, start_urls: [http://b.example/x/]}\n")
    (site,) = load_sites(path, only=["b"])
    assert site.start_urls == ["http://b.example/x/"] and site.domains == {"b.example"}
    assert site.owns("https://b.example/anything") and not site.owns("ftp://b.example/f")


@pytest.mark.parametrize(("text", "message"), [
    ("- {id: a, name: A}\n", "missing start_urls"),
    ("- {id: a, name: A, start_urls: [file:///etc/passwd]}\n", r"not http\(s\)"),
    ("- {id: a, name: A, start_urls: [http://a/], colour: red}\n", "unknown keys colour"),
    ("- {id: a, name: A, start_urls: [http://a/]}\n- {id: a, name: B, start_urls: [http://b/]}\n",
     "duplicate"),
    ("sites: {}\n", "expected a list"),
    ("- [unclosed\n", "sites.yml"),
])
def test_bad_registry_gives_clear_error(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(RegistryError, match=message):
        load_sites(write(tmp_path, text))


def test_unknown_site_id_is_an_error() -> None:
    with pytest.raises(RegistryError, match="no site with id nope"):
        load_sites(DEFAULT_SITES, only=["nope"])


def test_agency_hint_from_title() -> None:
    site = {s.id: s for s in load_sites(DEFAULT_SITES)}["zhangshu"]
    assert site.agency_for("樟树市工业和信息化局2023年政府信息公开工作年度报告") == "樟树市工业和信息化局"
    assert site.agency_for("某某2023年度报告") is None
