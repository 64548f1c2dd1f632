"""Hand-built model artefacts, one or more of every type, for the SDMX-JSON structure tests.

Values are chosen to survive a 2.0 round trip (validity dates carry a zone, facets are integers),
so ``write -> read`` can be compared with ``==``.
"""

from __future__ import annotations

from registry.sdmx.model import (
    Annotation,
    AttributeRelationship,
    Categorisation,
    Category,
    CategoryScheme,
    Code,
    Codelist,
    CodelistMap,
    ComponentMap,
    ComponentValues,
    Concept,
    ConceptScheme,
    Contact,
    ContentConstraint,
    CubeRegion,
    DataAttribute,
    DataConsumerScheme,
    Dataflow,
    DataKey,
    DataKeySet,
    DataProviderScheme,
    DataStructure,
    Dimension,
    FixedValueMap,
    Group,
    HierarchicalCode,
    HierarchicalCodelist,
    Hierarchy,
    HierarchyAssociation,
    HierarchyLevel,
    MaintainableArtefact,
    Measure,
    Organisation,
    OrganisationUnitScheme,
    ProvisionAgreement,
    Representation,
    RepresentationMap,
    StructureMap,
    StructureSet,
    TextFormat,
    ValueMapping,
)
from registry.sdmx.model import AgencyScheme as AgencySchemeModel
from registry.sdmx.refs import ArtefactType, Ref

T = ArtefactType
CL_FREQ = Ref(T.CODELIST, "IDAC", "CL_FREQ", "1.0")
CL_AREA = Ref(T.CODELIST, "IDAC", "CL_AREA", "1.0")
CS = Ref(T.CONCEPT_SCHEME, "IDAC", "CS_MIG", "1.0")
DSD = Ref(T.DATA_STRUCTURE, "IDAC", "DSD_MIG", "1.0")
DF = Ref(T.DATAFLOW, "IDAC", "DF_MIG", "1.0")
HIER = Ref(T.HIERARCHY, "IDAC", "H_AREA", "1.0")
RM = Ref(T.REPRESENTATION_MAP, "IDAC", "RM_AREA", "1.0")


def _ml(en: str, es: str | None = None, fr: str | None = None) -> dict[str, str]:
    out = {"en": en}
    if es:
        out["es"] = es
    if fr:
        out["fr"] = fr
    return out


def codelists() -> list[Codelist]:
    """Two codelists, one with a hierarchy of codes and annotations."""
    freq = Codelist("IDAC", "CL_FREQ", "1.0", _ml("Frequency", "Frecuencia", "Fréquence"),
                    _ml("How often", "Con qué frecuencia"), is_final=True,
                    items=[Code("A", _ml("Annual", "Anual")), Code("M", _ml("Monthly", "Mensual"))])
    area = Codelist("IDAC", "CL_AREA", "1.0", _ml("Area", "Área"), annotations=[
        Annotation(id="A1", title="t", type="NOTE", url="https://example.org/a",
                   text=_ml("note", "nota"), value="v")],
        valid_from="2020-01-01T00:00:00Z", valid_to="2030-12-31T00:00:00Z",
        items=[Code("W", _ml("World", "Mundo")), Code("AF", _ml("Africa"), parent="W"),
               Code("KE", _ml("Kenya"), parent="AF", descriptions=_ml("Republic of Kenya"))])
    return [freq, area]


def concept_scheme() -> ConceptScheme:
    """Concepts with core representations (enumerated and text)."""
    return ConceptScheme("IDAC", "CS_MIG", "1.0", _ml("Migration concepts", "Conceptos"), items=[
        Concept("FREQ", _ml("Frequency", "Frecuencia"),
                core_representation=Representation(enumeration=CL_FREQ)),
        Concept("REF_AREA", _ml("Area")),
        Concept("SUB_AREA", _ml("Sub-area"), parent="REF_AREA"),
        Concept("TIME_PERIOD", _ml("Time")),
        Concept("OBS_VALUE", _ml("Value"), core_representation=Representation(
            text_format=TextFormat(text_type="Decimal", decimals=2, min_value="0"))),
        Concept("OBS_STATUS", _ml("Status")),
        Concept("COMMENT", _ml("Comment"), core_representation=Representation(
            text_format=TextFormat(text_type="String", max_length=500))),
    ])


def data_structure() -> DataStructure:
    """A DSD with dimensions, time, group, attributes at four levels and one measure."""
    c = CS.with_item
    return DataStructure("IDAC", "DSD_MIG", "1.0", _ml("Migration DSD", "EDE Migración"),
                         dimensions=[
        Dimension("FREQ", c("FREQ"), Representation(enumeration=CL_FREQ), position=1),
        Dimension("REF_AREA", c("REF_AREA"), Representation(enumeration=CL_AREA), position=2,
                  concept_roles=[c("SUB_AREA")]),
        Dimension("TIME_PERIOD", c("TIME_PERIOD"),
                  Representation(text_format=TextFormat(text_type="ObservationalTimePeriod")),
                  position=3, kind="time"),
    ], attributes=[
        DataAttribute("OBS_STATUS", c("OBS_STATUS"), Representation(enumeration=CL_FREQ),
                      mandatory=True, relationship=AttributeRelationship("observation")),
        DataAttribute("COMMENT", c("COMMENT"), relationship=AttributeRelationship("dataset")),
        DataAttribute("TITLE", c("COMMENT"), Representation(
            text_format=TextFormat(text_type="String", max_length=70)),
            relationship=AttributeRelationship("dimensions", ["FREQ", "REF_AREA"])),
        DataAttribute("GRP_NOTE", c("COMMENT"), relationship=AttributeRelationship(
            "group", group="SIBLING")),
    ], measures=[Measure("OBS_VALUE", c("OBS_VALUE"), Representation(
        text_format=TextFormat(text_type="Double")))],
        groups=[Group("SIBLING", ["REF_AREA"])])


def organisation_schemes() -> list[MaintainableArtefact]:
    """The four organisation schemes, with a contact."""
    contact = Contact(name=_ml("Help desk"), email=["help@example.org"], telephone=["+1 555"])
    return [
        AgencySchemeModel("SDMX", "AGENCIES", "1.0", _ml("Agencies"), items=[
            Organisation("IDAC", _ml("IDAC", "IDAC es"), contacts=[contact])]),
        DataProviderScheme("IDAC", "DATA_PROVIDERS", "1.0", _ml("Providers"), items=[
            Organisation("UNICEF", _ml("UNICEF"))]),
        DataConsumerScheme("IDAC", "DATA_CONSUMERS", "1.0", _ml("Consumers"), items=[
            Organisation("PUBLIC", _ml("Public"))]),
        OrganisationUnitScheme("IDAC", "UNITS", "1.0", _ml("Units"), items=[
            Organisation("STATS", _ml("Statistics")),
            Organisation("DATA", _ml("Data"), parent="STATS")]),
    ]


def category_scheme() -> CategoryScheme:
    """Nested categories."""
    return CategoryScheme("IDAC", "CAT", "1.0", _ml("Topics", "Temas"), items=[
        Category("MIG", _ml("Migration")), Category("CHILD", _ml("Children"), parent="MIG"),
        Category("OTHER", _ml("Other"))])


def others() -> list[MaintainableArtefact]:
    """Dataflow, categorisation, provision agreement, constraint, hierarchy and maps."""
    prov = Ref(T.DATA_PROVIDER_SCHEME, "IDAC", "DATA_PROVIDERS", "1.0", "UNICEF")
    return [
        Dataflow("IDAC", "DF_MIG", "1.0", _ml("Migrant children", "Niños migrantes"),
                 structure=DSD),
        Categorisation("IDAC", "CAT_DF_MIG", "1.0", _ml("Categorisation"), source=DF,
                       target=Ref(T.CATEGORY_SCHEME, "IDAC", "CAT", "1.0", "CHILD")),
        ProvisionAgreement("IDAC", "PA_UNICEF", "1.0", _ml("UNICEF reports"), dataflow=DF,
                           provider=prov),
        ContentConstraint("IDAC", "CC_MIG", "1.0", _ml("Allowed"), attachment=[DF],
                          cube_regions=[CubeRegion(True, {
                              "FREQ": ComponentValues(["A"]),
                              "REF_AREA": ComponentValues(["W"], cascade=True),
                              "TIME_PERIOD": ComponentValues(start_period="2000",
                                                             end_period="2020",
                                                             end_inclusive=False),
                              "OBS_STATUS": ComponentValues(["A"], include=False,
                                                            is_attribute=True),
                          })],
                          key_sets=[DataKeySet(True, [DataKey({"FREQ": "A", "REF_AREA": "KE"})])]),
        Hierarchy("IDAC", "H_AREA", "1.0", _ml("Geography", "Geografía"), has_formal_levels=True,
                  levels=[HierarchyLevel("L1", _ml("World")), HierarchyLevel("L2", _ml("Region"))],
                  codes=[HierarchicalCode("W", CL_AREA.with_item("W"), level="L1", children=[
                      HierarchicalCode("AF", CL_AREA.with_item("AF"), level="L2",
                                       valid_from="2001-01-01T00:00:00Z")])]),
        HierarchyAssociation("IDAC", "HA_AREA", "1.0", _ml("Area hierarchy"),
                             linked_hierarchy=HIER,
                             linked_object=Ref(T.DATA_STRUCTURE, "IDAC", "DSD_MIG", "1.0",
                                               "REF_AREA"),
                             context_object=DF),
        RepresentationMap("IDAC", "RM_AREA", "1.0", _ml("Area map"), sources=[CL_AREA],
                          source_types=[None], targets=[None], target_types=["String"],
                          mappings=[ValueMapping(["W"], ["001"]),
                                    ValueMapping(["A.*"], ["002"], [True])]),
        StructureMap("IDAC", "SM_MIG", "1.0", _ml("DSD to flow"), source=DSD, target=DF,
                     component_maps=[ComponentMap(["REF_AREA"], ["AREA"], RM)],
                     fixed_values=[FixedValueMap("UNIT", "PERS")]),
    ]


def legacy() -> list[MaintainableArtefact]:
    """SDMX 2.1-only types: a hierarchical codelist and a structure set."""
    h = Hierarchy("IDAC", "GEO", "1.0", _ml("Geo"), codes=[
        HierarchicalCode("W", CL_AREA.with_item("W"), children=[
            HierarchicalCode("AF", CL_AREA.with_item("AF"))])])
    return [
        HierarchicalCodelist("IDAC", "HCL_AREA", "1.0", _ml("Area HCL"), hierarchies=[h]),
        StructureSet("IDAC", "SS_AREA", "1.0", _ml("Structure set"), related_structures=[DSD],
                     codelist_maps=[CodelistMap("CLM", CL_AREA, CL_FREQ, _ml("Map"),
                                                [("W", "A")])]),
    ]


def all_current() -> list[MaintainableArtefact]:
    """Every artefact that SDMX-JSON 2.0 represents natively (round-trip set)."""
    return [*codelists(), concept_scheme(), data_structure(), *organisation_schemes(),
            category_scheme(), *others()]


def everything() -> list[MaintainableArtefact]:
    """Every model type."""
    return [*all_current(), *legacy()]
