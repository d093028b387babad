"""`nianbao parse` through the installed entry point."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SEED_FILES, SEEDS_DIR

ROOT = Path(__file__).resolve().parents[2]
NIANBAO = ROOT / ".venv" / "bin" / "nianbao"


def run(*args: str) -> subprocess.CompletedProcess:
    cmd = [str(NIANBAO)] if NIANBAO.exists() else [sys.executable, "-m", "nianbao.cli"]
    return subprocess.run([*cmd, "parse", *args], capture_output=True, text=True, timeout=120, cwd=ROOT)


@pytest.fixture(scope="module")
def json_run():
    return run("--json", *(str(SEEDS_DIR / f) for f in SEED_FILES))


def test_json_lines_one_object_per_file(json_run):
    assert json_run.returncode == 0, json_run.stderr  # failed checks (seed 003) are data, not errors
    lines = json_run.stdout.splitlines()
    assert len(lines) == len(SEED_FILES)
    for name, line in zip(SEED_FILES, lines):
        d = json.loads(line)
        assert d["file"].endswith(name)
        for key in ("title", "agency", "region", "year", "format", "cells", "checks", "warnings"):
            assert key in d
        assert len(d["cells"]) == 200
        assert set(d["cells"][0]) >= {"table", "row", "col", "value", "raw"}
        assert all(set(c) >= {"rule", "ok", "detail"} for c in d["checks"])
    d3 = json.loads(lines[3])
    assert d3["agency"] == "宜春丰城高新区" and d3["year"] == 2022 and d3["format"] == "2021"
    assert d3["region"] == {"province": "江西省", "city": "宜春市", "county": "丰城市"}
    assert sorted({c["rule"] for c in d3["checks"] if not c["ok"]}) == ["R2"]


def test_summary_and_unreadable_input(tmp_path):
    empty = tmp_path / "empty.html"
    empty.write_bytes(b"")
    seed = SEEDS_DIR / "003_7ed1e439a9c9913c.txt"
    # one run: a readable file is summarised, the unreadable ones get one line each on stderr
    p = run(str(seed), str(empty), str(tmp_path / "missing.txt"))
    assert p.returncode != 0
    errors = p.stderr.strip().splitlines()
    assert len(errors) == 2 and "empty.html" in errors[0] and "missing.txt" in errors[1]
    assert "Traceback" not in p.stderr
    out = p.stdout
    assert "宜春丰城高新区2022年政府信息公开工作年度报告" in out
    assert "江西省 宜春市 丰城市" in out and "format: 2021" in out
    # the three tables laid out rows x cols
    req_line = next(ln for ln in out.splitlines() if ln.startswith("unavailable.not_held"))
    assert req_line.split()[1:] == ["1", "0", "0", "0", "0", "0", "1"]
    assert any(ln.startswith("review") and ln.split()[1:] == ["0", "1", "0", "0", "1"] for ln in out.splitlines())
    assert any(ln.startswith("regulations") for ln in out.splitlines())
    assert "FAIL R2 requests column natural_person" in out

