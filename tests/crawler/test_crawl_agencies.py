"""County sites whose reports print bare or short agency names, crawled for real on 127.0.0.1:
every report filed under the registry's agency or the site's county, one history per agency;
the name no context can place is flagged unresolved on its agency row."""
from __future__ import annotations

import asyncio
import json
from pathlib import Path

from conftest import query, run_crawl

from nianbao.serve import build_datasette

from replica import agency_sites
from replica.dynamic_server import DynamicReplica


def test_bare_names_on_county_sites_are_merged(tmp_path: Path):
    agency_sites.warm()
    with DynamicReplica(agency_sites.SITES) as server:
        run = run_crawl(tmp_path / "n.db", server.registry(tmp_path / "sites.yml"))
    assert run.returncode == 0, run.stderr[-2000:]
    rows = query(tmp_path / "n.db", "SELECT a.name, r.year, a.identity, a.county FROM reports r "
                                    "JOIN agencies a ON a.id = r.agency_id")
    by_agency: dict[str, set[int]] = {}
    for name, year, *_ in rows:
        by_agency.setdefault(name, set()).add(year)
    assert by_agency == {"永新县农业农村局": {2021, 2022},  # bare 2022 merged with full 2021
                         "永新县工业园区管理委员会": {2021, 2022},  # short forms: the registry's
                         "永新县交通运输局": {2022},  # a PDF saying 我局, named by its link
                         "统计局": {2022}}  # a platform with no region: kept, flagged
    aliases = dict(query(tmp_path / "n.db", "SELECT name, aliases FROM agencies"))
    assert "农业农村局" in aliases["永新县农业农村局"]
    assert {"永新工业园区", "永新县工业园区管委会"} <= set(json.loads(aliases["永新县工业园区管理委员会"]))
    flags = {name: (how, county) for name, _, how, county in rows}
    assert flags["统计局"][0].startswith("unresolved")
    assert all(not how.startswith("unresolved") and county == "永新县"
               for name, (how, county) in flags.items() if name != "统计局")
    # the report page says so (Datasette as served, in process)
    (report_id,) = query(tmp_path / "n.db", "SELECT r.id FROM reports r JOIN agencies a "
                                            "ON a.id = r.agency_id WHERE a.name = '统计局'")[0]
    (placed,) = query(tmp_path / "n.db", "SELECT r.id FROM reports r JOIN agencies a "
                                         "ON a.id = r.agency_id WHERE a.name = '永新县农业农村局'")[0]
    datasette = build_datasette(str(tmp_path / "n.db"))
    flagged, clean = (asyncio.run(datasette.client.get(f"/report/{i}")) for i in (report_id, placed))
    assert flagged.status_code == 200 and "agency not placed: unresolved" in flagged.text
    assert clean.status_code == 200 and "agency not placed" not in clean.text
