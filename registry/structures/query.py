"""Structure queries: which artefacts answer a query, with ``references`` and ``detail`` applied.

Semantics follow SDMX-REST (v1.5 section 4.3, v2 ``doc/structures.md``):

* ``references``: ``none``; ``parents`` (artefacts that reference a match); ``parentsandsiblings``
  (parents and everything the parents reference); ``ancestors`` (parents, recursively); ``children``
  (what a match references); ``descendants`` (children, recursively); ``all`` (parentsandsiblings and
  descendants); or a resource name (the artefacts of that type among ancestors and descendants).
* ``detail``: ``full``; ``allstubs``/``allcompletestubs`` (everything as stubs/complete stubs);
  ``referencestubs``/``referencecompletestubs`` (matches in full, references as stubs);
  ``referencepartial`` (referenced item schemes restricted to the items the matches use, taking
  allowed content constraints into account); ``raw`` (as stored: this registry does not resolve
  codelist extensions, so it equals ``full``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from registry.errors import InvalidRequest, NotFound
from registry.formats.structure_base import WriteItem
from registry.sdmx.model import (
    ContentConstraint,
    DataStructure,
    Dataflow,
    HierarchicalCodelist,
    ItemScheme,
    MaintainableArtefact,
    ProvisionAgreement,
)
from registry.sdmx.refs import ArtefactType, Ref
from registry.store import artefacts as store

DETAILS = (
    "full", "allstubs", "referencestubs", "allcompletestubs", "referencecompletestubs", "referencepartial", "raw",
)
REFERENCE_KEYWORDS = ("none", "parents", "parentsandsiblings", "ancestors", "children", "descendants", "all")

#: Resource names that SDMX-REST allows in ``references`` but that this registry never holds.
_NOT_HELD = frozenset({
    "metadatastructure", "metadataflow", "reportingtaxonomy", "process", "attachmentconstraint",
    "metadataconstraint", "transformationscheme", "rulesetscheme", "userdefinedoperatorscheme",
    "customtypescheme", "namepersonalisationscheme", "namealiasscheme", "vtlmappingscheme",
    "conceptschememap", "categoryschememap", "organisationschememap", "reportingtaxonomymap",
    "metadataproviderscheme", "metadataprovisionagreement", "conceptschemes",
})
_ORG_SCHEMES = frozenset({
    ArtefactType.AGENCY_SCHEME, ArtefactType.DATA_PROVIDER_SCHEME, ArtefactType.DATA_CONSUMER_SCHEME,
    ArtefactType.ORGANISATION_UNIT_SCHEME,
})


def types_for_reference(name: str) -> frozenset[ArtefactType]:
    """The stored types a ``references=<resource>`` value selects (empty for types never held)."""
    if name in _NOT_HELD:
        return frozenset()
    if name == "organisationscheme":
        return _ORG_SCHEMES
    if name in ("actualconstraint", "allowedconstraint"):
        return frozenset({ArtefactType.CONTENT_CONSTRAINT})
    return frozenset({ArtefactType.from_rest(name)})  # raises InvalidReference (400) for unknown names


@dataclass(slots=True)
class StructureQuery:
    """A parsed structure query.  ``None`` lists mean "all"."""

    types: list[ArtefactType]
    agencies: list[str] | None = None
    ids: list[str] | None = None
    versions: list[str] = field(default_factory=lambda: ["+"])
    items: list[str] | None = None
    detail: str = "full"
    references: list[str] = field(default_factory=lambda: ["none"])
    as_of: datetime | None = None
    #: False for readers who may only see final artefacts (drafts are then neither matched nor
    #: returned as references, so their existence does not leak).
    include_drafts: bool = True
    #: Agencies whose non-final artefacts every reader may see (``*`` for all).
    public_draft_agencies: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.detail not in DETAILS:
            raise InvalidRequest(f"Invalid detail {self.detail!r}; expected one of {', '.join(DETAILS)}")
        for r in self.references:
            if r not in REFERENCE_KEYWORDS:
                types_for_reference(r)


class _Graph:
    """Reference-graph walks over the current store, memoised for one query."""

    def __init__(
        self, session: Session, as_of: datetime | None, final_only: bool = False, public: tuple[str, ...] = ()
    ) -> None:
        self.session = session
        self.as_of = as_of
        self.final_only = final_only
        self.public = public
        self._cache: dict[Ref, MaintainableArtefact | None] = {}

    def get(self, ref: Ref) -> MaintainableArtefact | None:
        if ref not in self._cache:
            found = store.find(self.session, [ref.type], [ref.agency], [ref.id], [ref.version], as_of=self.as_of,
                               final_only=self.final_only, public_draft_agencies=self.public)
            self._cache[ref] = found[0].artefact if found else None
        return self._cache[ref]

    def children(self, art: MaintainableArtefact) -> list[MaintainableArtefact]:
        out = []
        for ref in store.references_of(art):
            child = self.get(ref)
            if child is not None:
                out.append(child)
        return out

    def parents(self, art: MaintainableArtefact) -> list[MaintainableArtefact]:
        out = []
        for ref in store.referencing(self.session, art.ref):
            parent = self.get(ref)
            if parent is not None and parent.ref != art.ref:
                out.append(parent)
        return out

    def closure(self, start: Iterable[MaintainableArtefact], step: str) -> list[MaintainableArtefact]:
        seen: dict[Ref, MaintainableArtefact] = {}
        frontier = list(start)
        while frontier:
            nxt = []
            for art in frontier:
                for other in getattr(self, step)(art):
                    if other.ref not in seen:
                        seen[other.ref] = other
                        nxt.append(other)
            frontier = nxt
        return list(seen.values())


def _related(graph: _Graph, matches: list[MaintainableArtefact], references: Sequence[str]) -> list[MaintainableArtefact]:
    out: dict[Ref, MaintainableArtefact] = {}

    def add(arts: Iterable[MaintainableArtefact]) -> None:
        for a in arts:
            out.setdefault(a.ref, a)

    for kind in references:
        if kind == "none":
            continue
        if kind == "parents":
            add(p for m in matches for p in graph.parents(m))
        elif kind == "parentsandsiblings" or kind == "all":
            parents = [p for m in matches for p in graph.parents(m)]
            add(parents)
            add(c for p in parents for c in graph.children(p))
            if kind == "all":
                add(graph.closure(matches, "children"))
        elif kind == "ancestors":
            add(graph.closure(matches, "parents"))
        elif kind == "children":
            add(c for m in matches for c in graph.children(m))
        elif kind == "descendants":
            add(graph.closure(matches, "children"))
        else:
            wanted = types_for_reference(kind)
            if wanted:
                add(a for a in graph.closure(matches, "children") if a.type in wanted)
                add(a for a in graph.closure(matches, "parents") if a.type in wanted)
    own = {m.ref for m in matches}
    return [a for ref, a in out.items() if ref not in own]


def _restrict_items(scheme: ItemScheme, keep: set[str]) -> ItemScheme:
    items = [i for i in scheme.items if i.id in keep]
    return dataclasses.replace(scheme, items=items, is_partial=True)


def _used_items(matches: list[MaintainableArtefact], graph: _Graph) -> dict[Ref, set[str]]:
    """Items of referenced item schemes used by the matches (for ``referencepartial``)."""
    used: dict[Ref, set[str]] = {}
    dsds: list[tuple[DataStructure, list[ContentConstraint]]] = []
    for m in matches:
        constraints = [
            p for p in graph.parents(m) if isinstance(p, ContentConstraint) and p.role == "Allowed"
        ]
        if isinstance(m, DataStructure):
            dsds.append((m, constraints))
        elif isinstance(m, Dataflow | ProvisionAgreement):
            flow = m if isinstance(m, Dataflow) else graph.get(m.dataflow) if m.dataflow else None
            if isinstance(flow, Dataflow) and flow.structure is not None:
                dsd = graph.get(flow.structure)
                if isinstance(dsd, DataStructure):
                    more = [p for p in graph.parents(flow) if isinstance(p, ContentConstraint) and p.role == "Allowed"]
                    dsds.append((dsd, constraints + more))
    for dsd, constraints in dsds:
        allowed: dict[str, set[str]] = {}
        for c in constraints:
            for region in c.cube_regions:
                if not region.include:
                    continue
                for comp_id, values in region.components.items():
                    if values.include and values.values:
                        allowed.setdefault(comp_id, set()).update(values.values)
        for comp in (*dsd.dimensions, *dsd.attributes, *dsd.measures):
            if comp.concept is not None and comp.concept.item:
                used.setdefault(comp.concept.maintainable, set()).add(comp.concept.item)
            rep = comp.local_representation
            if rep is not None and rep.enumeration is not None and comp.id in allowed:
                used.setdefault(rep.enumeration.maintainable, set()).update(allowed[comp.id])
    return used


def execute(session: Session, query: StructureQuery, *, structure_url: str | None = None) -> list[WriteItem]:
    """Run a query; ``NotFound`` when nothing matches.  ``structure_url`` formats stub URLs."""
    found = store.find(session, query.types, query.agencies, query.ids, query.versions, as_of=query.as_of,
                       final_only=not query.include_drafts, public_draft_agencies=query.public_draft_agencies)
    matches = [f.artefact for f in found]
    if query.items is not None and "*" not in query.items:
        wanted = set(query.items)
        restricted = []
        for m in matches:
            if isinstance(m, ItemScheme):
                sub = _restrict_items(m, wanted)
                if sub.items:
                    restricted.append(sub)
            elif isinstance(m, HierarchicalCodelist):
                # The items of an HCL (SDMX-REST v1 item queries) are its hierarchies.
                hierarchies = [h for h in m.hierarchies if h.id in wanted]
                if hierarchies:
                    restricted.append(dataclasses.replace(m, hierarchies=hierarchies))
        matches = restricted
    if not matches:
        raise NotFound("No structures match the query")
    graph = _Graph(session, query.as_of, final_only=not query.include_drafts, public=query.public_draft_agencies)
    related = _related(graph, matches, query.references)
    detail = query.detail
    match_detail = {"allstubs": "stub", "allcompletestubs": "completestub"}.get(detail, "full")
    ref_detail = {
        "allstubs": "stub", "referencestubs": "stub", "allcompletestubs": "completestub",
        "referencecompletestubs": "completestub",
    }.get(detail, "full")
    if detail == "referencepartial":
        used = _used_items(matches, graph)
        related = [
            _restrict_items(a, used[a.ref]) if isinstance(a, ItemScheme) and used.get(a.ref) else a
            for a in related
        ]

    def url(a: MaintainableArtefact) -> str | None:
        if structure_url is None:
            return None
        return structure_url.format(type=a.type.rest_v1, agency=a.agency, id=a.id, version=a.version)

    items = [WriteItem(a, match_detail, url(a)) for a in matches]
    items.extend(WriteItem(a, ref_detail, url(a)) for a in related)
    return items
