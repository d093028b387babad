"""The `nianbao` command: each package registers its own subcommands."""
from __future__ import annotations

import argparse
import importlib
import sys

# Each module defines register(subparsers); every subcommand sets func(args) -> int.
COMMAND_MODULES = ("parsers.cli", "archive.cli", "crawler.cli", "nianbao.serve", "nianbao.demo",
                   "nianbao.distributed_cli")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="nianbao", description=__doc__)
    parser.add_argument("--db", default="nianbao.db", help="archive database (default ./nianbao.db)")
    sub = parser.add_subparsers(dest="command", required=True)
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:  # a part not built yet
            if exc.name != name:
                raise
            continue
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
