"""Bodies of constraints, hierarchies and maps in SDMX-JSON structure 1.0/2.0 (writing).

Version deltas, following the two schemas:

* Constraints — 1.0 ``ContentConstraintType``: ``type``, cube regions with ``isIncluded``,
  ``keyValues`` (dimensions) and ``attributes``, each value set with ``values`` and
  ``cascadeValues`` string arrays; any mix of attachments.  2.0 ``DataConstraintType``: ``role``,
  cube regions with ``include``, ``keyValues``/``components`` whose ``values`` are strings or
  ``{"value", "cascadeValues"}`` objects, a per-component ``include``, at most two cube regions, and
  exactly one attachment kind (``oneOf``).  Extra regions / attachment kinds are dropped in 2.0.
* Hierarchical codes — 1.0 names the code by URN plus ``codeID``; 2.0 by URN with an optional
  ``level`` id.  Levels nest (``level.level``) in both.
"""

from __future__ import annotations

from typing import Any

from registry.formats.sdmxjson.structure_common import (
    Ctx,
    JsonObj,
    JsonVersion,
    date_time,
    put_annotations,
)
from registry.sdmx.model import (
    ComponentValues,
    ContentConstraint,
    CubeRegion,
    HierarchicalCode,
    Hierarchy,
    HierarchyLevel,
    MaintainableArtefact,
    RepresentationMap,
    StructureMap,
)
from registry.sdmx.refs import ArtefactType, Ref

_T = ArtefactType


def urn(v: JsonVersion, ref: Ref) -> str:
    """A reference as a URN; 2.0 uses the SDMX 3.0 class ``DataConstraint``."""
    text = ref.urn
    if v.is_20 and ref.type is _T.CONTENT_CONSTRAINT:
        text = text.replace(".ContentConstraint=", ".DataConstraint=", 1)
    return text


# --- Constraints ----------------------------------------------------------------------------------

#: Attachment property per referenced type; ``dataProvider`` holds one URN, the others arrays.
_ATTACH = {
    _T.DATA_PROVIDER_SCHEME: "dataProvider", _T.DATA_STRUCTURE: "dataStructures",
    _T.DATAFLOW: "dataflows", _T.PROVISION_AGREEMENT: "provisionAgreements",
}


def _attachment(v: JsonVersion, refs: list[Ref]) -> JsonObj:
    out: JsonObj = {}
    for ref in refs:
        key = _ATTACH.get(ref.type)
        if key is None or (v.is_20 and out and key not in out):
            continue
        if key == "dataProvider":
            out.setdefault(key, urn(v, ref))
        elif urn(v, ref) not in out.setdefault(key, []):
            out[key].append(urn(v, ref))
    return out


def _time_range(cv: ComponentValues) -> JsonObj | None:
    start = {"period": cv.start_period, "isInclusive": cv.start_inclusive}
    end = {"period": cv.end_period, "isInclusive": cv.end_inclusive}
    if cv.start_period and cv.end_period:
        return {"startPeriod": start, "endPeriod": end}
    if cv.start_period:
        return {"afterPeriod": start}
    if cv.end_period:
        return {"beforePeriod": end}
    return None


def _value_set(v: JsonVersion, cid: str, cv: ComponentValues) -> JsonObj:
    out: JsonObj = {"id": cid}
    time_range = _time_range(cv)
    if v.is_20:
        out["include"] = cv.include
        if time_range is not None:
            out["timeRange"] = time_range
        elif cv.values:
            # Object form even without cascade: the schema allows bare strings, but pysdmx
            # (and the FMR it mirrors) only reads ``{"value": …}``.
            out["values"] = [{"value": x, "cascadeValues": True} if cv.cascade else {"value": x}
                             for x in cv.values]
        return out
    if time_range is not None:
        out["timeRange"] = time_range
    if cv.values:
        out["values"] = list(cv.values)
        if cv.cascade:
            out["cascadeValues"] = list(cv.values)
    return out


def _cube_region(ctx: Ctx, region: CubeRegion) -> JsonObj:
    v = ctx.v
    out: JsonObj = {"include" if v.is_20 else "isIncluded": region.include}
    keys = [_value_set(v, c, cv) for c, cv in region.components.items() if not cv.is_attribute]
    attrs = [_value_set(v, c, cv) for c, cv in region.components.items() if cv.is_attribute]
    if keys:
        out["keyValues"] = keys
    if attrs:
        out["components" if v.is_20 else "attributes"] = attrs
    return out


def constraint_body(ctx: Ctx, c: ContentConstraint) -> JsonObj:
    """Role/type, attachment, cube regions and key sets of a constraint."""
    v = ctx.v
    out: JsonObj = {"role" if v.is_20 else "type": c.role if c.role in ("Allowed", "Actual")
                    else "Allowed"}
    attachment = _attachment(v, c.attachment)
    if attachment:
        out["constraintAttachment"] = attachment
    regions = c.cube_regions[:2] if v.is_20 else c.cube_regions
    if regions:
        out["cubeRegions"] = [_cube_region(ctx, r) for r in regions]
    key_sets = []
    for ks in c.key_sets:
        keys = [{"keyValues": [{"id": k, "value": x} for k, x in key.values.items()]}
                for key in ks.keys if key.values]
        if keys:
            key_sets.append({"isIncluded": ks.include, "keys": keys})
    if key_sets:
        out["dataKeySets"] = key_sets
    return out


# --- Hierarchies ----------------------------------------------------------------------------------


def _levels(ctx: Ctx, levels: list[HierarchyLevel]) -> JsonObj | None:
    nested: JsonObj | None = None
    for level in reversed(levels):
        o: JsonObj = {"id": level.id}
        ctx.put_text(o, "name", "names", level.names)
        o.setdefault("name", level.id)
        if nested is not None:
            o["level"] = nested
        nested = o
    return nested


def _hcode(ctx: Ctx, node: HierarchicalCode) -> JsonObj:
    out: JsonObj = {"id": node.id}
    put_annotations(ctx, out, node.annotations)
    out["code"] = node.code.urn
    if not ctx.v.is_20 and node.code.item:
        out["codeID"] = node.code.item
    if node.valid_from:
        out["validFrom"] = date_time(node.valid_from)
    if node.valid_to:
        out["validTo"] = date_time(node.valid_to)
    if node.level and ctx.v.is_20:
        out["level"] = node.level
    if node.children:
        out["hierarchicalCodes"] = [_hcode(ctx, c) for c in node.children]
    return out


def hierarchy_body(ctx: Ctx, h: Hierarchy) -> JsonObj:
    """Formal levels and hierarchical codes (2.0 ``HierarchyType`` / 1.0 HCL ``HierarchyType``)."""
    out: JsonObj = {"hasFormalLevels" if ctx.v.is_20 else "leveled": h.has_formal_levels}
    level = _levels(ctx, h.levels)
    if level is not None:
        out["level"] = level
    if h.codes:
        out["hierarchicalCodes"] = [_hcode(ctx, c) for c in h.codes]
    return out


# --- Maps (2.0) -----------------------------------------------------------------------------------


def _map_ends(refs: list[Ref | None], types: list[str | None]) -> list[JsonObj]:
    out: list[JsonObj] = []
    for i, ref in enumerate(refs):
        if ref is not None:
            out.append({"codelist": ref.urn})
        else:
            out.append({"dataType": (types[i] if i < len(types) else None) or "String"})
    return out


def representation_map_body(ctx: Ctx, a: MaintainableArtefact) -> JsonObj:
    """Sources, targets and value mappings of a representation map."""
    assert isinstance(a, RepresentationMap)  # noqa: S101
    out: JsonObj = {}
    if a.sources:
        out["source"] = _map_ends(a.sources, a.source_types)
    if a.targets:
        out["target"] = _map_ends(a.targets, a.target_types)
    mappings = []
    for m in a.mappings:
        o: dict[str, Any] = {"sourceValues": [
            {"value": x, "isRegEx": True} if i < len(m.source_is_regex) and m.source_is_regex[i]
            else {"value": x} for i, x in enumerate(m.source)]}
        if m.target:
            o["targetValues"] = list(m.target)
        if m.valid_from:
            o["validFrom"] = date_time(m.valid_from)
        if m.valid_to:
            o["validTo"] = date_time(m.valid_to)
        mappings.append(o)
    if mappings:
        out["representationMappings"] = mappings
    return out


def structure_map_body(ctx: Ctx, a: MaintainableArtefact) -> JsonObj:
    """Source, target, component maps and fixed values of a structure map."""
    assert isinstance(a, StructureMap)  # noqa: S101
    out: JsonObj = {}
    if a.source is not None:
        out["source"] = a.source.urn
    if a.target is not None:
        out["target"] = a.target.urn
    cmaps = []
    for cm in a.component_maps:
        o: JsonObj = {"source": list(cm.source), "target": list(cm.target)}
        if cm.representation_map is not None:
            o["representationMap"] = cm.representation_map.urn
        cmaps.append(o)
    if cmaps:
        out["componentMaps"] = cmaps
    if a.fixed_values:
        out["fixedValueMaps"] = [
            {"source" if f.role == "source" else "target": f.component, "values": [f.value]}
            for f in a.fixed_values]
    return out
