"""The `nianbao` command: each package registers its own subcommands."""
from __future__ import annotations

import argparse
import importlib
import sys

# Subcommand -> the module whose register(subparsers) defines it (every subcommand sets
# func(args) -> int). Only the chosen command's module is imported: a light command such as
# `parse` need not pay ~1 s for Datasette's and sqlite-utils' imports.
COMMANDS = {
    "parse": "parsers.cli",
    "ingest": "archive.cli", "missing": "archive.cli", "coverage": "archive.cli",
    "changes": "archive.cli", "reparse": "archive.cli",
    "crawl": "crawler.cli", "schedule": "crawler.cli",
    "serve": "nianbao.serve",
    "demo": "nianbao.demo",
    "ingest-worker": "nianbao.distributed_cli",
}


def _chosen_command(argv: list[str]) -> str | None:
    pre = argparse.ArgumentParser(add_help=False)
    pre.add_argument("--db")
    _, rest = pre.parse_known_args(argv)
    return rest[0] if rest and rest[0] in COMMANDS else None


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="nianbao", description=__doc__)
    parser.add_argument("--db", default="nianbao.db", help="archive database (default ./nianbao.db)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="{" + ",".join(COMMANDS) + "}")
    command = _chosen_command(sys.argv[1:] if argv is None else argv)
    modules = [COMMANDS[command]] if command else list(dict.fromkeys(COMMANDS.values()))
    for name in modules:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser(argv).parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
