"""SDMX-ML 2.1 data structure definitions and dataflows (SDMXStructureDataStructure.xsd).

Mapping to the model:

* ``Dimension``/``TimeDimension``/``MeasureDimension`` -> :class:`Dimension` with ``kind``
  ``dimension``/``time``/``measure``; ``position`` is the ``position`` attribute, else the 1-based
  order. A MeasureDimension's enumeration references a concept scheme.
* ``AttributeRelationship``: ``None`` -> ``dataset``; ``Dimension``+``AttachmentGroup`` ->
  ``dimensions``; ``Group`` -> ``group``; ``PrimaryMeasure`` -> ``observation``.
* ``ReportingYearStartDay`` is read as an ordinary attribute.
* A ``Group`` defined by an ``AttachmentConstraint`` (rather than dimensions) keeps its id, no
  dimensions.
"""

from __future__ import annotations

from registry.formats.sdmxml21.namespaces import STR, q
from registry.formats.sdmxml21.structure_read_base import (
    Element,
    UnsupportedReference,
    as_int,
    error,
    local,
    local_id,
    maintainable_attrs,
    read_annotations,
    read_ref,
    representation,
    require_id,
)
from registry.sdmx.model import (
    AttributeRelationship,
    Component,
    DataAttribute,
    Dataflow,
    DataStructure,
    Dimension,
    Group,
    Measure,
)
from registry.sdmx.refs import ArtefactType, Ref

CONCEPT_IDENTITY = q(STR, "ConceptIdentity")
LOCAL_REP = q(STR, "LocalRepresentation")
CONCEPT_ROLE = q(STR, "ConceptRole")

_DIMENSION_KINDS = {
    "Dimension": "dimension",
    "TimeDimension": "time",
    "MeasureDimension": "measure",
}


def _concept(el: Element) -> Ref | None:
    ci = el.find(CONCEPT_IDENTITY)
    if ci is None:
        return None
    try:
        return read_ref(ci, ArtefactType.CONCEPT_SCHEME, item=True)
    except UnsupportedReference as exc:
        raise error(ci, f"ConceptIdentity references an unsupported class {exc}") from None


def _roles(el: Element) -> list[Ref]:
    out = []
    for r in el:
        if r.tag == CONCEPT_ROLE:
            try:
                out.append(read_ref(r, ArtefactType.CONCEPT_SCHEME, item=True))
            except UnsupportedReference as exc:
                raise error(r, f"ConceptRole references an unsupported class {exc}") from None
    return out


#: Components whose id the 2.1 schema fixes (and so may be omitted in the document).
_FIXED_IDS = {
    "TimeDimension": "TIME_PERIOD",
    "PrimaryMeasure": "OBS_VALUE",
    "ReportingYearStartDay": "REPORTING_YEAR_START_DAY",
}


def _component(
    el: Element, cls: type[Component], enum_type: ArtefactType = ArtefactType.CODELIST
) -> Component:
    fixed = _FIXED_IDS.get(local(el))
    return cls(
        id=(el.get("id") or fixed) if fixed else require_id(el),
        concept=_concept(el),
        local_representation=representation(el.find(LOCAL_REP), enum_type),
        concept_roles=_roles(el),
        annotations=read_annotations(el),
    )


def _relationship(el: Element | None) -> AttributeRelationship:
    rel = AttributeRelationship()
    if el is None:
        return rel
    for child in el:
        name = local(child)
        if name == "None":
            rel.kind = "dataset"
        elif name == "Dimension":
            rel.kind = "dimensions"
            rel.dimensions.append(local_id(child))
        elif name == "AttachmentGroup":
            rel.attachment_groups.append(local_id(child))
        elif name == "Group":
            rel.kind = "group"
            rel.group = local_id(child)
        elif name == "PrimaryMeasure":
            rel.kind = "observation"
    return rel


def _dimensions(dsd: DataStructure, part: Element) -> None:
    for d in part:
        kind = _DIMENSION_KINDS.get(local(d))
        if kind is None:
            continue
        enum = ArtefactType.CONCEPT_SCHEME if kind == "measure" else ArtefactType.CODELIST
        dim = _component(d, Dimension, enum)
        assert isinstance(dim, Dimension)
        dim.kind = kind
        dim.position = as_int(d, "position") or len(dsd.dimensions) + 1
        dsd.dimensions.append(dim)


def _group(dsd: DataStructure, part: Element) -> None:
    group = Group(id=require_id(part), annotations=read_annotations(part))
    for gd in part:
        if gd.tag == q(STR, "GroupDimension"):
            ref = gd.find(q(STR, "DimensionReference"))
            if ref is None:
                raise error(gd, "GroupDimension without DimensionReference")
            group.dimensions.append(local_id(ref))
    dsd.groups.append(group)


def _attributes(dsd: DataStructure, part: Element) -> None:
    for a in part:
        if local(a) not in ("Attribute", "ReportingYearStartDay"):
            continue
        attr = _component(a, DataAttribute)
        assert isinstance(attr, DataAttribute)
        attr.mandatory = a.get("assignmentStatus") == "Mandatory"
        attr.relationship = _relationship(a.find(q(STR, "AttributeRelationship")))
        dsd.attributes.append(attr)


def _measures(dsd: DataStructure, part: Element) -> None:
    for m in part:
        if local(m) == "PrimaryMeasure":
            dsd.measures.append(_component(m, Measure))  # type: ignore[arg-type]


_PARTS = {
    "DimensionList": _dimensions,
    "Group": _group,
    "AttributeList": _attributes,
    "MeasureList": _measures,
}


def read_data_structure(el: Element) -> DataStructure:
    """A ``str:DataStructure``."""
    dsd = DataStructure(**maintainable_attrs(el))
    comps = el.find(q(STR, "DataStructureComponents"))
    for part in comps if comps is not None else ():
        reader = _PARTS.get(local(part))
        if reader is not None:
            reader(dsd, part)
    return dsd


def read_dataflow(el: Element) -> Dataflow:
    """A ``str:Dataflow``."""
    flow = Dataflow(**maintainable_attrs(el))
    structure = el.find(q(STR, "Structure"))
    if structure is not None:
        try:
            flow.structure = read_ref(structure, ArtefactType.DATA_STRUCTURE)
        except UnsupportedReference as exc:
            raise error(
                structure, f"Dataflow structure references an unsupported class {exc}"
            ) from None
    return flow
