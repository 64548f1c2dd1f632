"""SDMX-JSON structure message writers, 1.0.0 and 2.0.0 (``StructureWriterJson10``/``…20``).

One encoder, two ``JsonVersion`` profiles (``structure_common``).  Artefacts are dispatched by a
table keyed on ``ArtefactType``; each entry yields ``(data key, object)`` pairs, so one model
artefact may become zero, one or several JSON artefacts when a version lacks its type:

======================  ==========================================  =============================
model type              SDMX-JSON 1.0                               SDMX-JSON 2.0
======================  ==========================================  =============================
ContentConstraint       ``contentConstraints`` (``type``)           ``dataConstraints`` (``role``);
                                                                    one attachment kind, ≤ 2 cube
                                                                    regions (schema limits)
HierarchicalCodelist    ``hierarchicalCodelists``                   one ``hierarchies`` entry per
                                                                    hierarchy: id = HCL id when it
                                                                    has one hierarchy, else
                                                                    ``{HCL}_{hierarchy}``
Hierarchy               ``hierarchicalCodelists`` with one          ``hierarchies``
                        hierarchy of the same id
StructureSet            ``structureSets`` (codelist maps)           each codelist map becomes a
                                                                    ``representationMaps`` entry
                                                                    (id = map id); related
                                                                    structures are dropped
HierarchyAssociation,   skipped: 1.0 has no equivalent (1.0         written
RepresentationMap,      structure maps nest inside structure sets
StructureMap            and name components by URN, which a 3.0
                        map does not carry)
======================  ==========================================  =============================

``detail``: ``stub`` writes identification, names, ``isExternalReference: true`` and a ``self`` link
whose ``href`` is the structure URL; ``completestub`` adds descriptions and annotations; neither
writes items or components.  Every artefact carries a ``self`` link with its URN (recommended by the
field guide); 2.0 URNs use the 3.0 class names (``DataConstraint``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from typing import ClassVar

from registry.formats.sdmxjson.structure_common import (
    ITEM_KEYS,
    V10,
    V20,
    Ctx,
    JsonObj,
    JsonVersion,
    contacts,
    date_time,
    put_annotations,
)
from registry.formats.sdmxjson.structure_dsd import components, representation
from registry.formats.sdmxjson.structure_parts import (
    constraint_body,
    hierarchy_body,
    representation_map_body,
    structure_map_body,
    urn,
)
from registry.formats.structure_base import MessageHeader, WriteItem
from registry.sdmx.mediatypes import MediaType
from registry.sdmx.model import (
    Categorisation,
    Category,
    Concept,
    Dataflow,
    HierarchicalCodelist,
    Hierarchy,
    HierarchyAssociation,
    Item,
    ItemScheme,
    MaintainableArtefact,
    Organisation,
    ProvisionAgreement,
    RepresentationMap,
    StructureSet,
    ValueMapping,
)
from registry.sdmx.refs import ArtefactType

Encoded = Iterator[tuple[str, JsonObj]]
_T = ArtefactType


def head(ctx: Ctx, a: MaintainableArtefact, detail: str, url: str | None) -> JsonObj:
    """Identification, names, flags and links common to every maintainable."""
    out: JsonObj = {"id": a.id, "version": a.version, "agencyID": a.agency}
    ctx.put_text(out, "name", "names", a.names)
    out.setdefault("name", a.id)
    if detail != "stub":
        ctx.put_text(out, "description", "descriptions", a.descriptions)
        put_annotations(ctx, out, a.annotations)
    out["isExternalReference"] = detail != "full" or a.is_external_reference
    if ctx.v.writes_is_final:
        out["isFinal"] = a.is_final
    if a.valid_from:
        out["validFrom"] = date_time(a.valid_from)
    if a.valid_to:
        out["validTo"] = date_time(a.valid_to)
    link: JsonObj = {"rel": "self", "urn": urn(ctx.v, a.ref)}
    href = url or a.structure_url
    if href:
        link["href"] = href
    if a.uri:
        link["uri"] = a.uri
    out["links"] = [link]
    if a.service_url:
        out["links"].append({"rel": "service", "href": a.service_url})
    return out


# --- Item schemes ---------------------------------------------------------------------------------


def _item(ctx: Ctx, scheme: ItemScheme, it: Item) -> JsonObj:
    out: JsonObj = {"id": it.id}
    ctx.put_text(out, "name", "names", it.names)
    out.setdefault("name", it.id)
    ctx.put_text(out, "description", "descriptions", it.descriptions)
    put_annotations(ctx, out, it.annotations)
    if it.parent and scheme.type is not _T.CATEGORY_SCHEME:
        # 1.0 concepts name their parent by URN, everything else by id.
        is_urn = scheme.type is _T.CONCEPT_SCHEME and not ctx.v.is_20
        out["parent"] = scheme.ref.with_item(it.parent).urn if is_urn else it.parent
    if isinstance(it, Organisation) and it.contacts:
        out["contacts"] = contacts(ctx, it.contacts)
    if isinstance(it, Concept):
        _concept_extras(ctx, it, out)
    return out


def _concept_extras(ctx: Ctx, c: Concept, out: JsonObj) -> None:
    rep = representation(ctx, c.core_representation, "concept")
    if rep is not None:
        out["coreRepresentation"] = rep
    if not c.iso_concept:
        return
    if not ctx.v.is_20:
        out["isoConceptReference"] = c.iso_concept
        return
    m = re.match(r"^urn:sdmx:org\.sdmx\.infomodel\.conceptscheme\.Concept=([^:]+):([^(]+)\([^)]*\)"
                 r"\.(.+)$", c.iso_concept)
    if m:
        out["isoConceptReference"] = {"conceptAgency": m[1], "conceptSchemeID": m[2],
                                      "conceptID": m[3]}


def _categories(ctx: Ctx, scheme: ItemScheme) -> list[JsonObj]:
    """Categories nest: children are written inside their parent's ``categories``."""
    encoded = {c.id: _item(ctx, scheme, c) for c in scheme.items}
    top: list[JsonObj] = []
    for c in scheme.items:
        parent = encoded.get(c.parent) if isinstance(c, Category) and c.parent else None
        (parent.setdefault("categories", []) if parent is not None else top).append(encoded[c.id])
    return top


def _item_scheme(ctx: Ctx, s: MaintainableArtefact, detail: str, url: str | None) -> Encoded:
    assert isinstance(s, ItemScheme)  # noqa: S101 - dispatch table guarantees it
    out = head(ctx, s, detail, url)
    if s.is_partial:
        out["isPartial"] = True
    if detail == "full" and s.items:
        if s.type is _T.CATEGORY_SCHEME:
            out["categories"] = _categories(ctx, s)
        else:
            out[ITEM_KEYS[s.type]] = [_item(ctx, s, it) for it in s.items]
    extends = getattr(s, "extends", None)
    if detail == "full" and extends and ctx.v.is_20:
        out["codelistExtensions"] = [{"codelist": r.urn} for r in extends]
    yield ctx.v.data_keys[s.type], out


# --- Other artefacts ------------------------------------------------------------------------------


def _dsd(ctx: Ctx, a: MaintainableArtefact, detail: str, url: str | None) -> Encoded:
    out = head(ctx, a, detail, url)
    if detail == "full":
        comps = components(ctx, a)  # type: ignore[arg-type]
        if comps is not None:
            out["dataStructureComponents"] = comps
    yield ctx.v.data_keys[a.type], out


def _simple(
    fields: Callable[[JsonVersion, MaintainableArtefact], JsonObj], always: bool = False,
) -> Callable[[Ctx, MaintainableArtefact, str, str | None], Encoded]:
    """An encoder adding ``fields(version, artefact)`` to the head (in stubs too if ``always``)."""

    def encode(ctx: Ctx, a: MaintainableArtefact, detail: str, url: str | None) -> Encoded:
        out = head(ctx, a, detail, url)
        if detail == "full" or always:
            out.update(fields(ctx.v, a))
        yield ctx.v.data_keys[a.type], out

    return encode


def _dataflow_fields(v: JsonVersion, a: MaintainableArtefact) -> JsonObj:
    assert isinstance(a, Dataflow)  # noqa: S101
    return {"structure": urn(v, a.structure)} if a.structure else {}


def _categorisation_fields(v: JsonVersion, a: MaintainableArtefact) -> JsonObj:
    assert isinstance(a, Categorisation)  # noqa: S101
    out: JsonObj = {}
    if a.source is not None:
        out["source"] = urn(v, a.source)
    if a.target is not None:
        out["target"] = urn(v, a.target)
    return out


def _pa_fields(v: JsonVersion, a: MaintainableArtefact) -> JsonObj:
    assert isinstance(a, ProvisionAgreement)  # noqa: S101
    out: JsonObj = {}
    if a.dataflow is not None:
        out["dataflow" if v.is_20 else "structureUsage"] = urn(v, a.dataflow)
    if a.provider is not None:
        out["dataProvider"] = urn(v, a.provider)
    return out


def _association_fields(v: JsonVersion, a: MaintainableArtefact) -> JsonObj:
    assert isinstance(a, HierarchyAssociation)  # noqa: S101
    refs = (("linkedHierarchy", a.linked_hierarchy), ("linkedObject", a.linked_object),
            ("contextObject", a.context_object))
    return {k: urn(v, r) for k, r in refs if r is not None}


def _constraint(ctx: Ctx, a: MaintainableArtefact, detail: str, url: str | None) -> Encoded:
    out = head(ctx, a, detail, url)
    if detail == "full":
        out.update(constraint_body(ctx, a))  # type: ignore[arg-type]
    yield ctx.v.data_keys[a.type], out


def _hierarchy(ctx: Ctx, a: MaintainableArtefact, detail: str, url: str | None) -> Encoded:
    assert isinstance(a, Hierarchy)  # noqa: S101
    if not ctx.v.is_20:
        hcl = HierarchicalCodelist(
            a.agency, a.id, a.version, dict(a.names), dict(a.descriptions), list(a.annotations),
            a.is_final, a.is_external_reference, a.structure_url, a.service_url, a.uri,
            a.valid_from, a.valid_to, hierarchies=[a])
        yield from _hcl(ctx, hcl, detail, url)
        return
    out = head(ctx, a, detail, url)
    if detail == "full":
        out.update(hierarchy_body(ctx, a))
    yield "hierarchies", out


def _hcl(ctx: Ctx, a: MaintainableArtefact, detail: str, url: str | None) -> Encoded:
    assert isinstance(a, HierarchicalCodelist)  # noqa: S101
    if ctx.v.is_20:
        single = len(a.hierarchies) == 1
        for h in a.hierarchies:
            yield from _hierarchy(ctx, Hierarchy(
                a.agency, a.id if single else f"{a.id}_{h.id}", a.version, dict(h.names or a.names),
                dict(a.descriptions), list(h.annotations or a.annotations), a.is_final,
                a.is_external_reference, None, a.service_url, a.uri, a.valid_from, a.valid_to,
                h.has_formal_levels, h.levels, h.codes), detail, url)
        return
    out = head(ctx, a, detail, url)
    if detail == "full" and a.hierarchies:
        hs = []
        for h in a.hierarchies:
            o: JsonObj = {"id": h.id}
            ctx.put_text(o, "name", "names", h.names or a.names)
            o.setdefault("name", h.id)
            put_annotations(ctx, o, h.annotations)
            o.update(hierarchy_body(ctx, h))
            hs.append(o)
        out["hierarchies"] = hs
    yield "hierarchicalCodelists", out


def _structure_set(ctx: Ctx, a: MaintainableArtefact, detail: str, url: str | None) -> Encoded:
    assert isinstance(a, StructureSet)  # noqa: S101
    if ctx.v.is_20:
        for cm in a.codelist_maps:
            rm = RepresentationMap(
                a.agency, cm.id, a.version, dict(cm.names or a.names), is_final=a.is_final,
                sources=[cm.source], targets=[cm.target],
                mappings=[ValueMapping([s], [t]) for s, t in cm.code_maps])
            yield from _map(ctx, rm, detail, None)
        return
    out = head(ctx, a, detail, url)
    if detail == "full":
        if a.related_structures:
            out["relatedStructures"] = [r.urn for r in a.related_structures]
        maps = []
        for cm in a.codelist_maps:
            if not cm.code_maps:
                continue
            o: JsonObj = {"id": cm.id}
            ctx.put_text(o, "name", "names", cm.names)
            o.setdefault("name", cm.id)
            o.update(source=cm.source.urn, target=cm.target.urn, codeMaps=[
                {"source": cm.source.with_item(s).urn, "target": cm.target.with_item(t).urn}
                for s, t in cm.code_maps])
            maps.append(o)
        if maps:
            out["codelistMaps"] = maps
    yield "structureSets", out


def _map(ctx: Ctx, a: MaintainableArtefact, detail: str, url: str | None) -> Encoded:
    """Representation and structure maps (2.0 only; see the module docstring for 1.0)."""
    if not ctx.v.is_20:
        return
    out = head(ctx, a, detail, url)
    if detail == "full":
        body = (representation_map_body if a.type is _T.REPRESENTATION_MAP
                else structure_map_body)
        out.update(body(ctx, a))
    yield ctx.v.data_keys[a.type], out


def _association(ctx: Ctx, a: MaintainableArtefact, detail: str, url: str | None) -> Encoded:
    if ctx.v.is_20:
        yield from _simple(_association_fields)(ctx, a, detail, url)


_Encoder = Callable[[Ctx, MaintainableArtefact, str, str | None], Encoded]

#: Encoder of each stored type (both versions; encoders branch on ``ctx.v`` where they differ).
ENCODERS: dict[ArtefactType, _Encoder] = {
    **{t: _item_scheme for t in ITEM_KEYS},
    _T.DATA_STRUCTURE: _dsd,
    _T.DATAFLOW: _simple(_dataflow_fields),
    _T.CATEGORISATION: _simple(_categorisation_fields),
    # 1.0 requires both references of a provision agreement, even in stubs.
    _T.PROVISION_AGREEMENT: _simple(_pa_fields, always=True),
    _T.CONTENT_CONSTRAINT: _constraint,
    _T.HIERARCHY: _hierarchy,
    _T.HIERARCHICAL_CODELIST: _hcl,
    _T.HIERARCHY_ASSOCIATION: _association,
    _T.STRUCTURE_SET: _structure_set,
    _T.REPRESENTATION_MAP: _map,
    _T.STRUCTURE_MAP: _map,
}


def _message_id(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_@$-]", "_", text) or "IDAC"


class _StructureWriterJson:
    """Shared implementation; subclasses only choose the version profile."""

    name: ClassVar[str]
    media_type: ClassVar[MediaType]
    version: ClassVar[JsonVersion]

    def encode(self, items: Sequence[WriteItem], header: MessageHeader) -> JsonObj:
        """The message as a JSON-ready dict (``write`` serialises it)."""
        ctx = Ctx(self.version, tuple(header.langs) or ("en",))
        data: dict[str, list[JsonObj]] = {}
        for item in items:
            encoder = ENCODERS.get(item.artefact.type)
            if encoder is None:
                continue
            for key, obj in encoder(ctx, item.artefact, item.detail, item.structure_url):
                data.setdefault(key, []).append(obj)
        prepared = header.prepared or datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        meta: JsonObj = {
            "schema": self.version.schema_url,
            "id": _message_id(header.id),
            "test": header.test,
            "prepared": date_time(prepared),
            "contentLanguages": ctx.content_languages(),
            "sender": {"id": _message_id(header.sender)},
        }
        return {"meta": meta, "data": data}

    def write(self, items: Sequence[WriteItem], header: MessageHeader) -> bytes:
        """Encode the artefacts as one compact UTF-8 SDMX-JSON structure message."""
        msg = self.encode(items, header)
        return json.dumps(msg, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class StructureWriterJson10(_StructureWriterJson):
    """SDMX-JSON structure message 1.0.0 (SDMX 2.1 information model)."""

    name: ClassVar[str] = "sdmx-json-structure-1.0"
    media_type: ClassVar[MediaType] = MediaType.STRUCTURE_JSON_10
    version: ClassVar[JsonVersion] = V10


class StructureWriterJson20(_StructureWriterJson):
    """SDMX-JSON structure message 2.0.0 (SDMX 3.0 information model)."""

    name: ClassVar[str] = "sdmx-json-structure-2.0"
    media_type: ClassVar[MediaType] = MediaType.STRUCTURE_JSON_20
    version: ClassVar[JsonVersion] = V20


__all__ = ["StructureWriterJson10", "StructureWriterJson20"]
