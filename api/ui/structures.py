"""Structure pages: browse and search, one page per artefact, downloads, history and differences.

Artefacts are read with ``registry.store.artefacts`` (the same store functions as the SDMX-REST
API), labels come from their multilingual names, and every page links to the API answer it mirrors.
Drafts are shown (with a badge) exactly as the public SDMX-REST API serves them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from flask import Response, abort, current_app, g, request, url_for

from api.db import get_session
from api.ui.base import bp, page
from api.ui.i18n import label
from registry.errors import InvalidReference, InvalidRequest, NotFound
from registry.sdmx import model as m
from registry.sdmx.refs import ArtefactType, Ref
from registry.store import artefacts as store

#: Types listed in the browser, in the order shown (the v1 REST resource name is the URL segment).
BROWSABLE = (
    ArtefactType.DATAFLOW,
    ArtefactType.DATA_STRUCTURE,
    ArtefactType.CODELIST,
    ArtefactType.CONCEPT_SCHEME,
    ArtefactType.HIERARCHICAL_CODELIST,
    ArtefactType.HIERARCHY,
    ArtefactType.CONTENT_CONSTRAINT,
    ArtefactType.PROVISION_AGREEMENT,
    ArtefactType.DATA_PROVIDER_SCHEME,
    ArtefactType.AGENCY_SCHEME,
    ArtefactType.CATEGORY_SCHEME,
    ArtefactType.CATEGORISATION,
    ArtefactType.STRUCTURE_SET,
    ArtefactType.STRUCTURE_MAP,
    ArtefactType.REPRESENTATION_MAP,
    ArtefactType.HIERARCHY_ASSOCIATION,
    ArtefactType.DATA_CONSUMER_SCHEME,
    ArtefactType.ORGANISATION_UNIT_SCHEME,
)

#: Structure formats offered for download: (label, format= value, Accept media type).
FORMATS = (
    ("SDMX-ML 2.1", "sdmx-ml-2.1", "application/vnd.sdmx.structure+xml;version=2.1"),
    ("SDMX-ML 3.0", "sdmx-ml-3.0", "application/vnd.sdmx.structure+xml;version=3.0.0"),
    ("SDMX-JSON 1.0", "sdmx-json-1.0", "application/vnd.sdmx.structure+json;version=1.0.0"),
    ("SDMX-JSON 2.0", "sdmx-json-2.0", "application/vnd.sdmx.structure+json;version=2.0.0"),
)


def rtype_of(name: str) -> ArtefactType:
    """The type of a URL segment (404 for unknown names)."""
    try:
        rtype = ArtefactType.from_rest(name)
    except InvalidReference:
        abort(404)
    if rtype not in BROWSABLE:
        abort(404)
    return rtype


def artefact_url(ref: Ref) -> str:
    """The page of an artefact."""
    return url_for(
        "ui.artefact",
        rtype=ref.type.rest_v1,
        agency=ref.agency,
        resource_id=ref.id,
        version=ref.version,
    )


def matches(art: m.MaintainableArtefact, q: str) -> bool:
    """True when ``q`` is in the id or in a name (any language), case-insensitive."""
    q = q.casefold()
    return q in art.id.casefold() or any(q in n.casefold() for n in art.names.values())


@bp.app_template_filter("artefact_url")
def _artefact_url_filter(ref: Ref) -> str:
    return artefact_url(ref)


@bp.get("/structures")
def structures() -> Response:
    """Every type with its number of artefacts, and a search over ids and names."""
    g.ui_active = "structures"
    session = get_session()
    counts = store.count(session)
    q = (request.args.get("q") or "").strip()[:200]
    results: list[m.MaintainableArtefact] = []
    if q:
        found = store.find(session, list(BROWSABLE))
        results = [s.artefact for s in found if matches(s.artefact, q)][:200]
    types = [(t, counts.get(t.name, 0)) for t in BROWSABLE if counts.get(t.name, 0)]
    return page("structures/index.html", types=types, q=q, results=results, title=None)


@bp.get("/structures/<rtype>")
def structure_list(rtype: str) -> Response:
    """The artefacts of one type (filtered by ``q``)."""
    g.ui_active = "structures"
    t = rtype_of(rtype)
    q = (request.args.get("q") or "").strip()[:200]
    found = [s for s in store.find(get_session(), [t]) if not q or matches(s.artefact, q)]
    return page("structures/list.html", rtype=t, found=found, q=q)


@dataclass(slots=True)
class ComponentRow:
    """A DSD component as the page shows it."""

    comp: m.Component
    kind: str
    concept: m.Item | None
    codelist: m.Codelist | None
    codelist_ref: Ref | None
    allowed: list[str] | None
    text_format: str


def text_format(tf: m.TextFormat | None) -> str:
    """A short description of a text format (``String, max 1000``)."""
    if tf is None:
        return ""
    parts = [tf.text_type or "String"]
    for name, value in (
        ("min", tf.min_length),
        ("max", tf.max_length),
        ("min value", tf.min_value),
        ("max value", tf.max_value),
        ("pattern", tf.pattern),
    ):
        if value is not None:
            parts.append(f"{name} {value}")
    return ", ".join(parts)


class Resolver:
    """Looks referenced artefacts up once per page."""

    def __init__(self) -> None:
        self.session = get_session()
        self.cache: dict[Ref, m.MaintainableArtefact | None] = {}

    def get(self, ref: Ref | None) -> m.MaintainableArtefact | None:
        if ref is None:
            return None
        key = ref.maintainable
        if key not in self.cache:
            try:
                self.cache[key] = store.resolve(self.session, key)
            except (NotFound, InvalidReference):
                self.cache[key] = None
        return self.cache[key]

    def item(self, ref: Ref | None) -> m.Item | None:
        art = self.get(ref)
        if ref is None or ref.item is None or not isinstance(art, m.ItemScheme):
            return None
        return art.item_map().get(ref.item)


def allowed_values(constraints: list[m.ContentConstraint]) -> dict[str, list[str]]:
    """Component id -> values allowed by the included cube regions of ``constraints``."""
    out: dict[str, list[str]] = {}
    for cc in constraints:
        for region in cc.cube_regions:
            if not region.include:
                continue
            for comp_id, cv in region.components.items():
                if not cv.include or not cv.values:
                    continue
                out[comp_id] = (
                    [v for v in out[comp_id] if v in cv.values]
                    if comp_id in out
                    else list(cv.values)
                )
    return out


def dsd_rows(
    dsd: m.DataStructure, res: Resolver, allowed: dict[str, list[str]]
) -> dict[str, list[ComponentRow]]:
    """The DSD's components grouped by kind, with concept, codelist and allowed values."""
    groups: dict[str, list[ComponentRow]] = {"dimensions": [], "attributes": [], "measures": []}
    for kind, comps in (
        ("dimensions", dsd.dimensions),
        ("attributes", dsd.attributes),
        ("measures", dsd.measures),
    ):
        for c in comps:
            rep = c.local_representation
            enum = rep.enumeration if rep is not None else None
            if enum is None and c.concept is not None:
                concept = res.item(c.concept)
                core = getattr(concept, "core_representation", None)
                enum = core.enumeration if core is not None else None
            cl = res.get(enum)
            groups[kind].append(
                ComponentRow(
                    c,
                    kind,
                    res.item(c.concept),
                    cl if isinstance(cl, m.Codelist) else None,
                    enum,
                    allowed.get(c.id),
                    text_format(rep.text_format if rep is not None else None),
                )
            )
    return groups


def attached_constraints(refs: list[Ref]) -> list[m.ContentConstraint]:
    """Constraints attached to any of ``refs``."""
    session = get_session()
    out: dict[Ref, m.ContentConstraint] = {}
    for ref in refs:
        for parent in store.referencing(session, ref):
            if parent.type is ArtefactType.CONTENT_CONSTRAINT and parent not in out:
                cc = store.get(session, parent)
                if isinstance(cc, m.ContentConstraint):
                    out[parent] = cc
    return list(out.values())


def tree(items: list[m.Item]) -> list[tuple[m.Item, int]]:
    """Items in hierarchical order with their depth (parents before children, order kept)."""
    by_parent: dict[str | None, list[m.Item]] = {}
    ids = {i.id for i in items}
    for i in items:
        by_parent.setdefault(i.parent if i.parent in ids else None, []).append(i)
    out: list[tuple[m.Item, int]] = []
    seen: set[str] = set()

    def walk(parent: str | None, depth: int) -> None:
        for i in by_parent.get(parent, []):
            if i.id in seen:
                continue
            seen.add(i.id)
            out.append((i, depth))
            walk(i.id, depth + 1)

    walk(None, 0)
    out.extend((i, 0) for i in items if i.id not in seen)  # cycles: shown flat
    return out


def downloads(ref: Ref) -> list[dict[str, str]]:
    """Download links of an artefact in every structure format (``format=`` and Accept)."""
    path = f"/sdmx/rest/{ref.type.rest_v1}/{ref.agency}/{ref.id}/{ref.version}"
    return [
        {
            "label": lbl,
            "url": f"{path}?format={fmt}",
            "all": f"{path}?references=all&format={fmt}",
            "accept": accept,
            "path": path,
        }
        for lbl, fmt, accept in FORMATS
    ]


def is_deprecated(item: m.Item) -> bool:
    """True when the item carries the DEPRECATED annotation (curation convention)."""
    return any(a.type == "DEPRECATED" for a in item.annotations)


@bp.get("/structures/<rtype>/<agency>/<resource_id>/<version>")
def artefact(rtype: str, agency: str, resource_id: str, version: str) -> Response:
    """One artefact: its content, references, downloads and versions."""
    g.ui_active = "structures"
    t = rtype_of(rtype)
    session = get_session()
    art = store.get(session, Ref(t, agency, resource_id, version))
    res = Resolver()
    ctx: dict[str, Any] = {
        "art": art,
        "rtype": t,
        "res": res,
        "downloads": downloads(art.ref),
        "versions": store.versions_of(session, t, agency, resource_id),
        "parents": store.referencing(session, art.ref),
        "children": store.references_of(art),
        "is_deprecated": is_deprecated,
        "text_format": text_format,
    }
    if isinstance(art, m.ItemScheme):
        q = (request.args.get("q") or "").strip()[:200]
        items = tree(art.items)
        if q:
            items = [
                (i, 0)
                for i, _d in items
                if q.casefold() in i.id.casefold()
                or any(q.casefold() in n.casefold() for n in i.names.values())
            ]
        ctx.update(items=items, q=q)
    if isinstance(art, m.DataStructure | m.Dataflow):
        dsd = art if isinstance(art, m.DataStructure) else res.get(art.structure)
        refs = [art.ref]
        flows: list[m.Dataflow] = []
        if isinstance(dsd, m.DataStructure):
            refs.append(dsd.ref)
            flows = [
                f.artefact
                for f in store.find(session, [ArtefactType.DATAFLOW])
                if isinstance(f.artefact, m.Dataflow)
                and f.artefact.structure is not None
                and f.artefact.structure.maintainable == dsd.ref
            ]
            if isinstance(art, m.DataStructure):
                refs.extend(f.ref for f in flows)
        constraints = [c for c in attached_constraints(refs) if c.role == "Allowed"]
        # Allowed values shown: those of the constraints on this artefact and on its DSD.
        own = [
            c
            for c in constraints
            if any(a.maintainable in (art.ref, getattr(dsd, "ref", None)) for a in c.attachment)
        ]
        ctx.update(
            dsd=dsd if isinstance(dsd, m.DataStructure) else None,
            flows=flows,
            constraints=constraints,
            rows=dsd_rows(dsd, res, allowed_values(own))
            if isinstance(dsd, m.DataStructure)
            else None,
        )
        if isinstance(art, m.Dataflow):
            ctx["agreements"] = [
                a.artefact
                for a in store.find(session, [ArtefactType.PROVISION_AGREEMENT])
                if isinstance(a.artefact, m.ProvisionAgreement)
                and a.artefact.dataflow is not None
                and a.artefact.dataflow.maintainable == art.ref
            ]
    return page("structures/artefact.html", **ctx)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


@bp.get("/structures/<rtype>/<agency>/<resource_id>/<version>/history")
def history(rtype: str, agency: str, resource_id: str, version: str) -> Response:
    """Every stored state of one version and the other versions, with links to differences."""
    g.ui_active = "structures"
    t = rtype_of(rtype)
    session = get_session()
    ref = Ref(t, agency, resource_id, version)
    states = store.history(session, ref)
    if not states:
        raise NotFound(f"{ref} is not in the registry")
    versions = store.versions_of(session, t, agency, resource_id)
    rows = [
        {
            "state": s,
            "since": _aware(s.valid_since).isoformat(timespec="seconds"),
            "previous": _aware(states[i - 1].valid_since).isoformat() if i else None,
            "at": _aware(s.valid_since).isoformat(),
        }
        for i, s in enumerate(states)
    ]
    return page(
        "structures/history.html",
        ref=ref,
        art=states[-1].artefact,
        rows=list(reversed(rows)),
        versions=versions,
    )


def _time(name: str) -> datetime | None:
    raw = request.args.get(name)
    if not raw:
        return None
    try:
        value = datetime.fromisoformat(raw.replace("Z", "+00:00").replace(" ", "+"))
    except ValueError:
        raise InvalidRequest(f"{name} must be an ISO 8601 date-time") from None
    return _aware(value)


def _state(ref: Ref, as_of: datetime | None) -> m.MaintainableArtefact:
    found = store.find(
        get_session(), [ref.type], [ref.agency], [ref.id], [ref.version], as_of=as_of
    )
    if not found:
        raise NotFound(
            f"{ref} is not in the registry" + (f" as of {as_of.isoformat()}" if as_of else "")
        )
    return found[-1].artefact


@bp.get("/structures/<rtype>/<agency>/<resource_id>/diff")
def diff(rtype: str, agency: str, resource_id: str) -> Response:
    """Differences between versions (``from``/``to``) or states (``fromAsOf``/``toAsOf``)."""
    from registry.curation.diff import diff as structure_diff

    g.ui_active = "structures"
    t = rtype_of(rtype)
    session = get_session()
    versions = store.versions_of(session, t, agency, resource_id)
    if not versions:
        raise NotFound(f"{t.class_name}={agency}:{resource_id} is not in the registry")
    old_v = request.args.get("from") or versions[0]
    new_v = request.args.get("to") or versions[-1]
    old = _state(Ref(t, agency, resource_id, old_v), _time("fromAsOf"))
    new = _state(Ref(t, agency, resource_id, new_v), _time("toAsOf"))
    result = structure_diff(old, new)
    api = None
    if "curation_json" in current_app.blueprints:
        params: dict[str, Any] = {"from": old_v, "to": new_v}
        params.update({k: v for k in ("fromAsOf", "toAsOf") if (v := request.args.get(k))})
        api = url_for(
            "curation_json.structure_diff",
            rtype=t.rest_v1,
            agency=agency,
            resource_id=resource_id,
            **params,
        )
    return page(
        "structures/diff.html",
        old=old,
        new=new,
        d=result,
        versions=versions,
        rtype=t,
        agency=agency,
        resource_id=resource_id,
        old_v=old_v,
        new_v=new_v,
        api=api,
        from_as_of=request.args.get("fromAsOf"),
        to_as_of=request.args.get("toAsOf"),
    )


def type_label(t: ArtefactType, plural: bool = True) -> str:
    """Translated name of an artefact type."""
    from api.ui.labels import TYPE_NAMES

    names = TYPE_NAMES.get(t)
    if names is None:
        return t.class_name
    return str(names[1] if plural else names[0])


bp.add_app_template_global(type_label, "type_label")
bp.add_app_template_global(label, "label")
