"""python -m replica --port P [--state first|later] [--bench-pages N]"""
from __future__ import annotations

import argparse

from .replica import Replica


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m replica", description=__doc__)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--state", choices=("first", "later"), default="first")
    parser.add_argument("--bench-pages", type=int, default=0, help="serve a /bench/ site of N pages")
    args = parser.parse_args()
    replica = Replica(args.port, args.state, bench_pages=args.bench_pages)
    print(f"replica serving {args.state} state at {replica.base_url}/ (registry: replica/sites.yml)")
    try:
        replica.httpd.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
