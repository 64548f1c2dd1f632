"""Readers of the SDMX-ML 3.0 artefacts with their own inner structure (SDMX 3.0 Section 3A).

Data structures, data constraints, hierarchies and hierarchy associations, representation maps and
structure maps.  See ``structure_reader`` for what is deliberately not kept.

"""

from __future__ import annotations

from lxml import etree

from registry.formats.sdmxml30.structure_read_base import (
    Element,
    annotations,
    attr,
    child_ref,
    error,
    flag,
    integer,
    maintainable,
    names,
    opt,
    representation,
    text,
    urn,
)
from registry.formats.sdmxml30.structure_tags import s
from registry.sdmx.model import (
    AttributeRelationship,
    ComponentMap,
    ComponentValues,
    ContentConstraint,
    CubeRegion,
    DataAttribute,
    DataKey,
    DataKeySet,
    DataStructure,
    Dimension,
    FixedValueMap,
    Group,
    HierarchicalCode,
    Hierarchy,
    HierarchyAssociation,
    HierarchyLevel,
    MaintainableArtefact,
    Measure,
    RepresentationMap,
    StructureMap,
    ValueMapping,
)
from registry.sdmx.refs import ArtefactType, Ref

# --- data structure -------------------------------------------------------------------------------


def _concept_identity(el: Element) -> Ref | None:
    ref = child_ref(el, "ConceptIdentity")
    if ref is not None and (ref.type is not ArtefactType.CONCEPT_SCHEME or ref.item is None):
        raise error(el, f"ConceptIdentity must reference a Concept, got {ref}")
    return ref


def _roles(el: Element) -> list[Ref]:
    return [urn(r) for r in el.iterchildren(s("ConceptRole"))]


def _usage(el: Element) -> bool:
    usage = opt(el, "usage")
    if usage is not None:
        if usage not in ("mandatory", "optional"):
            raise error(el, f"usage={usage!r} is neither 'mandatory' nor 'optional'")
        return usage == "mandatory"
    # Pre-release 3.0 files spelled it minOccurs on the component.
    min_occurs = integer(el, "minOccurs")
    return bool(min_occurs and min_occurs >= 1)


def _dimensions(dim_list: Element) -> list[Dimension]:
    dims: list[Dimension] = []
    for child in dim_list:
        local = etree.QName(child).localname
        if local not in ("Dimension", "TimeDimension"):
            continue
        is_time = local == "TimeDimension"
        position = None if is_time else integer(child, "position")
        dims.append(
            Dimension(
                id=opt(child, "id") or ("TIME_PERIOD" if is_time else attr(child, "id")),
                concept=_concept_identity(child),
                local_representation=representation(child.find(s("LocalRepresentation"))),
                concept_roles=_roles(child),
                annotations=annotations(child),
                position=position if position is not None else len(dims) + 1,
                kind="time" if is_time else "dimension",
            )
        )
    return dims


def _relationship(el: Element) -> AttributeRelationship:
    rel = el.find(s("AttributeRelationship"))
    if rel is None or len(rel) == 0:
        return AttributeRelationship(kind="dataset")
    if rel.find(s("Observation")) is not None:
        return AttributeRelationship(kind="observation")
    group = rel.find(s("Group"))
    if group is not None:
        return AttributeRelationship(kind="group", group=text(group))
    dims = [text(d) for d in rel.iterchildren(s("Dimension"))]
    if dims:
        return AttributeRelationship(kind="dimensions", dimensions=dims)
    return AttributeRelationship(kind="dataset")


def _attribute(el: Element) -> DataAttribute:
    mrel = el.find(s("MeasureRelationship"))
    return DataAttribute(
        id=attr(el, "id"),
        concept=_concept_identity(el),
        local_representation=representation(el.find(s("LocalRepresentation"))),
        concept_roles=_roles(el),
        annotations=annotations(el),
        mandatory=_usage(el),
        relationship=_relationship(el),
        measure_relationship=[text(m) for m in mrel.iterchildren(s("Measure"))]
        if mrel is not None
        else [],
    )


def _measure(el: Element) -> Measure:
    return Measure(
        id=attr(el, "id"),
        concept=_concept_identity(el),
        local_representation=representation(el.find(s("LocalRepresentation"))),
        concept_roles=_roles(el),
        annotations=annotations(el),
        mandatory=_usage(el),
    )


def data_structure(el: Element) -> MaintainableArtefact:
    """A ``str:DataStructure``."""
    dsd = DataStructure(**maintainable(el, ArtefactType.DATA_STRUCTURE))
    comps = el.find(s("DataStructureComponents"))
    if comps is None:
        return dsd
    dim_list = comps.find(s("DimensionList"))
    if dim_list is not None:
        dsd.dimensions = _dimensions(dim_list)
    for g in comps.iterchildren(s("Group")):
        dsd.groups.append(
            Group(
                id=attr(g, "id"),
                dimensions=[
                    text(ref)
                    for gd in g.iterchildren(s("GroupDimension"))
                    if (ref := gd.find(s("DimensionReference"))) is not None
                ],
                annotations=annotations(g),
            )
        )
    attr_list = comps.find(s("AttributeList"))
    if attr_list is not None:
        dsd.attributes = [_attribute(a) for a in attr_list.iterchildren(s("Attribute"))]
    measure_list = comps.find(s("MeasureList"))
    if measure_list is not None:
        dsd.measures = [_measure(m) for m in measure_list.iterchildren(s("Measure"))]
    return dsd


# --- data constraint ------------------------------------------------------------------------------

_ATTACHMENT_TAGS = ("DataProvider", "DataStructure", "Dataflow", "ProvisionAgreement")


def _time_range(el: Element, values: ComponentValues) -> None:
    for tag in ("StartPeriod", "AfterPeriod"):
        p = el.find(s(tag))
        if p is not None:
            values.start_period = text(p)
            values.start_inclusive = flag(p, "isInclusive", True)
    for tag in ("EndPeriod", "BeforePeriod"):
        p = el.find(s(tag))
        if p is not None:
            values.end_period = text(p)
            values.end_inclusive = flag(p, "isInclusive", True)


def _member(el: Element, *, is_attribute: bool) -> ComponentValues:
    values = ComponentValues(include=flag(el, "include", True), is_attribute=is_attribute)
    for v in el.iterchildren(s("Value")):
        values.values.append(text(v))
        if (v.get("cascadeValues") or "false").strip() in ("true", "1", "excluderoot"):
            values.cascade = True
    tr = el.find(s("TimeRange"))
    if tr is not None:
        _time_range(tr, values)
    return values


def _cube_region(el: Element) -> CubeRegion:
    region = CubeRegion(include=flag(el, "include", True))
    for kv in el.iterchildren(s("KeyValue")):
        region.components[attr(kv, "id")] = _member(kv, is_attribute=False)
    for comp in el.iterchildren(s("Component")):
        region.components[attr(comp, "id")] = _member(comp, is_attribute=True)
    return region


def _key_set(el: Element) -> DataKeySet:
    include = flag(el, "isIncluded", None)
    if include is None:
        raise error(el, "<DataKeySet> lacks the required attribute 'isIncluded'")
    keys = []
    for key in el.iterchildren(s("Key")):
        values = {}
        for kv in key.iterchildren(s("KeyValue")):
            v = kv.find(s("Value"))
            values[attr(kv, "id")] = text(v) if v is not None else ""
        keys.append(DataKey(values=values, include=flag(key, "include", True)))
    return DataKeySet(include=include, keys=keys)


def data_constraint(el: Element) -> MaintainableArtefact:
    """A ``str:DataConstraint`` (stored as the model's ContentConstraint)."""
    role = opt(el, "role") or "Allowed"
    if role not in ("Allowed", "Actual"):
        raise error(el, f"DataConstraint role={role!r} is neither 'Allowed' nor 'Actual'")
    cc = ContentConstraint(**maintainable(el, ArtefactType.CONTENT_CONSTRAINT), role=role)
    att = el.find(s("ConstraintAttachment"))
    if att is not None:
        cc.attachment = [
            urn(child) for child in att if etree.QName(child).localname in _ATTACHMENT_TAGS
        ]
    cc.key_sets = [_key_set(k) for k in el.iterchildren(s("DataKeySet"))]
    cc.cube_regions = [_cube_region(c) for c in el.iterchildren(s("CubeRegion"))]
    return cc


# --- hierarchies ----------------------------------------------------------------------------------


def _hierarchical_code(el: Element) -> HierarchicalCode:
    code = child_ref(el, "Code", required=True)
    assert code is not None  # noqa: S101 - required=True raises instead
    if code.type is not ArtefactType.CODELIST or code.item is None:
        raise error(el, f"HierarchicalCode must reference a Code, got {code}")
    level = el.find(s("Level"))
    return HierarchicalCode(
        id=attr(el, "id"),
        code=code,
        children=[_hierarchical_code(c) for c in el.iterchildren(s("HierarchicalCode"))],
        annotations=annotations(el),
        valid_from=opt(el, "validFrom"),
        valid_to=opt(el, "validTo"),
        level=text(level) if level is not None else None,
    )


def hierarchy(el: Element) -> MaintainableArtefact:
    """A ``str:Hierarchy``; nested ``Level`` elements become the flat ``levels`` list."""
    h = Hierarchy(
        **maintainable(el, ArtefactType.HIERARCHY), has_formal_levels=flag(el, "hasFormalLevels")
    )
    level = el.find(s("Level"))
    while level is not None:
        h.levels.append(HierarchyLevel(id=attr(level, "id"), names=names(level)))
        level = level.find(s("Level"))
    h.codes = [_hierarchical_code(c) for c in el.iterchildren(s("HierarchicalCode"))]
    return h


def hierarchy_association(el: Element) -> MaintainableArtefact:
    """A ``str:HierarchyAssociation``."""
    return HierarchyAssociation(
        **maintainable(el, ArtefactType.HIERARCHY_ASSOCIATION),
        linked_hierarchy=child_ref(el, "LinkedHierarchy"),
        linked_object=child_ref(el, "LinkedObject"),
        context_object=child_ref(el, "ContextObject"),
    )


# --- mappings -------------------------------------------------------------------------------------


def _value_mapping(el: Element) -> ValueMapping:
    sources = list(el.iterchildren(s("SourceValue")))
    return ValueMapping(
        source=[sv.text or "" for sv in sources],
        target=[tv.text or "" for tv in el.iterchildren(s("TargetValue"))],
        source_is_regex=[bool(flag(sv, "isRegEx")) for sv in sources],
        valid_from=opt(el, "validFrom"),
        valid_to=opt(el, "validTo"),
    )


def representation_map(el: Element) -> MaintainableArtefact:
    """A ``str:RepresentationMap``: codelist/value-list or data-type sources and targets, in
    order."""
    rm = RepresentationMap(**maintainable(el, ArtefactType.REPRESENTATION_MAP))
    for child in el:
        local = etree.QName(child).localname
        if local == "SourceCodelist":
            rm.sources.append(urn(child))
            rm.source_types.append(None)
        elif local == "SourceDataType":
            rm.sources.append(None)
            rm.source_types.append(text(child))
        elif local == "TargetCodelist":
            rm.targets.append(urn(child))
            rm.target_types.append(None)
        elif local == "TargetDataType":
            rm.targets.append(None)
            rm.target_types.append(text(child))
        elif local == "RepresentationMapping":
            rm.mappings.append(_value_mapping(child))
    return rm


def structure_map(el: Element) -> MaintainableArtefact:
    """A ``str:StructureMap`` with its component maps and fixed values."""
    sm = StructureMap(
        **maintainable(el, ArtefactType.STRUCTURE_MAP),
        source=child_ref(el, "Source"),
        target=child_ref(el, "Target"),
    )
    for cm in el.iterchildren(s("ComponentMap")):
        sm.component_maps.append(
            ComponentMap(
                source=[text(x) for x in cm.iterchildren(s("Source"))],
                target=[text(x) for x in cm.iterchildren(s("Target"))],
                representation_map=child_ref(cm, "RepresentationMap"),
            )
        )
    for fv in el.iterchildren(s("FixedValueMap")):
        src, tgt = fv.find(s("Source")), fv.find(s("Target"))
        comp = tgt if tgt is not None else src
        if comp is None:
            raise error(fv, "<FixedValueMap> names neither a Source nor a Target component")
        value = fv.find(s("Value"))
        sm.fixed_values.append(
            FixedValueMap(
                component=text(comp),
                value=(value.text or "") if value is not None else "",
                role="target" if tgt is not None else "source",
            )
        )
    return sm
