"""The archive stands on its own: importing it (queue writer included) loads no crawler module."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PROBE = ("import sys, archive, archive.queue_writer, archive.bulk, archive.cli\n"
         "print(sorted(m for m in sys.modules if m == 'crawler' or m.startswith(('crawler.', 'scrapy'))))")


def test_archive_imports_no_crawler_module() -> None:
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=REPO, capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "[]"
