"""The `nianbao` entry point: every command is reachable, and light commands start light."""
from __future__ import annotations

import subprocess
import sys

from nianbao.cli import COMMANDS, build_parser


def test_help_lists_every_command() -> None:
    parser = build_parser(["--help"])
    choices = next(a for a in parser._actions if a.dest == "command").choices
    assert set(choices) == set(COMMANDS)


def test_each_command_parses_with_only_its_module() -> None:
    args = build_parser(["--db", "x.db", "missing"]).parse_args(["--db", "x.db", "missing"])
    assert (args.command, args.db) == ("missing", "x.db") and callable(args.func)


def test_parse_command_does_not_import_datasette() -> None:
    code = ("import sys; from nianbao.cli import build_parser; build_parser(['parse', 'f.txt']);"
            "print('datasette' in sys.modules, 'sqlite_utils' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
