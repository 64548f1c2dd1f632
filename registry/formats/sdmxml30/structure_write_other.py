"""Writers of SDMX-ML 3.0 data constraints, hierarchies, hierarchy associations and maps.

Each function appends one artefact element and returns False when the artefact cannot be written
validly (a Hierarchy without codes, a map without source or target, …); the writer then reports the
artefact as skipped.

* ContentConstraint -> ``DataConstraint``; key-set keys with ``include=false`` move to a key set of
  the opposite polarity (3.0 fixes ``Key/@include`` to true); a dimension selection with no value
  and no time range is dropped (3.0 requires one); only the first including and the first excluding
  cube region are kept (3.0 makes ``include`` unique).
"""

from __future__ import annotations

from registry.formats.sdmxml30.structure_tags import NAME, urn30
from registry.formats.sdmxml30.structure_write_base import (
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
from registry.formats.sdmxml30.structure_write_dsd import DATA_TYPES
from registry.sdmx.model import (
    ComponentValues,
    ContentConstraint,
    DataKey,
    HierarchicalCode,
    Hierarchy,
    HierarchyAssociation,
    RepresentationMap,
    StructureMap,
)
from registry.sdmx.refs import ArtefactType, Ref

# --- data constraint ------------------------------------------------------------------------------

_ATTACH_TAGS = {
    ArtefactType.DATA_STRUCTURE: "DataStructure",
    ArtefactType.DATAFLOW: "Dataflow",
    ArtefactType.PROVISION_AGREEMENT: "ProvisionAgreement",
}


def _attachment(el: Element, refs: list[Ref]) -> None:
    provider = next(
        (r for r in refs if r.type is ArtefactType.DATA_PROVIDER_SCHEME and r.item), None
    )
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
    start_tag, end_tag = (
        ("StartPeriod", "EndPeriod") if start and end else ("AfterPeriod", "BeforePeriod")
    )
    if start:
        st(tr, start_tag, start, isInclusive=None if cv.start_inclusive else "false")
    if end:
        st(tr, end_tag, end, isInclusive=None if cv.end_inclusive else "false")


def _selection(region: Element, cid: str, cv: ComponentValues) -> None:
    has_time = bool(cv.start_period or cv.end_period)
    if not cv.is_attribute and not cv.values and not has_time:
        return
    el = st(
        region,
        "Component" if cv.is_attribute else "KeyValue",
        id=cid,
        include=None if cv.include else "false",
    )
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
    el = st(
        parent,
        "HierarchicalCode",
        id=node.id,
        validFrom=date_time(node.valid_from),
        validTo=date_time(node.valid_to),
    )
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
        mel = st(
            el,
            "RepresentationMapping",
            validFrom=date_only(m.valid_from),
            validTo=date_only(m.valid_to),
        )
        for i, value in enumerate(m.source):
            regex = i < len(m.source_is_regex) and m.source_is_regex[i]
            st(mel, "SourceValue", value, isRegEx="true" if regex else None)
        for value in m.target:
            st(mel, "TargetValue", value)
    return True


def structure_map(parent: Element, sm: StructureMap, ctx: Ctx) -> bool:
    """A ``str:StructureMap`` with component maps and fixed values."""
    ok = (ArtefactType.DATA_STRUCTURE, ArtefactType.DATAFLOW)
    if (
        sm.source is None
        or sm.target is None
        or sm.source.type not in ok
        or sm.target.type not in ok
    ):
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
        if (
            cm.representation_map is not None
            and cm.representation_map.type is ArtefactType.REPRESENTATION_MAP
        ):
            st(cel, "RepresentationMap", urn30(cm.representation_map))
    for fv in sm.fixed_values:
        fel = st(el, "FixedValueMap")
        st(fel, "Source" if fv.role == "source" else "Target", fv.component)
        st(fel, "Value", fv.value)
    return True


__all__ = [
    "data_constraint",
    "hierarchy",
    "hierarchy_association",
    "hierarchy_writable",
    "representation_map",
    "structure_map",
]
