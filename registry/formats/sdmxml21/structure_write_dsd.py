"""SDMX-ML 2.1 data structure definitions and dataflows.

Conversions from the (3.0-shaped) model that 2.1 forces, documented here:

* The 2.1 schema fixes the ids ``DimensionDescriptor``, ``AttributeDescriptor``,
  ``MeasureDescriptor``, ``TIME_PERIOD`` (time dimension) and ``OBS_VALUE`` (primary measure).  The
  first measure is written as the primary measure with id ``OBS_VALUE``; further measures (SDMX 3.0)
  have no 2.1 form and are left out.
* A time dimension needs a ``TextFormat``; when the model has none, an empty one is written (the
  schema default textType is ``ObservationalTimePeriod``).
* A measure dimension needs an enumeration of a concept scheme; without one the DSD is unwritable,
  as is a DSD without dimensions or without a measure, or with a component that has no concept.
* Attributes related to measures (3.0 ``MeasureRelationship``) are attached to the primary measure.
* Groups without dimensions are left out (2.1 AttachmentConstraint groups are not modelled).
"""

from __future__ import annotations

from collections.abc import Callable

from registry.formats.sdmxml21.namespaces import STR
from registry.formats.sdmxml21.structure_write_base import (
    Element,
    Unwritable,
    facet_attrs,
    maintainable,
    sub,
    valid_id,
    write_annotations,
    write_local_ref,
    write_ref,
    write_representation,
)
from registry.sdmx.model import Component, DataAttribute, Dataflow, DataStructure, Dimension
from registry.sdmx.refs import ArtefactType

_DIM_TAGS = {"dimension": "Dimension", "time": "TimeDimension", "measure": "MeasureDimension"}
_URN_CLASSES = {
    "Dimension": "Dimension",
    "TimeDimension": "TimeDimension",
    "MeasureDimension": "MeasureDimension",
    "Attribute": "DataAttribute",
    "PrimaryMeasure": "PrimaryMeasure",
    "Group": "GroupDimensionDescriptor",
    "DimensionList": "DimensionDescriptor",
    "AttributeList": "AttributeDescriptor",
    "MeasureList": "MeasureDescriptor",
}


def _urn(dsd: DataStructure, tag: str, ident: str) -> str:
    return (
        f"urn:sdmx:org.sdmx.infomodel.datastructure.{_URN_CLASSES[tag]}="
        f"{dsd.agency}:{dsd.id}({dsd.version}).{ident}"
    )


def _start(
    parent: Element,
    dsd: DataStructure,
    tag: str,
    comp: Component,
    ident: str,
    attrs: dict[str, str] | None = None,
) -> Element:
    if comp.concept is None or comp.concept.item is None:
        raise Unwritable(f"component {comp.id} has no concept identity")
    el = sub(parent, STR, tag, {"id": ident, "urn": _urn(dsd, tag, ident), **(attrs or {})})
    write_annotations(el, comp.annotations)
    write_ref(el, "ConceptIdentity", comp.concept)
    return el


def _roles(el: Element, comp: Component) -> None:
    for role in comp.concept_roles:
        if role.item is not None and role.type is ArtefactType.CONCEPT_SCHEME:
            write_ref(el, "ConceptRole", role)


def _dimension(parent: Element, dsd: DataStructure, d: Dimension, position: int) -> None:
    tag = _DIM_TAGS.get(d.kind, "Dimension")
    ident = "TIME_PERIOD" if tag == "TimeDimension" else d.id
    if not valid_id(ident):
        raise Unwritable(f"dimension id {ident!r} is not a valid SDMX 2.1 id")
    el = _start(parent, dsd, tag, d, ident, {"position": str(d.position or position)})
    rep = d.local_representation
    if tag == "TimeDimension":
        lr = sub(el, STR, "LocalRepresentation")
        # textType defaults to ObservationalTimePeriod in the schema (TimeTextFormatType)
        sub(lr, STR, "TextFormat", facet_attrs(rep.text_format if rep else None, "time"))
        return
    if tag == "MeasureDimension":
        if (
            rep is None
            or rep.enumeration is None
            or rep.enumeration.type is not ArtefactType.CONCEPT_SCHEME
        ):
            raise Unwritable(f"measure dimension {d.id} needs a concept scheme enumeration")
        lr = sub(el, STR, "LocalRepresentation")
        write_ref(lr, "Enumeration", rep.enumeration.maintainable)
    else:
        write_representation(el, "LocalRepresentation", rep, "component")
    _roles(el, d)


def _relationship(el: Element, a: DataAttribute, groups: set[str]) -> None:
    rel = sub(el, STR, "AttributeRelationship")
    r = a.relationship
    if r.kind == "dimensions" and r.dimensions:
        for dim in r.dimensions:
            write_local_ref(rel, "Dimension", dim)
        for g in r.attachment_groups:
            if g in groups:
                write_local_ref(rel, "AttachmentGroup", g)
    elif r.kind == "group" and r.group in groups:
        write_local_ref(rel, "Group", r.group)
    elif r.kind == "observation" or a.measure_relationship:
        write_local_ref(rel, "PrimaryMeasure", "OBS_VALUE")
    else:
        sub(rel, STR, "None")


def _components(el: Element, dsd: DataStructure) -> None:
    if not dsd.dimensions:
        raise Unwritable("a 2.1 DSD needs at least one dimension")
    if not dsd.measures:
        raise Unwritable("a 2.1 DSD needs a primary measure")
    comps = sub(el, STR, "DataStructureComponents")
    dl = sub(
        comps,
        STR,
        "DimensionList",
        {"id": "DimensionDescriptor", "urn": _urn(dsd, "DimensionList", "DimensionDescriptor")},
    )
    for i, d in enumerate(dsd.dimensions, start=1):
        _dimension(dl, dsd, d, i)
    groups: set[str] = set()
    for g in dsd.groups:
        if not g.dimensions or not valid_id(g.id):
            continue
        groups.add(g.id)
        gel = sub(comps, STR, "Group", {"id": g.id, "urn": _urn(dsd, "Group", g.id)})
        write_annotations(gel, g.annotations)
        for dim in g.dimensions:
            gd = sub(gel, STR, "GroupDimension")
            write_local_ref(gd, "DimensionReference", dim)
    if dsd.attributes:
        al = sub(
            comps,
            STR,
            "AttributeList",
            {"id": "AttributeDescriptor", "urn": _urn(dsd, "AttributeList", "AttributeDescriptor")},
        )
        for a in dsd.attributes:
            if not valid_id(a.id):
                raise Unwritable(f"attribute id {a.id!r} is not a valid SDMX 2.1 id")
            status = "Mandatory" if a.mandatory else "Conditional"
            ael = _start(al, dsd, "Attribute", a, a.id, {"assignmentStatus": status})
            write_representation(ael, "LocalRepresentation", a.local_representation, "component")
            _roles(ael, a)
            _relationship(ael, a, groups)
    ml = sub(
        comps,
        STR,
        "MeasureList",
        {"id": "MeasureDescriptor", "urn": _urn(dsd, "MeasureList", "MeasureDescriptor")},
    )
    measure = dsd.measures[0]
    mel = _start(ml, dsd, "PrimaryMeasure", measure, "OBS_VALUE")
    write_representation(mel, "LocalRepresentation", measure.local_representation, "component")


def write_data_structure(dsd: DataStructure, detail: str, structure_url: str | None) -> Element:
    """A ``str:DataStructure``."""
    el = maintainable("DataStructure", dsd, detail, structure_url)
    if detail == "full":
        _components(el, dsd)
    return el


def write_dataflow(flow: Dataflow, detail: str, structure_url: str | None) -> Element:
    """A ``str:Dataflow``."""
    el = maintainable("Dataflow", flow, detail, structure_url)
    if (
        detail == "full"
        and flow.structure is not None
        and flow.structure.type is ArtefactType.DATA_STRUCTURE
    ):
        write_ref(el, "Structure", flow.structure)
    return el


WRITERS: dict[ArtefactType, Callable[..., Element]] = {
    ArtefactType.DATA_STRUCTURE: write_data_structure,
    ArtefactType.DATAFLOW: write_dataflow,
}
