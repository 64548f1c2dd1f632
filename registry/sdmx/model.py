"""The structural information model the registry stores and serves.

Why our own model and not sdmx1's: the registry must *write* SDMX-ML 2.1, SDMX-ML 3.0 and SDMX-JSON
1.0/2.0 structures that validate against the official schemas, and must read real third-party files
that sdmx1 rejects (3.0 ``MeasureRelationship``) or misreads (UNICEF parent references become phantom
codelists).  These dataclasses are the SDMX 3.0 information model, restricted to what a registry
serves, with the few SDMX 2.1 notions that 3.0 renamed (``ContentConstraint``, ``HierarchicalCodelist``,
``StructureSet``) kept as first-class types so nothing is lost when 2.1 comes in and goes out.

sdmx1 and pysdmx remain the reference *clients*: the test-suite reads every answer with them.

Conventions:
* multilingual text is ``dict[lang, text]`` (``InternationalString``);
* references between artefacts are ``Ref`` values, never object pointers, so an artefact can be
  stored, versioned and served on its own;
* every maintainable lists what it references in ``references()`` — the store builds its reference
  graph (for ``references=`` queries and delete protection) from that.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import ClassVar

from registry.sdmx.refs import ArtefactType, Ref

InternationalString = dict[str, str]


@dataclass(slots=True)
class Annotation:
    """An SDMX annotation.  ``text`` is multilingual; ``value`` is the SDMX 3.0 non-localised value."""

    id: str | None = None
    title: str | None = None
    type: str | None = None
    url: str | None = None
    text: InternationalString = field(default_factory=dict)
    value: str | None = None


@dataclass(slots=True)
class Contact:
    """A contact of an organisation."""

    name: InternationalString = field(default_factory=dict)
    department: InternationalString = field(default_factory=dict)
    role: InternationalString = field(default_factory=dict)
    telephone: list[str] = field(default_factory=list)
    fax: list[str] = field(default_factory=list)
    x400: list[str] = field(default_factory=list)
    uri: list[str] = field(default_factory=list)
    email: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Item:
    """An item of an item scheme (code, concept, category, organisation)."""

    id: str
    names: InternationalString = field(default_factory=dict)
    descriptions: InternationalString = field(default_factory=dict)
    annotations: list[Annotation] = field(default_factory=list)
    #: id of the parent item in the same scheme (codes, concepts); categories use it for nesting.
    parent: str | None = None


@dataclass(slots=True)
class Code(Item):
    """A code of a codelist."""


@dataclass(slots=True)
class TextFormat:
    """Non-enumerated representation facets (SDMX-ML ``TextFormat``).  All values are kept as text."""

    text_type: str | None = None
    is_sequence: bool | None = None
    interval: str | None = None
    start_value: str | None = None
    end_value: str | None = None
    time_interval: str | None = None
    start_time: str | None = None
    end_time: str | None = None
    min_length: int | None = None
    max_length: int | None = None
    min_value: str | None = None
    max_value: str | None = None
    decimals: int | None = None
    pattern: str | None = None
    is_multilingual: bool | None = None


@dataclass(slots=True)
class Representation:
    """Either an enumeration (codelist or concept scheme reference) or a text format, or both (facets)."""

    enumeration: Ref | None = None
    text_format: TextFormat | None = None
    #: SDMX 3.0 minOccurs/maxOccurs on the representation (arrays of values); None = default 1/1.
    min_occurs: int | None = None
    max_occurs: int | None = None  # -1 means unbounded


@dataclass(slots=True)
class Concept(Item):
    """A concept of a concept scheme."""

    core_representation: Representation | None = None
    iso_concept: str | None = None


@dataclass(slots=True)
class Category(Item):
    """A category; nesting is expressed with ``parent``."""


@dataclass(slots=True)
class Organisation(Item):
    """An agency, data provider, data consumer or organisation unit."""

    contacts: list[Contact] = field(default_factory=list)


@dataclass(slots=True)
class MaintainableArtefact:
    """Common part of every maintainable artefact."""

    type: ClassVar[ArtefactType]

    agency: str
    id: str
    version: str = "1.0"
    names: InternationalString = field(default_factory=dict)
    descriptions: InternationalString = field(default_factory=dict)
    annotations: list[Annotation] = field(default_factory=list)
    is_final: bool = False
    is_external_reference: bool = False
    structure_url: str | None = None
    service_url: str | None = None
    uri: str | None = None
    valid_from: str | None = None
    valid_to: str | None = None

    @property
    def ref(self) -> Ref:
        """A reference to this artefact."""
        return Ref(self.type, self.agency, self.id, self.version)

    @property
    def urn(self) -> str:
        """The SDMX URN of this artefact."""
        return self.ref.urn

    def references(self) -> Iterator[Ref]:
        """Every artefact this one references (maintainable references, de-duplicated by the caller)."""
        return iter(())

    def name(self, langs: list[str] | tuple[str, ...] = ("en",)) -> str:
        """The name in the first available language of ``langs``, else any name, else the id."""
        for lang in langs:
            if lang in self.names:
                return self.names[lang]
        return next(iter(self.names.values()), self.id)


@dataclass(slots=True)
class ItemScheme(MaintainableArtefact):
    """An item scheme.  ``is_partial`` marks a partial scheme (subset or partial update)."""

    items: list[Item] = field(default_factory=list)
    is_partial: bool = False

    def item_map(self) -> dict[str, Item]:
        """Items by id."""
        return {i.id: i for i in self.items}


@dataclass(slots=True)
class Codelist(ItemScheme):
    """A codelist.  SDMX 3.0 codelist extensions are kept as ``extends``."""

    type: ClassVar[ArtefactType] = ArtefactType.CODELIST
    extends: list[Ref] = field(default_factory=list)

    def references(self) -> Iterator[Ref]:
        yield from self.extends


@dataclass(slots=True)
class ConceptScheme(ItemScheme):
    """A concept scheme; concepts may have a core representation referencing a codelist."""

    type: ClassVar[ArtefactType] = ArtefactType.CONCEPT_SCHEME

    def references(self) -> Iterator[Ref]:
        for c in self.items:
            rep = getattr(c, "core_representation", None)
            if rep is not None and rep.enumeration is not None:
                yield rep.enumeration.maintainable


@dataclass(slots=True)
class CategoryScheme(ItemScheme):
    """A category scheme."""

    type: ClassVar[ArtefactType] = ArtefactType.CATEGORY_SCHEME


@dataclass(slots=True)
class AgencyScheme(ItemScheme):
    """The scheme of maintenance agencies."""

    type: ClassVar[ArtefactType] = ArtefactType.AGENCY_SCHEME


@dataclass(slots=True)
class DataProviderScheme(ItemScheme):
    """The scheme of data providers (institutions that report data)."""

    type: ClassVar[ArtefactType] = ArtefactType.DATA_PROVIDER_SCHEME


@dataclass(slots=True)
class DataConsumerScheme(ItemScheme):
    """The scheme of data consumers."""

    type: ClassVar[ArtefactType] = ArtefactType.DATA_CONSUMER_SCHEME


@dataclass(slots=True)
class OrganisationUnitScheme(ItemScheme):
    """A scheme of organisation units."""

    type: ClassVar[ArtefactType] = ArtefactType.ORGANISATION_UNIT_SCHEME


# --- Data structure definitions -------------------------------------------------------------------


@dataclass(slots=True)
class Component:
    """A component of a DSD.  ``concept`` is an item reference into a concept scheme."""

    id: str
    concept: Ref | None = None
    local_representation: Representation | None = None
    concept_roles: list[Ref] = field(default_factory=list)
    annotations: list[Annotation] = field(default_factory=list)


@dataclass(slots=True)
class Dimension(Component):
    """A dimension; ``kind`` is ``dimension``, ``time`` or ``measure`` (2.1 MeasureDimension)."""

    position: int = 0
    kind: str = "dimension"


@dataclass(slots=True)
class AttributeRelationship:
    """Where an attribute attaches.

    ``kind`` is one of: ``dataset`` (2.1 None / 3.0 Dataflow), ``dimensions`` (``dimensions`` lists the
    dimension ids, ``attachment_groups`` optional groups), ``group`` (``group`` names it),
    ``observation`` (2.1 PrimaryMeasure / 3.0 Observation).
    """

    kind: str = "dataset"
    dimensions: list[str] = field(default_factory=list)
    attachment_groups: list[str] = field(default_factory=list)
    group: str | None = None


@dataclass(slots=True)
class DataAttribute(Component):
    """A data attribute.  ``mandatory`` is 2.1 assignmentStatus=Mandatory / 3.0 minOccurs ≥ 1."""

    mandatory: bool = False
    relationship: AttributeRelationship = field(default_factory=AttributeRelationship)
    #: SDMX 3.0 MeasureRelationship (measure ids) when the attribute relates to specific measures.
    measure_relationship: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Measure(Component):
    """A measure (2.1 PrimaryMeasure).  ``mandatory`` is 3.0 usage/minOccurs."""

    mandatory: bool = False


@dataclass(slots=True)
class Group:
    """A group key descriptor: a named subset of the dimensions."""

    id: str
    dimensions: list[str] = field(default_factory=list)
    annotations: list[Annotation] = field(default_factory=list)


@dataclass(slots=True)
class DataStructure(MaintainableArtefact):
    """A data structure definition."""

    type: ClassVar[ArtefactType] = ArtefactType.DATA_STRUCTURE
    dimensions: list[Dimension] = field(default_factory=list)
    attributes: list[DataAttribute] = field(default_factory=list)
    measures: list[Measure] = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)
    #: 2.1 descriptor ids are fixed by the schema; 3.0 allows metadata attribute usages (not kept).

    @property
    def time_dimension(self) -> Dimension | None:
        """The time dimension, if any."""
        return next((d for d in self.dimensions if d.kind == "time"), None)

    @property
    def key_dimensions(self) -> list[Dimension]:
        """Dimensions other than the time dimension, in key order."""
        return [d for d in self.dimensions if d.kind != "time"]

    @property
    def primary_measure(self) -> Measure | None:
        """The first (2.1: the only) measure."""
        return self.measures[0] if self.measures else None

    def component(self, component_id: str) -> Component | None:
        """Any component by id."""
        for comp in (*self.dimensions, *self.attributes, *self.measures):
            if comp.id == component_id:
                return comp
        return None

    def references(self) -> Iterator[Ref]:
        for comp in (*self.dimensions, *self.attributes, *self.measures):
            if comp.concept is not None:
                yield comp.concept.maintainable
            rep = comp.local_representation
            if rep is not None and rep.enumeration is not None:
                yield rep.enumeration.maintainable
            for role in comp.concept_roles:
                yield role.maintainable


@dataclass(slots=True)
class Dataflow(MaintainableArtefact):
    """A dataflow: what is reported, with the DSD that describes it."""

    type: ClassVar[ArtefactType] = ArtefactType.DATAFLOW
    structure: Ref | None = None

    def references(self) -> Iterator[Ref]:
        if self.structure is not None:
            yield self.structure


# --- Constraints and provision ---------------------------------------------------------------------


@dataclass(slots=True)
class CubeRegion:
    """A cube region: for each component, the allowed (or excluded) values.

    ``include`` is the region's own include flag; ``components`` maps a component id to a
    ``ComponentValues``.  Time ranges are kept in ``time_range``.
    """

    include: bool = True
    components: dict[str, ComponentValues] = field(default_factory=dict)


@dataclass(slots=True)
class ComponentValues:
    """Values of one component in a cube region (``KeyValue``/``Attribute`` in SDMX-ML)."""

    values: list[str] = field(default_factory=list)
    include: bool = True
    #: SDMX 2.1 ``TimeRange``: start/end periods and whether they are inclusive.
    start_period: str | None = None
    start_inclusive: bool = True
    end_period: str | None = None
    end_inclusive: bool = True
    #: True for attribute components (``Attribute`` element) rather than dimensions (``KeyValue``).
    is_attribute: bool = False
    #: Per-value cascade (3.0: include child codes).
    cascade: bool = False


@dataclass(slots=True)
class DataKey:
    """One key of a key set: dimension id -> value."""

    values: dict[str, str] = field(default_factory=dict)
    include: bool = True


@dataclass(slots=True)
class DataKeySet:
    """A set of full or partial keys, included or excluded."""

    include: bool = True
    keys: list[DataKey] = field(default_factory=list)


@dataclass(slots=True)
class ContentConstraint(MaintainableArtefact):
    """A content constraint (SDMX 2.1) / data constraint (SDMX 3.0)."""

    type: ClassVar[ArtefactType] = ArtefactType.CONTENT_CONSTRAINT
    role: str = "Allowed"  # "Allowed" or "Actual"
    attachment: list[Ref] = field(default_factory=list)
    cube_regions: list[CubeRegion] = field(default_factory=list)
    key_sets: list[DataKeySet] = field(default_factory=list)

    def references(self) -> Iterator[Ref]:
        for ref in self.attachment:
            yield ref.maintainable


@dataclass(slots=True)
class ProvisionAgreement(MaintainableArtefact):
    """A provision agreement: a data provider reports a dataflow."""

    type: ClassVar[ArtefactType] = ArtefactType.PROVISION_AGREEMENT
    dataflow: Ref | None = None
    #: Item reference into a DataProviderScheme.
    provider: Ref | None = None

    def references(self) -> Iterator[Ref]:
        if self.dataflow is not None:
            yield self.dataflow
        if self.provider is not None:
            yield self.provider.maintainable


@dataclass(slots=True)
class Categorisation(MaintainableArtefact):
    """Links any artefact (source) to a category (target, an item reference)."""

    type: ClassVar[ArtefactType] = ArtefactType.CATEGORISATION
    source: Ref | None = None
    target: Ref | None = None

    def references(self) -> Iterator[Ref]:
        if self.source is not None:
            yield self.source.maintainable
        if self.target is not None:
            yield self.target.maintainable


# --- Hierarchies -----------------------------------------------------------------------------------


@dataclass(slots=True)
class HierarchicalCode:
    """A node of a hierarchy: a code reference with children."""

    id: str
    code: Ref
    children: list[HierarchicalCode] = field(default_factory=list)
    annotations: list[Annotation] = field(default_factory=list)
    valid_from: str | None = None
    valid_to: str | None = None
    level: str | None = None


@dataclass(slots=True)
class HierarchyLevel:
    """A formal level of a hierarchy."""

    id: str
    names: InternationalString = field(default_factory=dict)


@dataclass(slots=True)
class Hierarchy(MaintainableArtefact):
    """SDMX 3.0 Hierarchy (a maintainable); also the body of a 2.1 HierarchicalCodelist's hierarchies."""

    type: ClassVar[ArtefactType] = ArtefactType.HIERARCHY
    has_formal_levels: bool = False
    levels: list[HierarchyLevel] = field(default_factory=list)
    codes: list[HierarchicalCode] = field(default_factory=list)

    def walk(self) -> Iterator[tuple[HierarchicalCode, HierarchicalCode | None]]:
        """Every node with its parent node, depth first."""
        stack: list[tuple[HierarchicalCode, HierarchicalCode | None]] = [(c, None) for c in reversed(self.codes)]
        while stack:
            node, parent = stack.pop()
            yield node, parent
            stack.extend((c, node) for c in reversed(node.children))

    def references(self) -> Iterator[Ref]:
        for node, _ in self.walk():
            yield node.code.maintainable


@dataclass(slots=True)
class HierarchicalCodelist(MaintainableArtefact):
    """SDMX 2.1 HierarchicalCodelist: several hierarchies over codes of referenced codelists.

    ``hierarchies`` hold ``Hierarchy`` objects whose agency/version repeat the HCL's; only their
    ``id``, names and codes are meaningful.
    """

    type: ClassVar[ArtefactType] = ArtefactType.HIERARCHICAL_CODELIST
    hierarchies: list[Hierarchy] = field(default_factory=list)

    def references(self) -> Iterator[Ref]:
        for h in self.hierarchies:
            yield from h.references()


@dataclass(slots=True)
class HierarchyAssociation(MaintainableArtefact):
    """SDMX 3.0: links a hierarchy to a component in the context of a structure."""

    type: ClassVar[ArtefactType] = ArtefactType.HIERARCHY_ASSOCIATION
    linked_hierarchy: Ref | None = None
    linked_object: Ref | None = None
    context_object: Ref | None = None

    def references(self) -> Iterator[Ref]:
        for r in (self.linked_hierarchy, self.linked_object, self.context_object):
            if r is not None:
                yield r.maintainable


# --- Mappings --------------------------------------------------------------------------------------


@dataclass(slots=True)
class ValueMapping:
    """One mapping of a representation map.

    ``source`` holds one value per source codelist/value type (a regular expression when
    ``source_is_regex[i]``); ``target`` one value per target.  Validity dates are SDMX 3.0 ``validFrom``/``validTo``.
    """

    source: list[str] = field(default_factory=list)
    target: list[str] = field(default_factory=list)
    source_is_regex: list[bool] = field(default_factory=list)
    valid_from: str | None = None
    valid_to: str | None = None


@dataclass(slots=True)
class RepresentationMap(MaintainableArtefact):
    """SDMX 3.0 RepresentationMap: maps values of source codelists (or value types) to target ones."""

    type: ClassVar[ArtefactType] = ArtefactType.REPRESENTATION_MAP
    #: Codelist references, or ``None`` entries for free values (``source_types`` then names the type).
    sources: list[Ref | None] = field(default_factory=list)
    source_types: list[str | None] = field(default_factory=list)
    targets: list[Ref | None] = field(default_factory=list)
    target_types: list[str | None] = field(default_factory=list)
    mappings: list[ValueMapping] = field(default_factory=list)

    def references(self) -> Iterator[Ref]:
        for r in (*self.sources, *self.targets):
            if r is not None:
                yield r.maintainable


@dataclass(slots=True)
class ComponentMap:
    """Maps source components to target components, optionally through a representation map."""

    source: list[str] = field(default_factory=list)
    target: list[str] = field(default_factory=list)
    representation_map: Ref | None = None


@dataclass(slots=True)
class FixedValueMap:
    """Sets a target (or source) component to a fixed value."""

    component: str
    value: str
    role: str = "target"


@dataclass(slots=True)
class StructureMap(MaintainableArtefact):
    """SDMX 3.0 StructureMap: maps a source structure (DSD or dataflow) to a target one."""

    type: ClassVar[ArtefactType] = ArtefactType.STRUCTURE_MAP
    source: Ref | None = None
    target: Ref | None = None
    component_maps: list[ComponentMap] = field(default_factory=list)
    fixed_values: list[FixedValueMap] = field(default_factory=list)

    def references(self) -> Iterator[Ref]:
        for r in (self.source, self.target):
            if r is not None:
                yield r
        for cm in self.component_maps:
            if cm.representation_map is not None:
                yield cm.representation_map


@dataclass(slots=True)
class CodelistMap:
    """SDMX 2.1 CodelistMap inside a StructureSet."""

    id: str
    source: Ref
    target: Ref
    names: InternationalString = field(default_factory=dict)
    code_maps: list[tuple[str, str]] = field(default_factory=list)


@dataclass(slots=True)
class StructureSet(MaintainableArtefact):
    """SDMX 2.1 StructureSet with codelist maps (structure maps are carried as 3.0 StructureMaps)."""

    type: ClassVar[ArtefactType] = ArtefactType.STRUCTURE_SET
    related_structures: list[Ref] = field(default_factory=list)
    codelist_maps: list[CodelistMap] = field(default_factory=list)

    def references(self) -> Iterator[Ref]:
        yield from self.related_structures
        for cm in self.codelist_maps:
            yield cm.source
            yield cm.target


#: Model class for each stored type (used by the store's JSON codec and by the readers).
MODEL_CLASSES: dict[ArtefactType, type[MaintainableArtefact]] = {
    cls.type: cls
    for cls in (
        Codelist, ConceptScheme, CategoryScheme, AgencyScheme, DataProviderScheme, DataConsumerScheme,
        OrganisationUnitScheme, DataStructure, Dataflow, ContentConstraint, ProvisionAgreement,
        Categorisation, Hierarchy, HierarchicalCodelist, HierarchyAssociation, RepresentationMap,
        StructureMap, StructureSet,
    )
}

#: Item class for each item scheme type.
ITEM_CLASSES: dict[ArtefactType, type[Item]] = {
    ArtefactType.CODELIST: Code,
    ArtefactType.CONCEPT_SCHEME: Concept,
    ArtefactType.CATEGORY_SCHEME: Category,
    ArtefactType.AGENCY_SCHEME: Organisation,
    ArtefactType.DATA_PROVIDER_SCHEME: Organisation,
    ArtefactType.DATA_CONSUMER_SCHEME: Organisation,
    ArtefactType.ORGANISATION_UNIT_SCHEME: Organisation,
}


@dataclass(slots=True)
class StructureMessage:
    """A bag of artefacts as read from, or written to, one structure message."""

    artefacts: list[MaintainableArtefact] = field(default_factory=list)
    #: Header facts worth keeping (id, prepared, sender) for messages we echo back.
    header: dict[str, str] = field(default_factory=dict)

    def of_type(self, rtype: ArtefactType) -> list[MaintainableArtefact]:
        """The artefacts of one type, in message order."""
        return [a for a in self.artefacts if a.type is rtype]

    def find(self, ref: Ref) -> MaintainableArtefact | None:
        """The artefact a reference points to, if the message holds it (exact version)."""
        for a in self.artefacts:
            if a.type is ref.type and a.agency == ref.agency and a.id == ref.id and a.version == ref.version:
                return a
        return None
