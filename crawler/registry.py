"""The site registry (YAML): which sites to crawl and the hints that steer the crawl.

Minimal entry: id, name, start_urls. Optional: agencies [{name, kind, since}], cms, report_column,
allowed_paths, region, allow_private_network.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import yaml

DEFAULT_SITES = Path(__file__).with_name("sites.yml")


class RegistryError(ValueError):
    """The registry file is unreadable or an entry is malformed (message names the entry)."""


@dataclass
class Site:
    id: str
    name: str
    start_urls: list[str]
    agencies: list[dict] = field(default_factory=list)
    cms: str | None = None
    report_column: str | None = None
    allowed_paths: list[str] = field(default_factory=list)
    region: str | None = None
    allow_private_network: bool = False

    @property
    def domains(self) -> set[str]:
        urls = [*self.start_urls, *([self.report_column] if self.report_column else [])]
        return {urlsplit(u).hostname or "" for u in urls}

    @property
    def entry_urls(self) -> list[str]:
        return [*self.start_urls, *([self.report_column] if self.report_column else [])]

    def owns(self, url: str) -> bool:
        """Whether a link belongs to this site: its hosts and, if given, its allowed paths."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or parts.hostname not in self.domains:
            return False
        return not self.allowed_paths or any(parts.path.startswith(p) for p in self.allowed_paths)

    def agency_for(self, title: str) -> str | None:
        """The registry agency a report title names; the only one if the site has just one."""
        names = [a["name"] for a in self.agencies]
        named = [n for n in names if n in title]
        if named:
            return max(named, key=len)
        return names[0] if len(names) == 1 else None

    def to_archive(self) -> dict:
        """The entry as the archive's register_sites() takes it."""
        return {"id": self.id, "name": self.name, "start_urls": self.start_urls,
                "base_url": self.start_urls[0], "region": self.region, "cms": self.cms,
                "agencies": self.agencies}


def _site(entry: object, index: int) -> Site:
    if not isinstance(entry, dict):
        raise RegistryError(f"entry {index}: expected a mapping, got {type(entry).__name__}")
    missing = [k for k in ("id", "name", "start_urls") if not entry.get(k)]
    if missing:
        raise RegistryError(f"entry {entry.get('id', index)}: missing {', '.join(missing)}")
    known = set(Site.__dataclass_fields__)
    unknown = set(entry) - known
    if unknown:
        raise RegistryError(f"entry {entry['id']}: unknown keys {', '.join(sorted(unknown))}")
    urls = entry["start_urls"]
    entry = {**entry, "start_urls": [urls] if isinstance(urls, str) else list(urls)}
    for url in entry["start_urls"]:
        if urlsplit(url).scheme not in ("http", "https"):
            raise RegistryError(f"entry {entry['id']}: start URL {url!r} is not http(s)")
    for agency in entry.get("agencies") or []:
        if not isinstance(agency, dict) or not agency.get("name"):
            raise RegistryError(f"entry {entry['id']}: every agency needs a name")
    return Site(**entry)


def load_sites(path: str | Path = DEFAULT_SITES, only: list[str] | None = None) -> list[Site]:
    """Read a registry file; `only` keeps the listed ids (an unknown id is an error)."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise RegistryError(f"{path}: {exc}") from exc
    entries = data.get("sites") if isinstance(data, dict) else data
    if not isinstance(entries, list):
        raise RegistryError(f"{path}: expected a list of sites (or a 'sites:' key)")
    sites = [_site(e, i) for i, e in enumerate(entries)]
    ids = [s.id for s in sites]
    if len(set(ids)) != len(ids):
        raise RegistryError(f"{path}: duplicate site ids")
    if only:
        unknown = set(only) - set(ids)
        if unknown:
            raise RegistryError(f"{path}: no site with id {', '.join(sorted(unknown))}")
        sites = [s for s in sites if s.id in only]
    return sites
