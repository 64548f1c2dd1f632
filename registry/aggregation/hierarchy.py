"""Regions and their member countries, read from the IDAC hierarchical codelists.

Membership is never taken from code parents in CL_AREA (a code has one parent, BHS is in UNICEF_LAC but
not in UNICEF_LACRO): it comes from ``IDAC:HCL_M49`` and ``IDAC:HCL_AREA_GROUPS`` (DOMAIN.md §5 and
§7.5).  A region's *members* are the leaf codes below its node, at any depth (LAC = Central America +
South America + Caribbean = 52 areas).  A hierarchical code's ``valid_from``/``valid_to`` restrict its
membership to the periods it overlaps, so a country that joins a group later is counted only from then.

``WORLD`` is not aggregated by default: HCL_M49 holds only the Americas below it, so a "world" sum would
be an Americas sum under a misleading name.

Functions for the data API:

* ``expand_region(session, code)`` — the member country codes of a region (empty when the code is not a
  region), to turn ``REF_AREA=UNSDG_CENTRALAMR`` into the eight countries of DF_IDAC_CORE;
* ``split_areas(session, codes)`` — (country codes, region codes) of a REF_AREA selection, so the data
  API can answer the region codes from DF_IDAC_REGIONAL (the stored aggregates) and the rest from the
  national flow.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from registry.errors import NotFound
from registry.sdmx.model import HierarchicalCode, HierarchicalCodelist, Hierarchy
from registry.sdmx.refs import ArtefactType, Ref
from registry.store import artefacts as store

#: The hierarchical codelists that define the IDAC regions.
AREA_HCLS: tuple[Ref, ...] = (
    Ref(ArtefactType.HIERARCHICAL_CODELIST, "IDAC", "HCL_M49", "1.0"),
    Ref(ArtefactType.HIERARCHICAL_CODELIST, "IDAC", "HCL_AREA_GROUPS", "1.0"),
)
#: Regions aggregated by default (WORLD excluded, see the module docstring).
DEFAULT_REGIONS: tuple[str, ...] = (
    "UNSDG_CENTRALAMR",
    "UNSDG_SOUTHAMR",
    "UNSDG_CARIBBEAN",
    "UNSDG_LAC",
    "UNSDG_NORTHERNAMR",
    "UNSDG_AMERICAS",
    "UNICEF_LAC",
    "UNICEF_LACRO",
    "IDAC_LA6",
)


@dataclass(frozen=True, slots=True)
class Member:
    """A member country of a region, with the validity of its membership (ISO dates or None)."""

    code: str
    valid_from: str | None = None
    valid_to: str | None = None

    def member_during(self, start: str, end: str) -> bool:
        """Whether the membership overlaps the period ``[start, end]`` (``YYYY-MM-DD``)."""
        if self.valid_from is not None and self.valid_from[:10] > end:
            return False
        return not (self.valid_to is not None and self.valid_to[:10] < start)


@dataclass(frozen=True, slots=True)
class Region:
    """A region: its code, where it is defined, and its member countries (leaf codes)."""

    code: str
    hierarchy: str
    members: tuple[Member, ...]

    def member_codes(self, start: str | None = None, end: str | None = None) -> tuple[str, ...]:
        """Member codes, restricted to the memberships overlapping ``[start, end]`` when given."""
        if start is None or end is None:
            return tuple(m.code for m in self.members)
        return tuple(m.code for m in self.members if m.member_during(start, end))


def _leaves(node: HierarchicalCode, inherited: tuple[str | None, str | None]) -> list[Member]:
    lo = max((v for v in (inherited[0], node.valid_from) if v), default=None)
    hi = min((v for v in (inherited[1], node.valid_to) if v), default=None)
    if not node.children:
        return [Member(node.code.item or node.id, lo, hi)]
    out: list[Member] = []
    for child in node.children:
        out.extend(_leaves(child, (lo, hi)))
    return out


def regions_of_hierarchy(hierarchy: Hierarchy, hcl_id: str) -> dict[str, Region]:
    """Every inner node of a hierarchy as a region."""
    out: dict[str, Region] = {}
    for node, _parent in hierarchy.walk():
        if node.children:
            code = node.code.item or node.id
            members = _leaves(node, (None, None))
            seen: dict[str, Member] = {}
            for m in members:
                seen.setdefault(m.code, m)
            out[code] = Region(
                code, f"{hcl_id}.{hierarchy.id}", tuple(sorted(seen.values(), key=lambda m: m.code))
            )
    return out


def load_regions(session: Session, hcls: Sequence[Ref] = AREA_HCLS) -> dict[str, Region]:
    """All regions defined by the area HCLs in the store (a code defined twice: the first HCL wins)."""
    out: dict[str, Region] = {}
    for ref in hcls:
        try:
            hcl = store.resolve(session, ref)
        except NotFound:
            continue
        hierarchies = (
            hcl.hierarchies
            if isinstance(hcl, HierarchicalCodelist)
            else ([hcl] if isinstance(hcl, Hierarchy) else [])
        )
        for h in hierarchies:
            for code, region in regions_of_hierarchy(h, ref.id).items():
                out.setdefault(code, region)
    return out


def expand_region(
    session: Session, code: str, regions: Mapping[str, Region] | None = None
) -> list[str]:
    """The member country codes of region ``code`` (sorted); ``[]`` when ``code`` is not a region.

    This is the function the data API calls to answer ``REF_AREA=<region>`` from national data;
    ``regions`` (``load_regions``) may be passed by a caller that already has them.
    """
    region = (regions if regions is not None else load_regions(session)).get(code)
    return list(region.member_codes()) if region is not None else []


def split_areas(session: Session, codes: Iterable[str]) -> tuple[list[str], list[str]]:
    """(country codes, region codes) of a REF_AREA selection: regions are answered by DF_IDAC_REGIONAL."""
    regions = load_regions(session)
    countries: list[str] = []
    found: list[str] = []
    for c in codes:
        (found if c in regions else countries).append(c)
    return countries, found
