"""Fixtures: the seed archive and the real `nianbao serve` on a free 127.0.0.1 port."""
from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator

import pytest

from nianbao_site import ROOT, WebArchive, build_web_archive, free_port, wait_for


@pytest.fixture(scope="session")
def web_archive(tmp_path_factory: pytest.TempPathFactory) -> WebArchive:
    return build_web_archive(tmp_path_factory.mktemp("web"))


@pytest.fixture(scope="session")
def site(web_archive: WebArchive) -> Iterator[str]:
    """The real `nianbao serve` in a subprocess; yields its base URL."""
    port = free_port()
    log = web_archive.db_path.parent / "serve.log"  # a file, not a pipe nobody drains
    with open(log, "w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "nianbao.cli", "--db", str(web_archive.db_path), "serve",
             "--port", str(port), "--warc-dir", str(web_archive.warc_dir)],
            cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base + "/-/versions.json", process, log)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
