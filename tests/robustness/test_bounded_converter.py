"""A bounded parse killed while LibreOffice converts a .doc leaves no converter process and no
temporary directory behind (parsers/limits.py ends the child's session, removes its scratch).

The conversion is made to hang with a stand-in `soffice` first on PATH (a shell script that
sleeps, as a converter stuck on a file would). The parse runs in a fresh Python process whose
PATH and TMPDIR are set from its start, because the forkserver the bounded parse forks from
keeps the environment it was started with."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from parsers.limits import DEFAULT_BOUNDS
from parsers.readers import magic, office

REPO = Path(__file__).resolve().parents[2]
PARSE = """
from parsers.limits import Bounds, parse_bounded
try:
    parse_bounded(b"{data}", "application/msword", bounds=Bounds(wall_seconds=1.5))
except Exception as exc:
    print(type(exc).__name__, exc)
"""


def processes_mentioning(text: str) -> list[int]:
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            command = cmdline.read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if text in command and cmdline.parent.name != str(os.getpid()):
            found.append(int(cmdline.parent.name))
    return found


def test_killed_parse_takes_its_hanging_converter_and_temp_files_with_it(tmp_path):
    bin_dir, tmp_dir = tmp_path / "bin", tmp_path / "tmp"
    bin_dir.mkdir()
    tmp_dir.mkdir()
    soffice = bin_dir / "soffice"
    soffice.write_text("#!/bin/sh\nsleep 300\n")
    soffice.chmod(0o755)
    data = (magic.OLE2 + bytes(600)).hex()
    code = PARSE.replace('b"{data}"', f'bytes.fromhex("{data}")')
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}", "TMPDIR": str(tmp_dir)}
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, text=True,
                            capture_output=True, timeout=60)
    assert result.stdout.startswith("InputTooLarge parse took over 2 s"), result
    leftovers = processes_mentioning(str(tmp_path))
    for pid in leftovers:  # so a failing run does not leave its stand-in running
        os.kill(pid, signal.SIGKILL)
    assert leftovers == []
    assert list(tmp_dir.iterdir()) == []


def test_converter_gives_up_before_the_wall_bound():
    assert office.CONVERTER_TIMEOUT_SECONDS < DEFAULT_BOUNDS.wall_seconds
