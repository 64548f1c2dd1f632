"""StructureWriter30 on hand-built model objects: every artefact type, every detail, 2.1
conversions.

Every output is validated against the official SDMX-ML 3.0 XSD and read back with StructureReader30.
"""

from __future__ import annotations

import contextlib
import io

import pytest
from lxml import etree

from registry.formats.sdmxml30.structure_reader import StructureReader30
from registry.formats.sdmxml30.structure_writer import StructureWriter30
from registry.formats.structure_base import MessageHeader, WriteItem
from registry.sdmx.model import (
    AgencyScheme,
    Annotation,
    AttributeRelationship,
    Categorisation,
    Category,
    CategoryScheme,
    Code,
    Codelist,
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
    TextFormat,
    ValueMapping,
)
from registry.sdmx.refs import ArtefactType, Ref
from registry.sdmx.schemas import xml_schema

V = "1.0.0"
CL = Ref(ArtefactType.CODELIST, "IDAC", "CL_AREA", V)
CS = Ref(ArtefactType.CONCEPT_SCHEME, "IDAC", "CONCEPTS", V)
DSD = Ref(ArtefactType.DATA_STRUCTURE, "IDAC", "DSD_MIG", V)
FLOW = Ref(ArtefactType.DATAFLOW, "IDAC", "MIG", V)
NOTE = Annotation(
    id="n1",
    title="T",
    type="NOTE",
    url="https://example.org/n",
    text={"en": "note", "fr": "note"},
    value="v",
)


def write(items: list[WriteItem] | list[MaintainableArtefact], **header: str) -> bytes:
    wrapped = [i if isinstance(i, WriteItem) else WriteItem(i) for i in items]
    return StructureWriter30().write(wrapped, MessageHeader(**header))


def assert_valid(data: bytes) -> etree._Element:
    doc = etree.fromstring(data)
    schema = xml_schema("3.0")
    if not schema.validate(doc):
        pytest.fail("\n".join(f"{e.line}: {e.message}" for e in list(schema.error_log)[:10]))
    return doc


def dim(
    did: str, pos: int, rep: Representation | None = None, kind: str = "dimension"
) -> Dimension:
    return Dimension(
        id=did, concept=CS.with_item(did), local_representation=rep, position=pos, kind=kind
    )


def catalogue() -> list[MaintainableArtefact]:
    """One artefact of every type the 3.0 writer handles, with most optional facts set."""
    common = {"agency": "IDAC", "version": V, "is_final": True}
    area = Representation(enumeration=CL)
    dsd = DataStructure(
        id="DSD_MIG",
        names={"en": "Migration", "fr": "Migration"},
        descriptions={"en": "Flows"},
        annotations=[NOTE],
        valid_from="2020-01-01T00:00:00",
        uri="https://example.org/dsd",
        **common,
        dimensions=[
            dim("REF_AREA", 1, area),
            dim(
                "SEX",
                2,
                Representation(text_format=TextFormat(text_type="AlphaNumeric", max_length=2)),
            ),
            dim(
                "TIME_PERIOD",
                3,
                Representation(text_format=TextFormat(text_type="GregorianTimePeriod")),
                "time",
            ),
        ],
        groups=[Group(id="SIBLING", dimensions=["SEX"], annotations=[NOTE])],
        attributes=[
            DataAttribute(
                id="UNIT",
                concept=CS.with_item("UNIT"),
                mandatory=True,
                local_representation=Representation(enumeration=CL, min_occurs=1, max_occurs=-1),
            ),
            DataAttribute(
                id="SOURCE",
                concept=CS.with_item("SOURCE"),
                relationship=AttributeRelationship(kind="dimensions", dimensions=["REF_AREA"]),
                local_representation=Representation(
                    text_format=TextFormat(text_type="XHTML", is_multilingual=True)
                ),
            ),
            DataAttribute(
                id="GRP_NOTE",
                concept=CS.with_item("GRP_NOTE"),
                relationship=AttributeRelationship(kind="group", group="SIBLING"),
            ),
            DataAttribute(
                id="OBS_STATUS",
                concept=CS.with_item("OBS_STATUS"),
                mandatory=True,
                relationship=AttributeRelationship(kind="observation"),
                measure_relationship=["OBS_VALUE", "OBS_COUNT"],
                concept_roles=[CS.with_item("STATUS_ROLE")],
                annotations=[NOTE],
            ),
        ],
        measures=[
            Measure(
                id="OBS_VALUE",
                concept=CS.with_item("OBS_VALUE"),
                mandatory=True,
                local_representation=Representation(
                    text_format=TextFormat(text_type="Decimal", decimals=2, min_value="0")
                ),
            ),
            Measure(
                id="OBS_COUNT",
                concept=CS.with_item("OBS_COUNT"),
                local_representation=Representation(text_format=TextFormat(text_type="Integer")),
            ),
        ],
    )
    hierarchy = Hierarchy(
        id="H_AREA",
        names={"en": "Areas"},
        has_formal_levels=True,
        **common,
        levels=[
            HierarchyLevel("REGION", {"en": "Region"}),
            HierarchyLevel("COUNTRY", {"en": "Country"}),
        ],
        codes=[
            HierarchicalCode(
                "WORLD",
                CL.with_item("W"),
                level="REGION",
                valid_from="2020-01-01T00:00:00",
                children=[
                    HierarchicalCode("FR", CL.with_item("FR"), level="COUNTRY", annotations=[NOTE])
                ],
            )
        ],
    )
    return [
        AgencyScheme(
            id="AGENCIES",
            agency="SDMX",
            version="1.0",
            is_final=True,
            names={"en": "Agencies"},
            items=[
                Organisation(
                    id="IDAC",
                    names={"en": "IDAC"},
                    contacts=[
                        Contact(
                            name={"en": "Desk"},
                            department={"en": "Stats"},
                            role={"en": "Help"},
                            telephone=["+1"],
                            email=["a@b.org"],
                            uri=["https://idac.org"],
                        )
                    ],
                )
            ],
        ),
        DataProviderScheme(
            id="DATA_PROVIDERS",
            agency="IDAC",
            version="1.0",
            is_final=True,
            names={"en": "P"},
            items=[Organisation(id="UNICEF", names={"en": "UNICEF"})],
        ),
        DataConsumerScheme(
            id="DATA_CONSUMERS",
            agency="IDAC",
            version="1.0",
            is_final=True,
            names={"en": "C"},
            items=[Organisation(id="PUBLIC", names={"en": "Public"})],
        ),
        OrganisationUnitScheme(
            id="UNITS",
            agency="IDAC",
            version="1.0",
            is_final=True,
            names={"en": "Units"},
            items=[
                Organisation(id="HQ", names={"en": "HQ"}),
                Organisation(id="DATA", names={"en": "Data"}, parent="HQ"),
            ],
        ),
        Codelist(
            id="CL_AREA",
            names={"en": "Areas"},
            annotations=[NOTE],
            is_partial=True,
            **common,
            items=[
                Code(id="W", names={"en": "World"}, descriptions={"en": "All"}),
                Code(
                    id="FR", names={"en": "France", "fr": "France"}, parent="W", annotations=[NOTE]
                ),
            ],
            extends=[Ref(ArtefactType.CODELIST, "SDMX", "CL_AREA", "2.0")],
        ),
        ConceptScheme(
            id="CONCEPTS",
            names={"en": "Concepts"},
            **common,
            items=[
                Concept(
                    id="REF_AREA",
                    names={"en": "Area"},
                    core_representation=Representation(enumeration=CL),
                    iso_concept="ISO:3166:A2",
                ),
                Concept(
                    id="OBS_VALUE",
                    names={"en": "Value"},
                    parent="REF_AREA",
                    core_representation=Representation(text_format=TextFormat(text_type="Double")),
                ),
            ],
        ),
        CategoryScheme(
            id="TOPICS",
            names={"en": "Topics"},
            **common,
            items=[
                Category(id="MIG", names={"en": "Migration"}),
                Category(id="REF", names={"en": "Refugees"}, parent="MIG"),
                Category(id="ASY", names={"en": "Asylum"}, parent="REF"),
                Category(id="POP", names={"en": "Population"}),
            ],
        ),
        Categorisation(
            id="CAT1",
            names={"en": "c"},
            source=FLOW,
            target=Ref(ArtefactType.CATEGORY_SCHEME, "IDAC", "TOPICS", V, "MIG.REF"),
            **common,
        ),
        dsd,
        Dataflow(id="MIG", names={"en": "Migration flow"}, structure=DSD, **common),
        ContentConstraint(
            id="CC",
            names={"en": "Allowed"},
            role="Allowed",
            attachment=[FLOW],
            **common,
            key_sets=[
                DataKeySet(include=True, keys=[DataKey({"REF_AREA": "FR", "SEX": "F"})]),
                DataKeySet(include=False, keys=[DataKey({"REF_AREA": "W"})]),
            ],
            cube_regions=[
                CubeRegion(
                    include=True,
                    components={
                        "REF_AREA": ComponentValues(values=["W"], cascade=True),
                        "TIME_PERIOD": ComponentValues(
                            start_period="2000", end_period="2020-12", end_inclusive=False
                        ),
                        "UNIT": ComponentValues(values=["PS"], is_attribute=True),
                    },
                ),
                CubeRegion(
                    include=False, components={"SEX": ComponentValues(values=["U"], include=False)}
                ),
            ],
        ),
        ContentConstraint(
            id="CC_ACTUAL",
            names={"en": "Actual"},
            role="Actual",
            **common,
            attachment=[Ref(ArtefactType.PROVISION_AGREEMENT, "IDAC", "PA", V)],
            cube_regions=[
                CubeRegion(components={"TIME_PERIOD": ComponentValues(end_period="2024")})
            ],
        ),
        ProvisionAgreement(
            id="PA",
            names={"en": "PA"},
            dataflow=FLOW,
            **common,
            provider=Ref(
                ArtefactType.DATA_PROVIDER_SCHEME, "IDAC", "DATA_PROVIDERS", "1.0", "UNICEF"
            ),
        ),
        hierarchy,
        HierarchyAssociation(
            id="HA",
            names={"en": "HA"},
            linked_hierarchy=hierarchy.ref,
            linked_object=DSD.with_item("REF_AREA"),
            context_object=FLOW,
            **common,
        ),
        RepresentationMap(
            id="RM_AREA",
            names={"en": "Area map"},
            **common,
            sources=[CL, None],
            source_types=[None, "String"],
            targets=[Ref(ArtefactType.CODELIST, "SDMX", "CL_AREA", "2.0")],
            target_types=[None],
            mappings=[
                ValueMapping(
                    source=["FR", "^F.*"],
                    target=["FRA"],
                    source_is_regex=[False, True],
                    valid_from="2020-01-01",
                    valid_to="2024-12-31",
                ),
                ValueMapping(source=["W", "[0-9]+"], target=["1"], source_is_regex=[False, True]),
            ],
        ),
        StructureMap(
            id="SM",
            names={"en": "Structure map"},
            source=FLOW,
            target=DSD,
            **common,
            component_maps=[
                ComponentMap(
                    source=["REF_AREA"],
                    target=["REF_AREA"],
                    representation_map=Ref(ArtefactType.REPRESENTATION_MAP, "IDAC", "RM_AREA", V),
                ),
                ComponentMap(source=["SEX", "REF_AREA"], target=["SEX"]),
            ],
            fixed_values=[FixedValueMap("UNIT", "PS"), FixedValueMap("SOURCE", "x", role="source")],
        ),
    ]


def _all_annotations(obj: object) -> list[Annotation]:
    """Every Annotation reachable from a model object (dataclass fields, lists, dicts)."""
    found: list[Annotation] = []
    stack = [obj]
    while stack:
        cur = stack.pop()
        if isinstance(cur, Annotation):
            found.append(cur)
        elif isinstance(cur, list | tuple):
            stack.extend(cur)
        elif isinstance(cur, dict):
            stack.extend(cur.values())
        elif hasattr(cur, "__dataclass_fields__"):
            stack.extend(getattr(cur, f) for f in cur.__dataclass_fields__)
    return found


def _drop_iso_concepts(art: MaintainableArtefact) -> None:
    for item in getattr(art, "items", []):
        if isinstance(item, Concept):
            item.iso_concept = None


# --- full detail ----------------------------------------------------------------------------------


def test_every_type_is_valid_and_reads_back_equal() -> None:
    arts = catalogue()
    out = write(arts, id="MSG1", prepared="2024-05-01T10:00:00Z", sender="IDAC")
    assert_valid(out)
    back = StructureReader30().read(out)
    assert back.header == {
        "id": "MSG1",
        "prepared": "2024-05-01T10:00:00Z",
        "test": "false",
        "sender": "IDAC",
    }
    expected = {a.urn: a for a in arts}
    assert len(back.artefacts) == len(arts)
    for got in back.artefacts:
        assert got == expected[got.urn], got.urn


def test_container_order_follows_the_schema() -> None:
    doc = etree.fromstring(write(list(reversed(catalogue()))))
    containers = [etree.QName(c).localname for c in doc[1]]
    assert containers == [
        "AgencySchemes",
        "Categorisations",
        "CategorySchemes",
        "Codelists",
        "ConceptSchemes",
        "DataConstraints",
        "DataConsumerSchemes",
        "Dataflows",
        "DataProviderSchemes",
        "DataStructures",
        "Hierarchies",
        "HierarchyAssociations",
        "OrganisationUnitSchemes",
        "ProvisionAgreements",
        "RepresentationMaps",
        "StructureMaps",
    ]


def test_urns_and_3_0_spellings() -> None:
    out = write(catalogue()).decode()
    assert 'urn="urn:sdmx:org.sdmx.infomodel.registry.DataConstraint=IDAC:CC(1.0.0)"' in out
    assert 'role="Actual"' in out
    assert 'usage="mandatory"' in out
    assert "<str:MeasureRelationship><str:Measure>OBS_VALUE</str:Measure>" in out
    assert "urn:sdmx:org.sdmx.infomodel.datastructure.Dimension=IDAC:DSD_MIG(1.0.0).REF_AREA" in out
    assert '<str:SourceValue isRegEx="true">^F.*</str:SourceValue>' in out
    assert 'validFrom="2020-01-01" validTo="2024-12-31"' in out
    assert "isFinal" not in out


def test_pysdmx_reads_the_catalogue() -> None:
    from pysdmx.io import read_sdmx

    # pysdmx 1.20 knows neither the 3.0 AnnotationValue, CodelistExtension, ISOConceptReference nor
    # annotations on DSD groups, nor FixedValueMaps on the source side (TypeError: unexpected
    # keyword
    # argument): it gets the catalogue without.
    arts = catalogue()
    for a in arts:
        for note in _all_annotations(a):
            note.value = None
        if isinstance(a, Codelist):
            a.extends = []
        _drop_iso_concepts(a)
        if isinstance(a, DataStructure):
            for g in a.groups:
                g.annotations = []
        if isinstance(a, StructureMap):
            a.fixed_values = [f for f in a.fixed_values if f.role == "target"]
    msg = read_sdmx(write(arts).decode(), validate=True)
    kinds = {type(s).__name__ for s in msg.structures}
    assert {
        "Codelist",
        "ConceptScheme",
        "DataStructureDefinition",
        "Dataflow",
        "Hierarchy",
        "RepresentationMap",
        "StructureMap",
        "Categorisation",
        "CategoryScheme",
    } <= kinds


def test_sdmx1_reads_what_it_supports() -> None:
    import sdmx
    import sdmx.reader.xml.v30  # noqa: F401 - import before any 2.1 read (sdmx1 process-state bug)

    # sdmx1 2.28 implements neither organisation schemes other than agencies, nor hierarchies,
    # mappings, group attribute relationships or MeasureRelationship: give it the rest.
    arts = [
        a
        for a in catalogue()
        if a.type
        in (
            ArtefactType.CODELIST,
            ArtefactType.CONCEPT_SCHEME,
            ArtefactType.CATEGORY_SCHEME,
            ArtefactType.DATAFLOW,
            ArtefactType.AGENCY_SCHEME,
        )
    ]
    for a in arts:  # nor ISOConceptReference
        _drop_iso_concepts(a)
    with contextlib.redirect_stdout(io.StringIO()):
        msg = sdmx.read_sdmx(io.BytesIO(write(arts)))
    assert len(msg.codelist["CL_AREA"]) == 2
    assert msg.dataflow["MIG"].name.localizations["en"] == "Migration flow"


# --- stub and completestub ------------------------------------------------------------------------


@pytest.mark.parametrize("detail", ["stub", "completestub"])
def test_stubs_are_valid(detail: str) -> None:
    arts = catalogue()
    items = [
        WriteItem(
            a, detail, f"https://registry.example/{a.type.rest_v2}/{a.agency}/{a.id}/{a.version}"
        )
        for a in arts
    ]
    out = write(items)
    doc = assert_valid(out)
    back = StructureReader30().read(out)
    assert len(back.artefacts) == len(arts)
    for got in back.artefacts:
        assert got.is_external_reference is True
        assert got.structure_url
        assert got.structure_url.startswith("https://registry.example/")
        assert getattr(got, "items", []) == []
        if isinstance(got, DataStructure):
            assert got.dimensions == []
        if detail == "stub":
            assert got.descriptions == {}
            assert got.annotations == []
    text = out.decode()
    assert "<str:Code " not in text
    assert "RepresentationMapping" not in text
    if detail == "completestub":
        dsd = next(a for a in back.artefacts if isinstance(a, DataStructure))
        assert dsd.descriptions == {"en": "Flows"}
        assert dsd.annotations == [NOTE]
    assert doc.find(".//{*}ProvisionAgreement/{*}Dataflow") is not None  # required even in stubs
