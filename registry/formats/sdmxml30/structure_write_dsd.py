"""Writer of SDMX-ML 3.0 data structures and of representations (TextFormat, Enumeration).

SDMX 2.1 facts spelled differently in 3.0 (SDMX 3.0 Section 3A, ``SDMXStructureDataStructure.xsd``):

* PrimaryMeasure -> ``MeasureList/Measure``; ``assignmentStatus`` -> ``usage="mandatory|optional"``
  (3.0 has a ``usage`` attribute on Attribute and Measure; ``minOccurs``/``maxOccurs`` live on the
  LocalRepresentation and mean the number of values, not mandatoriness).
* AttributeRelationship ``None`` -> ``Dataflow``, ``PrimaryMeasure`` -> ``Observation``; 2.1
  ``AttachmentGroup`` under a dimension relationship has no 3.0 counterpart and is dropped.
* A 2.1 MeasureDimension becomes a plain ``Dimension``; its concept-scheme enumeration cannot be a
  3.0 dimension representation and is dropped.
* The TimeDimension's id is fixed to ``TIME_PERIOD`` and it must have a TextFormat (an empty one,
  meaning the schema default ``ObservationalTimePeriod``, when the model has none or a non-time
  type).
* TextFormat facets are filtered per context: dimensions take ``SimpleDataType`` without
  ``isMultiLingual``; attributes, measures and concepts allow XHTML; ``EnumerationFormat`` takes
  ``CodeDataType`` with integer facets and no ``decimals``.  A text type with no 3.0 equivalent (2.1
  ``AttachmentConstraintReference``) is left out (3.0 default ``String``).
"""

from __future__ import annotations

from registry.formats.sdmxml30.structure_tags import urn30
from registry.formats.sdmxml30.structure_write_base import (
    DECIMAL,
    DURATION,
    INTEGER,
    TIME_PERIOD,
    Ctx,
    Element,
    annotations,
    boolean,
    maintainable,
    ref_el,
    ref_urn,
    st,
)
from registry.sdmx.datatypes import TIME_TYPES
from registry.sdmx.model import (
    Component,
    DataAttribute,
    DataStructure,
    Dimension,
    Measure,
    Representation,
    TextFormat,
)
from registry.sdmx.refs import ArtefactType

_ALL_TYPES = frozenset(
    [
        "String",
        "Alpha",
        "AlphaNumeric",
        "Numeric",
        "BigInteger",
        "Integer",
        "Long",
        "Short",
        "Decimal",
        "Float",
        "Double",
        "Boolean",
        "URI",
        "Count",
        "InclusiveValueRange",
        "ExclusiveValueRange",
        "Incremental",
        "ObservationalTimePeriod",
        "StandardTimePeriod",
        "BasicTimePeriod",
        "GregorianTimePeriod",
        "GregorianYear",
        "GregorianYearMonth",
        "GregorianDay",
        "ReportingTimePeriod",
        "ReportingYear",
        "ReportingSemester",
        "ReportingTrimester",
        "ReportingQuarter",
        "ReportingMonth",
        "ReportingWeek",
        "ReportingDay",
        "DateTime",
        "TimeRange",
        "Month",
        "MonthDay",
        "Day",
        "Time",
        "Duration",
        "GeospatialInformation",
        "XHTML",
        "KeyValues",
        "IdentifiableReference",
        "DataSetReference",
    ]
)
_TIME_TYPES = TIME_TYPES
_SIMPLE_TYPES = _ALL_TYPES - {"XHTML", "KeyValues", "IdentifiableReference", "DataSetReference"}
_BASIC_TYPES = _SIMPLE_TYPES | {"XHTML"}
_CODE_TYPES = _SIMPLE_TYPES - {
    "Decimal",
    "Float",
    "Double",
    "DateTime",
    "TimeRange",
    "Time",
    "GeospatialInformation",
}
#: Every 3.0 ``common:DataType`` (RepresentationMap source/target data types).
DATA_TYPES = _ALL_TYPES

#: context -> (allowed text types, numeric facet pattern, decimals allowed, multilingual allowed)
_CONTEXTS = {
    "simple": (_SIMPLE_TYPES, DECIMAL, True, False),
    "basic": (_BASIC_TYPES, DECIMAL, True, True),
    "coded": (_CODE_TYPES, INTEGER, False, False),
}


def _positive(value: int | None) -> str | None:
    return str(value) if value is not None and value > 0 else None


def _checked(value: str | None, pattern: object) -> str | None:
    return value if value is not None and pattern.match(value.strip()) else None  # type: ignore[attr-defined]


def text_format(parent: Element, tag: str, tf: TextFormat, context: str) -> Element:
    """A TextFormat/EnumerationFormat restricted to what ``context`` allows."""
    if context == "time":
        return st(
            parent,
            tag,
            # the schema default is ObservationalTimePeriod; a non-time type is left to it
            textType=tf.text_type if tf.text_type in _TIME_TYPES else None,
            startTime=_checked(tf.start_time, TIME_PERIOD),
            endTime=_checked(tf.end_time, TIME_PERIOD),
        )
    types, numeric, decimals_ok, multilingual_ok = _CONTEXTS[context]
    return st(
        parent,
        tag,
        textType=tf.text_type if tf.text_type in types else None,
        isSequence=boolean(tf.is_sequence) if tf.is_sequence is not None else None,
        interval=_checked(tf.interval, numeric),
        startValue=_checked(tf.start_value, numeric),
        endValue=_checked(tf.end_value, numeric),
        timeInterval=_checked(tf.time_interval, DURATION),
        startTime=_checked(tf.start_time, TIME_PERIOD),
        endTime=_checked(tf.end_time, TIME_PERIOD),
        minLength=_positive(tf.min_length),
        maxLength=_positive(tf.max_length),
        minValue=_checked(tf.min_value, numeric),
        maxValue=_checked(tf.max_value, numeric),
        decimals=_positive(tf.decimals) if decimals_ok else None,
        pattern=tf.pattern,
        isMultiLingual=boolean(tf.is_multilingual)
        if multilingual_ok and tf.is_multilingual is not None
        else None,
    )


def representation(
    parent: Element,
    tag: str,
    rep: Representation | None,
    context: str,
    *,
    occurs: bool = False,
    value_lists: bool = True,
) -> None:
    """A LocalRepresentation/CoreRepresentation; nothing when 3.0 cannot express ``rep``."""
    if context == "time":
        el = st(parent, tag)
        text_format(el, "TextFormat", (rep.text_format if rep else None) or TextFormat(), "time")
        return
    if rep is None:
        return
    allowed = (
        {ArtefactType.CODELIST, ArtefactType.VALUE_LIST} if value_lists else {ArtefactType.CODELIST}
    )
    enum = (
        rep.enumeration if rep.enumeration is not None and rep.enumeration.type in allowed else None
    )
    if enum is None and rep.text_format is None:
        return
    el = st(parent, tag)
    if occurs:
        if rep.min_occurs is not None and rep.min_occurs >= 0:
            el.set("minOccurs", str(rep.min_occurs))
        if rep.max_occurs == -1:
            el.set("maxOccurs", "unbounded")
        elif rep.max_occurs is not None and rep.max_occurs >= 1:
            el.set("maxOccurs", str(rep.max_occurs))
    if enum is not None:
        st(el, "Enumeration", urn30(enum.maintainable))
        if rep.text_format is not None:
            text_format(el, "EnumerationFormat", rep.text_format, "coded")
    else:
        text_format(el, "TextFormat", rep.text_format, context)  # type: ignore[arg-type]


# --- data structure -------------------------------------------------------------------------------


def _component(
    parent: Element,
    tag: str,
    comp: Component,
    dsd: DataStructure,
    urn_class: str,
    **attrs: str | None,
) -> Element | None:
    concept = ref_urn(comp.concept)
    if concept is None:
        return None  # ConceptIdentity is mandatory in 3.0
    cid = "TIME_PERIOD" if tag == "TimeDimension" else comp.id
    el = st(
        parent,
        tag,
        id=cid,
        urn=f"urn:sdmx:org.sdmx.infomodel.datastructure.{urn_class}={dsd.agency}:{dsd.id}({dsd.version}).{cid}",
        **attrs,
    )
    annotations(el, comp.annotations)
    st(el, "ConceptIdentity", concept)
    return el


def _roles(el: Element, comp: Component) -> None:
    for role in comp.concept_roles:
        if role.type is ArtefactType.CONCEPT_SCHEME and role.item is not None:
            ref_el(el, "ConceptRole", role)


def _dimension(parent: Element, dim: Dimension, dsd: DataStructure, index: int) -> None:
    if dim.kind == "time":
        el = _component(parent, "TimeDimension", dim, dsd, "TimeDimension")
        if el is not None:
            representation(el, "LocalRepresentation", dim.local_representation, "time")
        return
    el = _component(parent, "Dimension", dim, dsd, "Dimension", position=str(dim.position or index))
    if el is not None:
        representation(
            el, "LocalRepresentation", dim.local_representation, "simple", value_lists=False
        )
        _roles(el, dim)


def _attribute(parent: Element, att: DataAttribute, dsd: DataStructure) -> None:
    el = _component(
        parent,
        "Attribute",
        att,
        dsd,
        "DataAttribute",
        usage="mandatory" if att.mandatory else "optional",
    )
    if el is None:
        return
    representation(el, "LocalRepresentation", att.local_representation, "basic", occurs=True)
    _roles(el, att)
    rel = st(el, "AttributeRelationship")
    r = att.relationship
    if r.kind == "observation":
        st(rel, "Observation")
    elif r.kind == "group" and r.group:
        st(rel, "Group", r.group)
    elif r.kind == "dimensions" and r.dimensions:
        for d in r.dimensions:
            st(rel, "Dimension", d)
    else:
        st(rel, "Dataflow")
    if att.measure_relationship:
        mrel = st(el, "MeasureRelationship")
        for m in att.measure_relationship:
            st(mrel, "Measure", m)


def _measure(parent: Element, measure: Measure, dsd: DataStructure) -> None:
    el = _component(
        parent,
        "Measure",
        measure,
        dsd,
        "Measure",
        usage="mandatory" if measure.mandatory else "optional",
    )
    if el is not None:
        representation(
            el, "LocalRepresentation", measure.local_representation, "basic", occurs=True
        )
        _roles(el, measure)


def _component_list(comps: Element, tag: str, descriptor: str, dsd: DataStructure) -> Element:
    return st(
        comps,
        tag,
        id=descriptor,
        urn=f"urn:sdmx:org.sdmx.infomodel.datastructure.{descriptor}="
        f"{dsd.agency}:{dsd.id}({dsd.version}).{descriptor}",
    )


def _groups(comps: Element, dsd: DataStructure) -> None:
    for g in dsd.groups:
        if not g.dimensions:
            continue  # a 3.0 Group needs at least one GroupDimension
        urn = (
            "urn:sdmx:org.sdmx.infomodel.datastructure.GroupDimensionDescriptor="
            f"{dsd.agency}:{dsd.id}({dsd.version}).{g.id}"
        )
        gel = st(comps, "Group", id=g.id, urn=urn)
        annotations(gel, g.annotations)
        for d in g.dimensions:
            st(st(gel, "GroupDimension"), "DimensionReference", d)


def data_structure(parent: Element, dsd: DataStructure, ctx: Ctx) -> bool:
    """A ``str:DataStructure``."""
    el = maintainable(parent, "DataStructure", dsd, ArtefactType.DATA_STRUCTURE, ctx)
    dims = [d for d in dsd.dimensions if d.kind != "time"]
    if not ctx.full or not dims:
        return True  # a DimensionList needs at least one Dimension
    comps = st(el, "DataStructureComponents")
    dim_list = _component_list(comps, "DimensionList", "DimensionDescriptor", dsd)
    for i, d in enumerate(dims, start=1):
        _dimension(dim_list, d, dsd, i)
    if dsd.time_dimension is not None:
        _dimension(dim_list, dsd.time_dimension, dsd, 0)
    _groups(comps, dsd)
    if dsd.attributes:
        att_list = _component_list(comps, "AttributeList", "AttributeDescriptor", dsd)
        for a in dsd.attributes:
            _attribute(att_list, a, dsd)
    if dsd.measures:
        m_list = _component_list(comps, "MeasureList", "MeasureDescriptor", dsd)
        for m in dsd.measures:
            _measure(m_list, m, dsd)
    for empty in [c for c in comps[1:] if len(c) == 0]:
        comps.remove(empty)  # every component skipped (no concept): the list must go too
    return True


__all__ = ["DATA_TYPES", "data_structure", "representation", "text_format"]
