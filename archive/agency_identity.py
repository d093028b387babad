"""Whose report it is when the report prints only part of the name.

County sites print "农业农村局" or "我局" and short forms ("永丰工业园区" for 永丰县工业园区管理委员会).
A bare name is placed with the site's region (the registry's `region`, else the site's own name,
else the report's 联系方式 address) and matched to the registry's agencies of the site; a name
that cannot be placed is kept as printed but marked unresolved on its agency row, never passed off
as a known agency. Hand-written: the suffix and self-reference vocabulary is Chinese government
usage no library covers; places come from parsers.metadata.find_region (cpca's gazetteer).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from parsers.agency import normalize_agency
from parsers.metadata import agency_from_title, find_region

# "our bureau": a report speaking of itself, not naming itself
SELF_REFERENCES = frozenset({"我局", "本局", "我委", "本委", "我办", "本办", "本机关", "我机关",
                             "我单位", "本单位", "我中心", "本中心", "我院", "本院", "我县", "本县"})
# a body's name with or without its formal tail: 永丰县工业园区 = 永丰县工业园区管理委员会
_OPTIONAL_SUFFIXES = ("管理委员会",)  # after normalisation (管委会 -> 管理委员会)
_PLACE_LEVEL = re.compile(r"[省市县区旗州盟]")
UNRESOLVED = "unresolved"


@dataclass(frozen=True)
class Identity:
    name: str | None  # the name to file the report under; None: no agency at all
    how: str  # printed | registry | region:<place> from <source> | unresolved: <why>
    region: dict | None = None  # province/city/county when the place came from context

    @property
    def unresolved(self) -> bool:
        return self.how.startswith(UNRESOLVED)


@dataclass(frozen=True)
class Context:
    """What the site and the capture say about whose report it is."""
    registry: tuple[str, ...] = ()  # the site's registry agencies
    site_region: str | None = None
    site_name: str | None = None
    contact_address: str | None = None
    link_text: str | None = None
    hint: str | None = None  # the registry agency the link's title names


def resolve(printed: str | None, names_place: bool, context: Context) -> Identity:
    """The agency a printed name stands for, and how that was decided."""
    if not printed or normalize_agency(printed) in SELF_REFERENCES:
        return _speaking_of_itself(context)
    registered = registry_match(printed, context.registry)
    if registered:
        return Identity(registered, "registry")
    if names_place:
        return Identity(printed, "printed")
    if context.hint:
        return Identity(context.hint, "registry")
    for source, text in (("registry region", context.site_region), ("site name", context.site_name),
                         ("contact address", context.contact_address)):
        region = find_region(text)
        place = region.county or region.city or region.province
        # free text must print the place in full: cpca reads 开平市 into "政务公开平台"
        if place and (source == "registry region" or place in (text or "")):
            placed = place + normalize_agency(printed)
            return Identity(registry_match(placed, context.registry) or placed,
                            f"region:{place} from {source}", vars(region))
    return Identity(printed, f"{UNRESOLVED}: bare name, the site names no region")


def _speaking_of_itself(context: Context) -> Identity:
    """"我局": the link's title names the agency, else the site's only registry agency."""
    named = agency_from_title(context.link_text)
    if named and normalize_agency(named) not in SELF_REFERENCES:
        return Identity(named, "link text", vars(find_region(named)))
    if len(context.registry) == 1:
        return Identity(context.registry[0], "registry")
    if context.hint:
        return Identity(context.hint, "registry")
    return Identity(None, f"{UNRESOLVED}: the report names itself only as 我局/本机关")


def registry_match(printed: str, registry: tuple[str, ...]) -> str | None:
    """The registry agency a name is a form of: the same body once abbreviations, the optional
    管理委员会 tail and the place level (县/市/区) are set aside; a bare name matches the one
    agency whose name ends with it. The longest of several equal forms wins."""
    key = _key(printed)
    if not key:
        return None
    same = [r for r in registry if _key(r) == key]
    if same:
        return max(same, key=len)
    ending = [r for r in registry if _key(r).endswith(key) and not names_a_place(printed)]
    return ending[0] if len(ending) == 1 else None


def names_a_place(name: str) -> bool:
    region = find_region(name)
    return bool(region.province or region.city or region.county)


def _key(name: str) -> str:
    text = normalize_agency(name)
    for suffix in _OPTIONAL_SUFFIXES:
        if text.endswith(suffix) and len(text) > len(suffix) + 2:
            text = text[:-len(suffix)]
    return _PLACE_LEVEL.sub("", text)
