"""An archive in tmp_path: a real SQLite file and real WARC files."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from archive import Archive


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[Archive]:
    with Archive(tmp_path / "nianbao.db", fsync=False) as arch:
        yield arch
