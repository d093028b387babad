"""Python API: start the replica on a port (0 = any) in a thread, switch its state, write its registry."""
from __future__ import annotations

import threading
from pathlib import Path

import yaml

from .server import Hit, Knobs, ReplicaHTTPServer, ReplicaState

REGISTRY = Path(__file__).with_name("sites.yml")
REGISTRY_ORIGIN = "http://127.0.0.1:8765"  # the origin written in replica/sites.yml


class Replica:
    def __init__(self, port: int = 0, state: str = "first", bench_pages: int = 0,
                 knobs: Knobs | None = None) -> None:
        self._state = ReplicaState(state=state, bench_pages=bench_pages, knobs=knobs or Knobs())
        self._state.prepare(state)  # build documents before the first request
        self.httpd = ReplicaHTTPServer(("127.0.0.1", port), self._state)
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    @property
    def hits(self) -> list[Hit]:
        with self._state.lock:
            return list(self._state.hits)

    def set_state(self, state: str) -> None:
        if state not in ("first", "later"):
            raise ValueError(f"unknown replica state {state!r} (first|later)")
        self._state.prepare(state)
        self._state.state = state

    def registry(self, path: Path, bench: bool = False) -> Path:
        """Write replica/sites.yml (or the benchmark registry) with this server's origin."""
        if bench:
            entries = [{"id": "bench", "name": "基准站点", "start_urls": [f"{self.base_url}/bench/"],
                        "allowed_paths": ["/bench/"], "allow_private_network": True}]
            text = yaml.safe_dump({"sites": entries}, allow_unicode=True)
        else:
            text = REGISTRY.read_text(encoding="utf-8").replace(REGISTRY_ORIGIN, self.base_url)
        path.write_text(text, encoding="utf-8")
        return path

    def start(self) -> "Replica":
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self) -> "Replica":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start_replica(port: int = 0, state: str = "first", **kwargs: object) -> Replica:
    """Start serving in a background thread; returns the running Replica (see .base_url)."""
    return Replica(port, state, **kwargs).start()  # type: ignore[arg-type]
