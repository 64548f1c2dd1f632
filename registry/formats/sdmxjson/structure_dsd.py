"""Data structure definitions in SDMX-JSON structure 1.0 and 2.0 (write and read).

Version deltas (schema ``DataStructureComponentsType``):

* 1.0 (SDMX 2.1 model): ``dimensionList`` has ``dimensions``, ``measureDimensions`` and
  ``timeDimensions`` arrays, each dimension with a ``type``; attributes carry ``assignmentStatus``
  (Mandatory/Conditional) and an ``attributeRelationship`` of ``none``/``dimensions`` (+
  ``attachmentGroups``)/``group``/``primaryMeasure``; ``measureList`` holds exactly one
  ``primaryMeasure`` (further 3.0 measures cannot be written).
* 2.0 (SDMX 3.0 model): one ``timeDimension`` (id fixed to ``TIME_PERIOD``); no measure
  dimension, so a 2.1 measure dimension is written as a plain dimension and loses its
  concept-scheme enumeration (2.0 enumerations must be codelists); ``usage`` mandatory/optional;
  relationships ``dataflow``/``dimensions``/``group``/``observation`` (2.1 attachment groups are
  dropped); ``measureList`` holds ``measures``; attribute and measure representations carry
  ``minOccurs``/``maxOccurs``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from registry.errors import StructureError
from registry.formats.sdmxjson.structure_common import (
    Ctx,
    JsonObj,
    JsonVersion,
    put_annotations,
    read_text_format,
    text_format,
)
from registry.sdmx.model import (
    AttributeRelationship,
    Component,
    DataAttribute,
    DataStructure,
    Dimension,
    Group,
    Measure,
    Representation,
)
from registry.sdmx.refs import ArtefactType, Ref

_LISTS = (ArtefactType.CODELIST, ArtefactType.VALUE_LIST)


def _enum_allowed(v: JsonVersion, ref: Ref, role: str) -> bool:
    """2.0 enumerations must be codelists (dimensions) or codelists/value lists (others)."""
    if not v.is_20:
        return True
    return ref.type is ArtefactType.CODELIST if role == "dim" else ref.type in _LISTS


def _occurs(rep: Representation, out: JsonObj) -> None:
    """2.0 ``minOccurs``/``maxOccurs`` (-1 in the model is ``unbounded``)."""
    if rep.min_occurs is not None:
        out["minOccurs"] = rep.min_occurs
    if rep.max_occurs is not None:
        out["maxOccurs"] = "unbounded" if rep.max_occurs < 0 else rep.max_occurs


def _time_representation(v: JsonVersion, rep: Representation | None) -> JsonObj:
    tf = rep.text_format if rep is not None else None
    return {v.format_key: text_format(v, tf, time=True) if tf else {}}


def representation(ctx: Ctx, rep: Representation | None, role: str) -> JsonObj | None:
    """A local/core representation; ``role`` is dim, time, measuredim, attr, measure or concept."""
    v = ctx.v
    if role == "time":
        return _time_representation(v, rep)
    if rep is None:
        return None
    out: JsonObj = {}
    enum, tf = rep.enumeration, rep.text_format if role != "measuredim" else None
    if enum is not None and _enum_allowed(v, enum, role):
        out["enumeration"] = enum.urn
        fmt = text_format(v, tf, coded=True) if tf is not None else None
        if fmt:
            out["enumerationFormat"] = fmt
    elif tf is not None:
        simple = role == "dim" or (not v.is_20 and role in ("attr", "measure"))
        out[v.format_key] = text_format(v, tf, simple=simple)
    if v.is_20 and out and role in ("attr", "measure", "concept"):
        _occurs(rep, out)
    return out or None


def _component(ctx: Ctx, comp: Component, role: str) -> JsonObj:
    out: JsonObj = {"id": comp.id}
    put_annotations(ctx, out, comp.annotations)
    if comp.concept is not None:
        out["conceptIdentity"] = comp.concept.urn
    if comp.concept_roles and role != "time":
        out["conceptRoles"] = list(dict.fromkeys(r.urn for r in comp.concept_roles))
    rep = representation(ctx, comp.local_representation, role)
    if rep is not None:
        out["localRepresentation"] = rep
    return out


_DIM_TYPES_10 = {"time": "TimeDimension", "measure": "MeasureDimension"}


def _dimension(ctx: Ctx, d: Dimension, position: int) -> JsonObj:
    v = ctx.v
    role = {"time": "time", "measure": "measuredim"}.get(d.kind, "dim")
    o = _component(ctx, d, "dim" if v.is_20 and role == "measuredim" else role)
    if not (v.is_20 and d.kind == "time"):
        o["position"] = d.position or position
    if not v.is_20:
        o["type"] = _DIM_TYPES_10.get(d.kind, "Dimension")
    return o


def _dimensions(ctx: Ctx, dsd: DataStructure) -> JsonObj:
    """1.0: dimensions / measureDimensions / timeDimensions; 2.0: dimensions + timeDimension."""
    v = ctx.v
    out: JsonObj = {"id": "DimensionDescriptor"}
    kinds: dict[str, list[JsonObj]] = {"dimension": [], "measure": [], "time": []}
    for i, d in enumerate(dsd.dimensions, start=1):
        kind = d.kind if d.kind in kinds else "dimension"
        if v.is_20 and kind == "measure":
            kind = "dimension"  # 2.0 has no measure dimension
        kinds[kind].append(_dimension(ctx, d, i))
    if kinds["dimension"]:
        out["dimensions"] = kinds["dimension"]
    if kinds["measure"]:
        out["measureDimensions"] = kinds["measure"]
    if kinds["time"]:
        if v.is_20:
            out["timeDimension"] = kinds["time"][0]
        else:
            out["timeDimensions"] = kinds["time"]
    return out


def _relationship(v: JsonVersion, rel: AttributeRelationship, measure: str | None) -> JsonObj:
    if rel.kind == "dimensions" and rel.dimensions:
        out: JsonObj = {"dimensions": list(dict.fromkeys(rel.dimensions))}
        if rel.attachment_groups and not v.is_20:
            out["attachmentGroups"] = list(rel.attachment_groups)
        return out
    if rel.kind == "group" and rel.group:
        return {"group": rel.group}
    if rel.kind == "observation":
        if v.is_20:
            return {"observation": {}}
        return {"primaryMeasure": measure or "OBS_VALUE"}
    return {"dataflow": {}} if v.is_20 else {"none": {}}


def _attribute(ctx: Ctx, a: DataAttribute, measure: str | None) -> JsonObj:
    v = ctx.v
    out = _component(ctx, a, "attr")
    if v.is_20:
        out["usage"] = "mandatory" if a.mandatory else "optional"
        if a.measure_relationship:
            out["measureRelationship"] = list(dict.fromkeys(a.measure_relationship))
    else:
        out["assignmentStatus"] = "Mandatory" if a.mandatory else "Conditional"
    out["attributeRelationship"] = _relationship(v, a.relationship, measure)
    return out


def _measures(ctx: Ctx, dsd: DataStructure) -> JsonObj | None:
    if not dsd.measures:
        return None
    if not ctx.v.is_20:
        return {"id": "MeasureDescriptor", "primaryMeasure": _component(ctx, dsd.measures[0],
                                                                        "measure")}
    ms = []
    for m in dsd.measures:
        o = _component(ctx, m, "measure")
        o["usage"] = "mandatory" if m.mandatory else "optional"
        ms.append(o)
    return {"id": "MeasureDescriptor", "measures": ms}


def components(ctx: Ctx, dsd: DataStructure) -> JsonObj | None:
    """``dataStructureComponents``; None when 1.0 cannot express it (a DSD without a measure)."""
    measures = _measures(ctx, dsd)
    if measures is None and not ctx.v.is_20:
        return None
    out: JsonObj = {}
    if dsd.attributes:
        first = dsd.measures[0].id if dsd.measures else None
        out["attributeList"] = {"id": "AttributeDescriptor",
                                "attributes": [_attribute(ctx, a, first) for a in dsd.attributes]}
    out["dimensionList"] = _dimensions(ctx, dsd)
    if dsd.groups:
        groups = []
        for g in dsd.groups:
            o: JsonObj = {"id": g.id}
            put_annotations(ctx, o, g.annotations)
            if g.dimensions:
                o["groupDimensions"] = list(dict.fromkeys(g.dimensions))
            groups.append(o)
        out["groups"] = groups
    if measures is not None:
        out["measureList"] = measures
    return out


# --- Reading (SDMX-JSON 2.0) ----------------------------------------------------------------------

Reader = Any  # the structure reader's cursor helpers (``structure_reader._Cursor``)


def read_representation(cur: Reader, obj: Mapping[str, Any], ptr: str) -> Representation:
    """A 2.0 representation object."""
    rep = Representation()
    if "enumeration" in obj:
        rep.enumeration = cur.ref(obj["enumeration"], f"{ptr}/enumeration")
        if "enumerationFormat" in obj:
            rep.text_format = read_text_format(cur.v, cur.obj(obj["enumerationFormat"],
                                                              f"{ptr}/enumerationFormat"))
    elif cur.v.format_key in obj:
        rep.text_format = read_text_format(cur.v, cur.obj(obj[cur.v.format_key],
                                                          f"{ptr}/{cur.v.format_key}"))
    if "minOccurs" in obj:
        rep.min_occurs = obj["minOccurs"]
    if "maxOccurs" in obj:
        rep.max_occurs = -1 if obj["maxOccurs"] == "unbounded" else obj["maxOccurs"]
    return rep


def _read_component(cur: Reader, comp: Component, obj: Mapping[str, Any], ptr: str) -> None:
    if "conceptIdentity" in obj:
        comp.concept = cur.ref(obj["conceptIdentity"], f"{ptr}/conceptIdentity")
    comp.concept_roles = [cur.ref(u, f"{ptr}/conceptRoles/{i}")
                          for i, u in enumerate(cur.arr(obj, "conceptRoles", ptr))]
    if "localRepresentation" in obj:
        rp = f"{ptr}/localRepresentation"
        comp.local_representation = read_representation(cur, cur.obj(obj["localRepresentation"],
                                                                     rp), rp)
    comp.annotations = cur.annotations(obj, ptr)


def _read_relationship(cur: Reader, obj: Mapping[str, Any], ptr: str) -> AttributeRelationship:
    if "dimensions" in obj:
        return AttributeRelationship("dimensions", [cur.text(d, f"{ptr}/dimensions")
                                                    for d in cur.arr(obj, "dimensions", ptr)])
    if "group" in obj:
        return AttributeRelationship("group", group=cur.text(obj["group"], f"{ptr}/group"))
    if "observation" in obj:
        return AttributeRelationship("observation")
    return AttributeRelationship("dataset")


def read_components(cur: Reader, dsd: DataStructure, obj: Mapping[str, Any], ptr: str) -> None:
    """Fill ``dsd`` from a 2.0 ``dataStructureComponents`` object."""
    dl_ptr = f"{ptr}/dimensionList"
    dl = cur.obj(obj.get("dimensionList"), dl_ptr)
    for i, o in enumerate(cur.arr(dl, "dimensions", dl_ptr)):
        p = f"{dl_ptr}/dimensions/{i}"
        o = cur.obj(o, p)
        d = Dimension(cur.id(o, p), position=o.get("position", i + 1))
        _read_component(cur, d, o, p)
        dsd.dimensions.append(d)
    if "timeDimension" in dl:
        p = f"{dl_ptr}/timeDimension"
        o = cur.obj(dl["timeDimension"], p)
        d = Dimension(cur.id(o, p), position=len(dsd.dimensions) + 1, kind="time")
        _read_component(cur, d, o, p)
        dsd.dimensions.append(d)
    al_ptr = f"{ptr}/attributeList"
    al = cur.obj(obj.get("attributeList", {}), al_ptr)
    for i, o in enumerate(cur.arr(al, "attributes", al_ptr)):
        p = f"{al_ptr}/attributes/{i}"
        o = cur.obj(o, p)
        a = DataAttribute(cur.id(o, p), mandatory=o.get("usage") == "mandatory")
        _read_component(cur, a, o, p)
        rp = f"{p}/attributeRelationship"
        a.relationship = _read_relationship(cur, cur.obj(o.get("attributeRelationship", {}), rp),
                                            rp)
        a.measure_relationship = list(cur.arr(o, "measureRelationship", p))
        dsd.attributes.append(a)
    ml_ptr = f"{ptr}/measureList"
    ml = cur.obj(obj.get("measureList", {}), ml_ptr)
    for i, o in enumerate(cur.arr(ml, "measures", ml_ptr)):
        p = f"{ml_ptr}/measures/{i}"
        o = cur.obj(o, p)
        m = Measure(cur.id(o, p), mandatory=o.get("usage") == "mandatory")
        _read_component(cur, m, o, p)
        dsd.measures.append(m)
    for i, o in enumerate(cur.arr(obj, "groups", ptr)):
        p = f"{ptr}/groups/{i}"
        o = cur.obj(o, p)
        dsd.groups.append(Group(cur.id(o, p), list(cur.arr(o, "groupDimensions", p)),
                                cur.annotations(o, p)))


def check_dsd(dsd: DataStructure, ptr: str) -> None:
    """Reject a DSD whose attribute relationships name unknown dimensions."""
    dims = {d.id for d in dsd.dimensions}
    for i, a in enumerate(dsd.attributes):
        missing = [d for d in a.relationship.dimensions if d not in dims]
        if missing:
            raise StructureError(
                f"{ptr}/dataStructureComponents/attributeList/attributes/{i}: attribute {a.id} "
                f"relates to unknown dimension(s) {', '.join(missing)}")

