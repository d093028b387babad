"""Serving benchmark: search and canned-query latency of the Datasette site on a large archive.

Generates an archive in the real schema (archive.schema.create_schema) with sqlite-utils bulk
inserts - 100,000 reports with 100 cells each (10M cells), agencies, versions with revisions,
checks, changes, expected reports - builds the bigram search index, then times requests through
Datasette in-process (datasette.client, the full ASGI stack with our metadata and plugins):
two- and four-character searches through the table's `_search` (JSON and the HTML page), the
ranked search query, every canned query with its default parameters, every dashboard chart,
report pages and revision diff pages. Target: p95 < 200 ms.

    python -m bench.serve            # 100,000 reports / 10M cells
    python -m bench.serve --small    # 5,000 reports, a quick run
"""
from __future__ import annotations

import argparse
import asyncio
import random
import re
import statistics
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import yaml

from archive import schema, search_index
from archive.text_codec import pack_text

ROOT = Path(__file__).resolve().parent.parent
CELLS_PER_REPORT = 100
YEARS = (2019, 2020, 2021, 2022, 2023)
TARGET_P95_MS = 200.0
CITIES = ("宜春市", "上饶市", "南昌市", "九江市", "赣州市", "吉安市", "抚州市", "景德镇市", "萍乡市",
          "新余市", "鹰潭市")
DEPARTMENTS = ("工业和信息化局", "财政局", "教育局", "民政局", "人民政府", "交通运输局", "生态环境局",
               "自然资源局", "卫生健康委员会", "市场监督管理局", "司法局", "农业农村局", "商务局",
               "文化广电新闻出版旅游局", "住房和城乡建设局", "水利局", "审计局", "统计局", "林业局", "应急管理局")
_DISTRICT_CHARS = "东南西北中上下前后新安平和兴华明春秋山水江河湖林泉石金玉丰富宁远"
# Sentences of a typical 总体情况 section; each report gets a different selection and numbers.
SENTENCES = (
    "坚持以习近平新时代中国特色社会主义思想为指导，全面贯彻落实政府信息公开条例。",
    "通过门户网站主动发布政务信息{n}条，通过政务新媒体发布信息{m}条。",
    "全年共收到政府信息公开申请{n}件，均已按时办结。",
    "本年度未发生因政府信息公开引起的行政复议、行政诉讼。",
    "发生政府信息公开行政复议{m}件，行政诉讼{n}件。",
    "建立健全政府信息发布保密审查机制，明确三审流程。",
    "推进网站集约化建设，完成IPv6升级改造。",
    "加强政策解读，举办新闻发布会{m}场。",
    "存在的主要问题是信息公开的及时性和规范性有待提高。",
    "下一步将进一步完善依申请公开办理流程，提升答复质量。",
    "本机关未收取信息处理费。",
)
# Two- and four-character queries of differing selectivity (agency places, topics).
QUERIES_2 = ("宜春", "复议", "工信", "财政", "诉讼", "景德", "统计", "新媒")
QUERIES_4 = ("行政复议", "宜春市工", "信息公开", "集约化建", "保密审查", "上饶市财", "新闻发布", "及时性和")


def _district(n: int) -> str:
    base = len(_DISTRICT_CHARS)
    return _DISTRICT_CHARS[n // base % base] + _DISTRICT_CHARS[n % base] + "区"


def _cell_keys() -> list[tuple[str, str, str]]:
    labels = yaml.safe_load((ROOT / "plugins" / "cell_labels.yml").read_text(encoding="utf-8"))
    keys = [(t, r, c) for t in ("requests", "appeals", "active")
            for r in labels["tables"][t]["rows"] for c in labels["tables"][t]["cols"]]
    return keys[:CELLS_PER_REPORT]


def _agencies(count: int) -> list[dict]:
    rows = []
    for i in range(count):
        city, dept = CITIES[i % len(CITIES)], DEPARTMENTS[i // len(CITIES) % len(DEPARTMENTS)]
        district = _district(i // (len(CITIES) * len(DEPARTMENTS)))
        rows.append({"id": i + 1, "name": f"{city}{district}{dept}", "aliases": "[]",
                     "province": "江西省", "city": city, "county": district,
                     "site_id": f"site-{i % 50}", "in_registry": 1,
                     "kind": "government" if dept == "人民政府" else "department"})
    return rows


def _text(rng: random.Random, agency: str, year: int) -> str:
    picked = rng.sample(SENTENCES, 6)
    body = "".join(s.format(n=rng.randint(0, 500), m=rng.randint(0, 30)) for s in picked)
    return f"{agency}{year}年政府信息公开工作年度报告\n一、总体情况\n{year}年，{agency}{body}"


def generate(db_path: Path, reports: int, seed: int = 7) -> dict:
    """Fill a fresh archive with `reports` reports; returns what was generated."""
    rng = random.Random(seed)
    db = schema.connect(str(db_path))
    schema.create_schema(db)
    # versions and reports point at each other; rows go in table by table, consistent at the end
    db.execute("PRAGMA foreign_keys=OFF")
    agency_rows = _agencies(-(-reports // len(YEARS)) + reports // 20)  # ~5% more: missing ones
    db["sites"].insert_all({"id": f"site-{i}", "name": f"网站{i}", "base_url": f"http://s{i}.example.gov.cn/",
                            "region": "江西省", "cms": "trs"} for i in range(50))
    db["agencies"].insert_all(agency_rows, batch_size=5000)
    keys = _cell_keys()
    db["cell_keys"].insert_all({"id": i + 1, "tbl": t, "row_key": r, "col_key": c}
                               for i, (t, r, c) in enumerate(keys))
    report_rows, version_rows, check_rows, change_rows, expected_rows = [], [], [], [], []
    pairs = [(a, y) for a in agency_rows for y in YEARS]
    rng.shuffle(pairs)
    found, missing = pairs[:reports], pairs[reports:]
    for report_id, (agency, year) in enumerate(found, start=1):
        revised = rng.random() < 0.02
        failing = rng.random() < 0.03
        first = f"{year + 1}-01-{rng.randint(10, 28)}T02:00:00Z"
        text = _text(rng, agency["name"], year)
        for seq in (1, 2) if revised else (1,):
            version_rows.append({
                "id": len(version_rows) + 1, "report_id": report_id, "seq": seq,
                "content_hash": f"{report_id}-{seq}", "title": text.split("\n", 1)[0],
                "agency_printed": agency["name"], "format": "2021" if year >= 2021 else "2019",
                "text_z": pack_text(text if seq == 1 else text + "本报告已更正。"), "sections": "{}",
                "warnings": "[]", "checks_failed": 2 if failing else 0,
                "first_seen": first if seq == 1 else f"{year + 1}-03-01T02:00:00Z",
                "last_seen": first, "cause": "first" if seq == 1 else "agency",
                "province": "江西省", "city": agency["city"], "county": agency["county"]})
        version_id = len(version_rows)
        if revised:
            change_rows += [{"report_id": report_id, "from_version_id": version_id - 1,
                             "to_version_id": version_id, "kind": "cell", "key": "requests/granted/total",
                             "old": "3", "new": "4", "cause": "agency",
                             "detected_at": f"{year + 1}-03-01T02:00:00Z"}]
        for rule in ("R1", "R2", "R3", "R4", "R5"):
            check_rows.append({"version_id": version_id, "rule": rule, "ok": 1,
                               "detail": f"{rule} checks pass", "cells": None})
        if failing:
            check_rows += [{"version_id": version_id, "rule": "R2", "ok": 0,
                            "detail": f"requests column {c}: results_total 0 ≠ … = 1",
                            "cells": f'["requests/results_total/{c}"]'}
                           for c in ("natural_person", "total")]
        removed = rng.random() < 0.01
        report_rows.append({
            "id": report_id, "agency_id": agency["id"], "year": year, "title": text.split("\n", 1)[0],
            "url": f"http://{agency['site_id']}.example.gov.cn/xxgk/{report_id}.html",
            "site_id": agency["site_id"], "first_seen": first, "last_seen": first,
            "current_version_id": version_id, "status": "removed" if removed else "current",
            "removed_at": "2025-06-01T00:00:00Z" if removed else None})
        expected_rows.append({"agency_id": agency["id"], "year": year, "deadline": f"{year + 1}-01-31",
                              "status": "found", "report_id": report_id, "first_seen": first,
                              "as_of": "2025-06-01"})
    expected_rows += [{"agency_id": a["id"], "year": y, "deadline": f"{y + 1}-01-31",
                       "status": "missing", "as_of": "2025-06-01"} for a, y in missing]
    for table, rows in (("versions", version_rows), ("reports", report_rows), ("checks", check_rows),
                        ("changes", change_rows), ("expected_reports", expected_rows)):
        db[table].insert_all(rows, batch_size=5000)
    cells = _insert_cells(db, [r["current_version_id"] for r in report_rows], len(keys), rng)
    return {"reports": len(report_rows), "versions": len(version_rows), "cells": cells,
            "agencies": len(agency_rows), "missing": len(missing)}


def _counts(conn) -> dict:
    """What an archive reused with --db holds."""
    sql = {"reports": "SELECT count(*) FROM reports", "versions": "SELECT count(*) FROM versions",
           "cells": "SELECT count(*) FROM cell_values", "agencies": "SELECT count(*) FROM agencies",
           "missing": "SELECT count(*) FROM expected_reports WHERE status = 'missing'"}
    return {name: conn.execute(query).fetchone()[0] for name, query in sql.items()}


def _cell_rows(version_ids: list[int], key_count: int, rng: random.Random) -> Iterator[dict]:
    for version_id in version_ids:
        for key_id in range(1, key_count + 1):
            yield {"version_id": version_id, "key_id": key_id,
                   "value": rng.choice((0, 0, 0, 1, 2, 5, rng.randint(0, 300))), "raw": None}


def _insert_cells(db, version_ids: list[int], key_count: int, rng: random.Random) -> int:
    db.execute("BEGIN")
    db["cell_values"].insert_all(_cell_rows(version_ids, key_count, rng), batch_size=10_000)
    db.execute("COMMIT")
    return len(version_ids) * key_count


def _pages(conn) -> dict[str, list[str]]:
    """Report pages of reports spread over the archive, diff pages of revisions."""
    reports = [r[0] for r in conn.execute("SELECT id FROM reports WHERE id % 9973 = 1")]
    revisions = conn.execute("SELECT report_id, id FROM versions WHERE seq > 1 ORDER BY id LIMIT 8")
    return {"report page /report/<id>": [f"/report/{r}" for r in reports],
            "diff page /report/<id>/diff": [f"/report/{r}/diff?to={v}" for r, v in revisions]}


def _paths(db_name: str) -> dict[str, list[str]]:
    def table_search(words: tuple[str, ...], html: bool = False) -> list[str]:
        return [f"/{db_name}/reports{'' if html else '.json'}?" + urlencode({"_search": w})
                for w in words]

    queries = yaml.safe_load((ROOT / "metadata.yml").read_text(encoding="utf-8"))
    canned = queries["databases"]["nianbao"]["queries"]
    defaults = {"q": "宜春", "agency": ""}
    paths = {
        "search 2 chars (JSON table _search, with count)": table_search(QUERIES_2),
        "search 4 chars (JSON table _search, with count)": table_search(QUERIES_4),
        "search 2 chars (JSON _shape=array)": [p + "&_shape=array" for p in table_search(QUERIES_2)],
        "search 4 chars (JSON _shape=array)": [p + "&_shape=array" for p in table_search(QUERIES_4)],
        "search 2 chars (HTML table page)": table_search(QUERIES_2, html=True),
        "search 4 chars (HTML table page)": table_search(QUERIES_4, html=True),
        "reports table page (HTML, newest year first)": [f"/{db_name}/reports"],
    }
    for name in canned:
        params = {p: defaults.get(p, "") for p in ("q", "year", "tbl", "row", "col", "rule", "cause",
                                                   "agency") if f":{p}" in canned[name]["sql"]}
        if name == "search_reports":
            paths[f"canned {name} (2 chars)"] = [f"/{db_name}/{name}.json?" + urlencode({"q": w})
                                                 for w in QUERIES_2]
            paths[f"canned {name} (4 chars)"] = [f"/{db_name}/{name}.json?" + urlencode({"q": w})
                                                 for w in QUERIES_4]
        else:
            paths[f"canned {name}"] = [f"/{db_name}/{name}.json?" + urlencode(params)]
    paths["canned new_and_revised (.atom)"] = [f"/{db_name}/new_and_revised.atom"]
    # the dashboard's charts, as its page fetches them: filters left blank, then both set
    charts = queries["plugins"]["datasette-dashboards"]["overview"]["charts"]
    filters = {"year": "2022", "city": CITIES[0]}
    for name, chart in charts.items():
        if "query" in chart:
            blank = re.sub(r"\[\[.*?\]\]", "", chart["query"])
            paths[f"dashboard chart {name}"] = [f"/{db_name}.json?" + urlencode({"sql": blank, "_shape": "array"})]
            used = {p: v for p, v in filters.items() if f":{p}" in chart["query"]}
            if used:
                sql = re.sub(r"\[\[(.*?)\]\]", r"\1", chart["query"])
                paths[f"dashboard chart {name} (year/city set)"] = [
                    f"/{db_name}.json?" + urlencode({"sql": sql, "_shape": "array", **used})]
    return paths


async def _time(datasette, paths: dict[str, list[str]], repeats: int) -> dict[str, dict]:
    results = {}
    for label, urls in paths.items():
        await datasette.client.get(urls[0])  # warm the page cache and the plan
        times, errors = [], 0
        for i in range(repeats):
            start = time.perf_counter()
            response = await datasette.client.get(urls[i % len(urls)])
            times.append((time.perf_counter() - start) * 1000)
            errors += response.status_code != 200  # e.g. 400: over sql_time_limit_ms
        times.sort()
        results[label] = {"p50_ms": round(statistics.median(times), 1),
                          "p95_ms": round(times[max(0, int(len(times) * 0.95) - 1)], 1),
                          "errors": errors}
    return results


def run(reports: int, db_path: Path, repeats: int) -> dict:
    """Generate and index an archive at db_path (or reuse one made by an earlier run), then time."""
    from nianbao.serve import build_datasette

    generated, generate_s, index_s = {}, 0.0, 0.0
    if not db_path.exists():
        start = time.perf_counter()
        generated = generate(db_path, reports)
        generate_s = time.perf_counter() - start
        start = time.perf_counter()
        search_index.rebuild(schema.connect(str(db_path)).conn)
        index_s = time.perf_counter() - start
    conn = schema.connect(str(db_path)).conn
    generated = generated or _counts(conn)
    text_bytes = conn.execute("SELECT sum(length(CAST(nianbao_text(v.text_z) AS BLOB))) FROM reports r "
                              "JOIN versions v ON v.id = r.current_version_id").fetchone()[0]
    index_bytes = conn.execute("SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'report_search%'"
                               ).fetchone()[0]
    pages = _pages(conn)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    datasette = build_datasette(str(db_path))
    timings = asyncio.run(_time(datasette, {**_paths(db_path.stem), **pages}, repeats))
    return {**generated, "generate_s": round(generate_s, 1), "index_s": round(index_s, 1),
            "index_bytes": index_bytes, "text_bytes": text_bytes,
            "index_over_text": round(index_bytes / text_bytes, 3),
            "db_bytes": db_path.stat().st_size, "timings": timings,
            "worst_p95_ms": max(t["p95_ms"] for t in timings.values())}


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(prog="python -m bench.serve", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--small", action="store_true", help="5,000 reports instead of 100,000")
    parser.add_argument("--reports", type=int, help="any other number of reports")
    parser.add_argument("--repeats", type=int, default=40, help="requests timed per query")
    parser.add_argument("--db", type=Path, help="keep the generated archive here; reuse it if it exists")
    args = parser.parse_args(argv)
    reports = args.reports or (5_000 if args.small else 100_000)
    if args.db:
        figures = run(reports, args.db, args.repeats)
    else:
        with tempfile.TemporaryDirectory(prefix="nianbao-bench-serve-") as tmp:
            figures = run(reports, Path(tmp) / "nianbao.db", args.repeats)
    _print(figures, args.repeats)
    return _flat(figures)


def _worst(timings: dict[str, dict], part: str) -> float:
    return max(t["p95_ms"] for label, t in timings.items() if part in label) / TARGET_P95_MS


def _flat(figures: dict) -> dict:
    """One level, ratios first, for the table `python -m bench` writes."""
    timings = figures["timings"]
    flat = {"ratio_worst_p95_over_target": round(figures["worst_p95_ms"] / TARGET_P95_MS, 2),
            "ratio_search_json_p95_over_target": round(_worst(timings, "JSON"), 2),
            "ratio_canned_p95_over_target": round(_worst(timings, "canned"), 2),
            "ratio_index_over_text": figures["index_over_text"]}
    flat.update({k: v for k, v in figures.items() if k not in ("timings", "index_over_text")})
    for label, t in timings.items():
        failed = f" ({t['errors']} failed)" if t["errors"] else ""
        flat[f"p50 / p95 ms: {label}"] = f"{t['p50_ms']} / {t['p95_ms']}{failed}"
    return flat


def _print(figures: dict, repeats: int) -> None:
    made = "generated" if figures["generate_s"] else "reused"
    print(f"serve: {made} {figures['reports']} reports, {figures['cells']} cells, "
          f"{figures['agencies']} agencies ({figures['missing']} missing reports) in "
          f"{figures['generate_s']} s; database {figures['db_bytes'] / 1e6:.0f} MB")
    built = (f"built in {figures['index_s']} s ({figures['reports'] / figures['index_s']:.0f} reports/s)"
             if figures["index_s"] else "reused")
    print(f"serve: search index {built}; {figures['index_bytes'] / 1e6:.1f} MB for "
          f"{figures['text_bytes'] / 1e6:.1f} MB of text = {figures['index_over_text']}x")
    for label, t in figures["timings"].items():
        failed = f"  {t['errors']} of {repeats} requests FAILED" if t["errors"] else ""
        print(f"serve: {label:55s} p50 {t['p50_ms']:7.1f} ms  p95 {t['p95_ms']:7.1f} ms  "
              f"(p95 / target {TARGET_P95_MS:.0f} ms = {t['p95_ms'] / TARGET_P95_MS:.2f}){failed}")
    print(f"serve: worst p95 {figures['worst_p95_ms']} ms = "
          f"{figures['worst_p95_ms'] / TARGET_P95_MS:.2f}x of the {TARGET_P95_MS:.0f} ms target")

if __name__ == "__main__":
    main()
