"""Loopback and private addresses are refused unless the registry entry allows them."""
from __future__ import annotations

from pathlib import Path

from conftest import run_crawl

from nianbao.cli import main


def test_private_address_refused_without_permission(replica, tmp_path: Path) -> None:
    sites = tmp_path / "sites.yml"
    sites.write_text(f"- id: sneaky\n  name: 不许访问\n  start_urls: ['{replica.base_url}/yichun/']\n",
                     encoding="utf-8")
    run = run_crawl(tmp_path / "nianbao.db", sites)
    assert run.returncode == 1, run.stderr[-2000:]  # no site could be reached
    assert "site sneaky: not reached (report column not reached; 1 request refused" in run.stdout
    assert replica.hits == []  # not even robots.txt
    assert "resolves to private address 127.0.0.1" in run.stderr
    assert "registry does not set allow_private_network" in run.stderr


def test_bad_registry_is_a_clear_error(tmp_path: Path, capsys) -> None:
    sites = tmp_path / "sites.yml"
    sites.write_text("- {id: x, name: X}\n", encoding="utf-8")
    code = main(["--db", str(tmp_path / "nianbao.db"), "crawl", "--sites", str(sites)])
    assert code == 2
    err = capsys.readouterr().err
    assert err.startswith("nianbao crawl: ") and "entry x: missing start_urls" in err
