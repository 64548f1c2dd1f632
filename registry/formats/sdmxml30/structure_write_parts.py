"""Writers of the SDMX-ML 3.0 artefacts with inner structure, and of representations.

Each function appends one artefact element and returns False when the artefact cannot be written
validly (a Hierarchy without codes, a map without source or target, …) — the caller then removes the
element and reports the artefact as skipped.

SDMX 2.1 facts spelled differently in 3.0 (SDMX 3.0 Section 3A, ``SDMXStructureDataStructure.xsd``):

* PrimaryMeasure -> ``MeasureList/Measure``; ``assignmentStatus`` -> ``usage="mandatory|optional"``
  (3.0 has a ``usage`` attribute on Attribute and Measure; ``minOccurs``/``maxOccurs`` live on the
  LocalRepresentation and mean the number of values, not mandatoriness).
* AttributeRelationship ``None`` -> ``Dataflow``, ``PrimaryMeasure`` -> ``Observation``; 2.1
  ``AttachmentGroup`` under a dimension relationship has no 3.0 counterpart and is dropped.
* A 2.1 MeasureDimension becomes a plain ``Dimension``; its concept-scheme enumeration cannot be a 3.0
  dimension representation and is dropped.
* The TimeDimension's id is fixed to ``TIME_PERIOD`` and it must have a TextFormat (an empty one,
  meaning the schema default ``ObservationalTimePeriod``, when the model has none or a non-time type).
* TextFormat facets are filtered per context: dimensions take ``SimpleDataType`` without
  ``isMultiLingual``; attributes, measures and concepts allow XHTML; ``EnumerationFormat`` takes
  ``CodeDataType`` with integer facets and no ``decimals``.  A text type with no 3.0 equivalent
  (2.1 ``AttachmentConstraintReference``) is left out (3.0 default ``String``).
* ContentConstraint -> ``DataConstraint``; key-set keys with ``include=false`` move to a key set of the
  opposite polarity (3.0 fixes ``Key/@include`` to true);
  a dimension selection with no value and no time range is dropped (3.0 requires one);
  only the first including and the first excluding cube region are kept (3.0 makes ``include`` unique).
"""

from __future__ import annotations

from registry.formats.sdmxml30.structure_write_base import (
    DECIMAL,
    DURATION,
    INTEGER,
    NCNAME_ID,
    TIME_PERIOD,
    Ctx,
    Element,
    annotations,
    boolean,
    date_only,
    date_time,
    maintainable,
    ref_el,
    ref_urn,
    st,
    texts,
)
from registry.formats.sdmxml30.structure_tags import NAME, urn30
from registry.sdmx.model import (
    Component,
    ComponentValues,
    ContentConstraint,
    DataAttribute,
    DataKey,
    DataStructure,
    Dimension,
    HierarchicalCode,
    Hierarchy,
    HierarchyAssociation,
    Measure,
    Representation,
    RepresentationMap,
    StructureMap,
    TextFormat,
)
from registry.sdmx.refs import ArtefactType, Ref

_ALL_TYPES = frozenset(
    "String Alpha AlphaNumeric Numeric BigInteger Integer Long Short Decimal Float Double Boolean URI "
    "Count InclusiveValueRange ExclusiveValueRange Incremental ObservationalTimePeriod StandardTimePeriod "
    "BasicTimePeriod GregorianTimePeriod GregorianYear GregorianYearMonth GregorianDay ReportingTimePeriod "
    "ReportingYear ReportingSemester ReportingTrimester ReportingQuarter ReportingMonth ReportingWeek "
    "ReportingDay DateTime TimeRange Month MonthDay Day Time Duration GeospatialInformation XHTML "
    "KeyValues IdentifiableReference DataSetReference".split()
)
_TIME_TYPES = frozenset(
    "ObservationalTimePeriod StandardTimePeriod BasicTimePeriod GregorianTimePeriod GregorianYear "
    "GregorianYearMonth GregorianDay ReportingTimePeriod ReportingYear ReportingSemester ReportingTrimester "
    "ReportingQuarter ReportingMonth ReportingWeek ReportingDay DateTime TimeRange".split()
)
_SIMPLE_TYPES = _ALL_TYPES - {"XHTML", "KeyValues", "IdentifiableReference", "DataSetReference"}
_BASIC_TYPES = _SIMPLE_TYPES | {"XHTML"}
_CODE_TYPES = _SIMPLE_TYPES - {"Decimal", "Float", "Double", "DateTime", "TimeRange", "Time",
                               "GeospatialInformation"}
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
            parent, tag,
            # the schema default is ObservationalTimePeriod; a non-time type is left to it
            textType=tf.text_type if tf.text_type in _TIME_TYPES else None,
            startTime=_checked(tf.start_time, TIME_PERIOD),
            endTime=_checked(tf.end_time, TIME_PERIOD),
        )
    types, numeric, decimals_ok, multilingual_ok = _CONTEXTS[context]
    return st(
        parent, tag,
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
        isMultiLingual=boolean(tf.is_multilingual) if multilingual_ok and tf.is_multilingual is not None
        else None,
    )


def representation(parent: Element, tag: str, rep: Representation | None, context: str,
                   *, occurs: bool = False, value_lists: bool = True) -> None:
    """A LocalRepresentation/CoreRepresentation; nothing when 3.0 cannot express ``rep``."""
    if context == "time":
        el = st(parent, tag)
        text_format(el, "TextFormat", (rep.text_format if rep else None) or TextFormat(), "time")
        return
    if rep is None:
        return
    allowed = {ArtefactType.CODELIST, ArtefactType.VALUE_LIST} if value_lists else {ArtefactType.CODELIST}
    enum = rep.enumeration if rep.enumeration is not None and rep.enumeration.type in allowed else None
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


def _component(parent: Element, tag: str, comp: Component, dsd: DataStructure, urn_class: str,
               **attrs: str | None) -> Element | None:
    concept = ref_urn(comp.concept)
    if concept is None:
        return None  # ConceptIdentity is mandatory in 3.0
    cid = "TIME_PERIOD" if tag == "TimeDimension" else comp.id
    el = st(
        parent, tag, id=cid,
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
        representation(el, "LocalRepresentation", dim.local_representation, "simple", value_lists=False)
        _roles(el, dim)


def _attribute(parent: Element, att: DataAttribute, dsd: DataStructure) -> None:
    el = _component(parent, "Attribute", att, dsd, "DataAttribute",
                    usage="mandatory" if att.mandatory else "optional")
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
    el = _component(parent, "Measure", measure, dsd, "Measure",
                    usage="mandatory" if measure.mandatory else "optional")
    if el is not None:
        representation(el, "LocalRepresentation", measure.local_representation, "basic", occurs=True)
        _roles(el, measure)


def data_structure(parent: Element, dsd: DataStructure, ctx: Ctx) -> bool:
    """A ``str:DataStructure``."""
    el = maintainable(parent, "DataStructure", dsd, ArtefactType.DATA_STRUCTURE, ctx)
    dims = [d for d in dsd.dimensions if d.kind != "time"]
    if not ctx.full or not dims:
        return True
    base = f"urn:sdmx:org.sdmx.infomodel.datastructure.{{}}={dsd.agency}:{dsd.id}({dsd.version}).{{}}"
    comps = st(el, "DataStructureComponents")
    dim_list = st(comps, "DimensionList", id="DimensionDescriptor",
                  urn=base.format("DimensionDescriptor", "DimensionDescriptor"))
    for i, d in enumerate(dims, start=1):
        _dimension(dim_list, d, dsd, i)
    time = dsd.time_dimension
    if time is not None:
        _dimension(dim_list, time, dsd, 0)
    for g in dsd.groups:
        if not g.dimensions:
            continue
        gel = st(comps, "Group", id=g.id, urn=base.format("GroupDimensionDescriptor", g.id))
        annotations(gel, g.annotations)
        for d in g.dimensions:
            st(st(gel, "GroupDimension"), "DimensionReference", d)
    if dsd.attributes:
        att_list = st(comps, "AttributeList", id="AttributeDescriptor",
                      urn=base.format("AttributeDescriptor", "AttributeDescriptor"))
        for a in dsd.attributes:
            _attribute(att_list, a, dsd)
        if len(att_list) == 0:
            comps.remove(att_list)
    if dsd.measures:
        m_list = st(comps, "MeasureList", id="MeasureDescriptor",
                    urn=base.format("MeasureDescriptor", "MeasureDescriptor"))
        for m in dsd.measures:
            _measure(m_list, m, dsd)
        if len(m_list) == 0:
            comps.remove(m_list)
    return True


# --- data constraint ------------------------------------------------------------------------------

_ATTACH_TAGS = {
    ArtefactType.DATA_STRUCTURE: "DataStructure",
    ArtefactType.DATAFLOW: "Dataflow",
    ArtefactType.PROVISION_AGREEMENT: "ProvisionAgreement",
}


def _attachment(el: Element, refs: list[Ref]) -> None:
    provider = next((r for r in refs if r.type is ArtefactType.DATA_PROVIDER_SCHEME and r.item), None)
    chosen = next((r.type for r in refs if r.type in _ATTACH_TAGS and r.item is None), None)
    if chosen is None and provider is None:
        return
    att = st(el, "ConstraintAttachment")
    if chosen is None:
        ref_el(att, "DataProvider", provider)
        return
    for r in refs:
        if r.type is chosen and r.item is None:
            ref_el(att, _ATTACH_TAGS[chosen], r)


def _time_range(parent: Element, cv: ComponentValues) -> None:
    tr = st(parent, "TimeRange")
    start = cv.start_period.strip() if cv.start_period else None
    end = cv.end_period.strip() if cv.end_period else None
    start_tag, end_tag = ("StartPeriod", "EndPeriod") if start and end else ("AfterPeriod", "BeforePeriod")
    if start:
        st(tr, start_tag, start, isInclusive=None if cv.start_inclusive else "false")
    if end:
        st(tr, end_tag, end, isInclusive=None if cv.end_inclusive else "false")


def _selection(region: Element, cid: str, cv: ComponentValues) -> None:
    has_time = bool(cv.start_period or cv.end_period)
    if not cv.is_attribute and not cv.values and not has_time:
        return
    el = st(region, "Component" if cv.is_attribute else "KeyValue", id=cid,
            include=None if cv.include else "false")
    if cv.values:
        for v in cv.values:
            st(el, "Value", v, cascadeValues="true" if cv.cascade else None)
    elif has_time:
        _time_range(el, cv)


def _key_sets(el: Element, cc: ContentConstraint) -> None:
    groups: dict[bool, list[DataKey]] = {}
    order: list[bool] = []
    for ks in cc.key_sets:
        for key in ks.keys:
            polarity = ks.include == key.include
            if polarity not in groups:
                groups[polarity] = []
                order.append(polarity)
            groups[polarity].append(key)
    for polarity in order:
        kel = st(el, "DataKeySet", isIncluded=boolean(polarity))
        for key in groups[polarity]:
            k = st(kel, "Key")
            for dim, value in key.values.items():
                st(st(k, "KeyValue", id=dim), "Value", value)


def data_constraint(parent: Element, cc: ContentConstraint, ctx: Ctx) -> bool:
    """A ``str:DataConstraint`` (3.0 requires the role; anything but Actual is Allowed)."""
    el = maintainable(parent, "DataConstraint", cc, ArtefactType.CONTENT_CONSTRAINT, ctx)
    el.set("role", "Actual" if cc.role == "Actual" else "Allowed")
    if not ctx.full:
        return True
    _attachment(el, cc.attachment)
    _key_sets(el, cc)
    # 3.0: at most one including and one excluding cube region (unique on @include); others dropped
    first = {r.include: i for i, r in reversed(list(enumerate(cc.cube_regions)))}
    for region in (r for i, r in enumerate(cc.cube_regions) if first[r.include] == i):
        # include is written even when true (its default): sdmx1 requires it
        rel = st(el, "CubeRegion", include=boolean(region.include))
        ordered = sorted(region.components.items(), key=lambda kv: kv[1].is_attribute)
        for cid, cv in ordered:
            _selection(rel, cid, cv)
    return True


# --- hierarchies ----------------------------------------------------------------------------------


def _hierarchical_code(parent: Element, node: HierarchicalCode, h: Hierarchy) -> None:
    el = st(parent, "HierarchicalCode", id=node.id,
            validFrom=date_time(node.valid_from), validTo=date_time(node.valid_to))
    annotations(el, node.annotations)
    st(el, "Code", urn30(node.code))
    for child in node.children:
        _hierarchical_code(el, child, h)
    if node.level:
        st(el, "Level", node.level)


def hierarchy_writable(h: Hierarchy) -> bool:
    """True when every node references a code (3.0 requires it) and there is at least one node."""
    return bool(h.codes) and all(
        n.code.type is ArtefactType.CODELIST and n.code.item is not None for n, _ in h.walk()
    )


def hierarchy(parent: Element, h: Hierarchy, ctx: Ctx) -> bool:
    """A ``str:Hierarchy`` (its codes are required by the schema, so stubs carry them too)."""
    if not hierarchy_writable(h):
        return False
    el = maintainable(parent, "Hierarchy", h, ArtefactType.HIERARCHY, ctx)
    el.set("hasFormalLevels", boolean(h.has_formal_levels))
    level_parent = el
    for level in h.levels:
        level_parent = st(level_parent, "Level", id=level.id)
        texts(level_parent, NAME, level.names, level.id)
    for node in h.codes:
        _hierarchical_code(el, node, h)
    return True


def hierarchy_association(parent: Element, ha: HierarchyAssociation, ctx: Ctx) -> bool:
    """A ``str:HierarchyAssociation`` (linked hierarchy and object are required)."""
    hier, obj = ref_urn(ha.linked_hierarchy), ref_urn(ha.linked_object)
    if hier is None or obj is None:
        return False
    el = maintainable(parent, "HierarchyAssociation", ha, ArtefactType.HIERARCHY_ASSOCIATION, ctx)
    st(el, "LinkedHierarchy", hier)
    st(el, "LinkedObject", obj)
    ref_el(el, "ContextObject", ha.context_object)
    return True


# --- mappings -------------------------------------------------------------------------------------


def _ends(el: Element, prefix: str, refs: list[Ref | None], types: list[str | None]) -> int:
    written = 0
    for i, ref in enumerate(refs):
        if ref is not None and ref.type in (ArtefactType.CODELIST, ArtefactType.VALUE_LIST):
            st(el, f"{prefix}Codelist", urn30(ref.maintainable))
        else:
            dtype = types[i] if i < len(types) else None
            st(el, f"{prefix}DataType", dtype if dtype in DATA_TYPES else "String")
        written += 1
    return written


def representation_map(parent: Element, rm: RepresentationMap, ctx: Ctx) -> bool:
    """A ``str:RepresentationMap`` (sources and targets are required, so stubs carry them)."""
    if not rm.sources or not rm.targets:
        return False
    el = maintainable(parent, "RepresentationMap", rm, ArtefactType.REPRESENTATION_MAP, ctx)
    _ends(el, "Source", rm.sources, rm.source_types)
    _ends(el, "Target", rm.targets, rm.target_types)
    if not ctx.full:
        return True
    for m in rm.mappings:
        if not m.source:
            continue
        mel = st(el, "RepresentationMapping", validFrom=date_only(m.valid_from), validTo=date_only(m.valid_to))
        for i, value in enumerate(m.source):
            regex = i < len(m.source_is_regex) and m.source_is_regex[i]
            st(mel, "SourceValue", value, isRegEx="true" if regex else None)
        for value in m.target:
            st(mel, "TargetValue", value)
    return True


def structure_map(parent: Element, sm: StructureMap, ctx: Ctx) -> bool:
    """A ``str:StructureMap`` with component maps and fixed values."""
    ok = (ArtefactType.DATA_STRUCTURE, ArtefactType.DATAFLOW)
    if sm.source is None or sm.target is None or sm.source.type not in ok or sm.target.type not in ok:
        return False
    el = maintainable(parent, "StructureMap", sm, ArtefactType.STRUCTURE_MAP, ctx)
    st(el, "Source", urn30(sm.source.maintainable))
    st(el, "Target", urn30(sm.target.maintainable))
    if not ctx.full:
        return True
    for cm in sm.component_maps:
        if not cm.source or not cm.target:
            continue
        cel = st(el, "ComponentMap")
        for x in cm.source:
            st(cel, "Source", x)
        for x in cm.target:
            st(cel, "Target", x)
        if cm.representation_map is not None and cm.representation_map.type is ArtefactType.REPRESENTATION_MAP:
            st(cel, "RepresentationMap", urn30(cm.representation_map))
    for fv in sm.fixed_values:
        fel = st(el, "FixedValueMap")
        st(fel, "Source" if fv.role == "source" else "Target", fv.component)
        st(fel, "Value", fv.value)
    return True


__all__ = [
    "DATA_TYPES", "NCNAME_ID", "data_constraint", "data_structure", "hierarchy", "hierarchy_association",
    "hierarchy_writable", "representation", "representation_map", "structure_map", "text_format",
]
