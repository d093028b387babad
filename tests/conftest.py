"""Shared fixtures: the five seed reports and their hand-read cells."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
SEEDS_DIR = FIXTURES / "seeds"
SEED_FILES = sorted(p.name for p in SEEDS_DIR.glob("*.txt"))


def seed_expected() -> dict[str, dict]:
    data = json.loads((SEEDS_DIR / "seed-expected.json").read_text(encoding="utf-8"))
    return {s["file"]: s for s in data["seeds"]}


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return SEEDS_DIR


@pytest.fixture(scope="session")
def expected() -> dict[str, dict]:
    return seed_expected()
