"""StructureWriter30: SDMX 2.1-only types and facts, values 3.0 cannot express, the header.

Every output is validated against the official SDMX-ML 3.0 XSD and read back with StructureReader30.
"""

from __future__ import annotations

import pytest
from lxml import etree

from registry.formats.sdmxml30.structure_reader import StructureReader30
from registry.formats.sdmxml30.structure_writer import StructureWriter30, to_30
from registry.formats.structure_base import MessageHeader, WriteItem
from registry.sdmx.model import (
    AgencyScheme,
    AttributeRelationship,
    Code,
    Codelist,
    CodelistMap,
    ComponentValues,
    ContentConstraint,
    CubeRegion,
    DataAttribute,
    DataKey,
    DataKeySet,
    DataStructure,
    Dimension,
    HierarchicalCode,
    HierarchicalCodelist,
    Hierarchy,
    HierarchyAssociation,
    MaintainableArtefact,
    Measure,
    Organisation,
    ProvisionAgreement,
    Representation,
    RepresentationMap,
    StructureSet,
    TextFormat,
)
from registry.sdmx.refs import ArtefactType, Ref
from registry.sdmx.schemas import xml_schema

CL = Ref(ArtefactType.CODELIST, "IDAC", "CL_AREA", "1.0.0")
CS = Ref(ArtefactType.CONCEPT_SCHEME, "IDAC", "CONCEPTS", "1.0.0")


def write(items: list[MaintainableArtefact], **header: str) -> bytes:
    return StructureWriter30().write([WriteItem(i) for i in items], MessageHeader(**header))


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


# --- conversions and lossy spots ------------------------------------------------------------------


def test_hierarchical_codelist_becomes_hierarchies() -> None:
    node = HierarchicalCode(
        "W", CL.with_item("W"), children=[HierarchicalCode("FR", CL.with_item("FR"))]
    )
    hcl = HierarchicalCodelist(
        agency="IDAC",
        id="HCL",
        version="1.0",
        names={"en": "HCL"},
        hierarchies=[
            Hierarchy(agency="IDAC", id="GEO", version="1.0", names={"en": "Geo"}, codes=[node]),
            Hierarchy(agency="IDAC", id="EMPTY", version="1.0", names={"en": "Empty"}),
        ],
    )
    converted, skipped = to_30([WriteItem(hcl)])
    assert [i.artefact.id for i in converted] == ["GEO"]
    assert skipped == ["HierarchicalCodelist=IDAC:HCL(1.0) hierarchy EMPTY"]
    out = write([hcl])
    assert_valid(out)
    (h,) = StructureReader30().read(out).artefacts
    assert isinstance(h, Hierarchy)
    assert h.ref.short == "IDAC:GEO(1.0)"
    assert h.codes == [node]


def test_structure_set_codelist_maps_become_representation_maps() -> None:
    ss = StructureSet(
        agency="IDAC",
        id="SS",
        version="1.0",
        names={"en": "SS"},
        codelist_maps=[
            CodelistMap(
                "CLM",
                CL,
                Ref(ArtefactType.CODELIST, "SDMX", "CL_AREA", "2.0"),
                {"en": "m"},
                [("FR", "FRA"), ("W", "1")],
            ),
            CodelistMap("HCLM", Ref(ArtefactType.HIERARCHICAL_CODELIST, "X", "H", "1.0"), CL),
        ],
    )
    converted, skipped = to_30([WriteItem(ss)])
    assert [i.artefact.id for i in converted] == ["CLM"]
    assert len(skipped) == 2
    out = write([ss])
    assert_valid(out)
    (rm,) = StructureReader30().read(out).artefacts
    assert isinstance(rm, RepresentationMap)
    assert [(m.source, m.target) for m in rm.mappings] == [(["FR"], ["FRA"]), (["W"], ["1"])]


def test_2_1_dsd_facts_are_converted() -> None:
    concepts_scheme = Ref(ArtefactType.CONCEPT_SCHEME, "IDAC", "MEASURES", "1.0")
    dsd = DataStructure(
        agency="IDAC",
        id="OLD",
        version="1.0",
        is_final=True,
        names={"en": "2.1 DSD"},
        dimensions=[
            dim(
                "REF_AREA",
                1,
                Representation(
                    enumeration=CL,
                    text_format=TextFormat(
                        text_type="String", max_length=3, decimals=2, min_value="1.5"
                    ),
                ),
            ),
            dim("MEASURE", 2, Representation(enumeration=concepts_scheme), kind="measure"),
            dim(
                "TIME",
                3,
                Representation(
                    text_format=TextFormat(text_type="String", max_length=4, start_time="2000")
                ),
                kind="time",
            ),
        ],
        attributes=[
            DataAttribute(
                id="ATT",
                concept=CS.with_item("ATT"),
                mandatory=True,
                relationship=AttributeRelationship(
                    kind="dimensions", dimensions=["REF_AREA"], attachment_groups=["G"]
                ),
                local_representation=Representation(
                    text_format=TextFormat(text_type="AttachmentConstraintReference", interval="x")
                ),
            )
        ],
        measures=[Measure(id="OBS_VALUE", concept=CS.with_item("OBS_VALUE"))],
    )
    out = write([dsd])
    assert_valid(out)
    (back,) = StructureReader30().read(out).artefacts
    assert back.component("MEASURE").local_representation is None
    assert back.time_dimension.id == "TIME_PERIOD"
    assert back.time_dimension.local_representation.text_format == TextFormat(start_time="2000")
    area_fmt = back.component("REF_AREA").local_representation.text_format
    assert (area_fmt.max_length, area_fmt.decimals, area_fmt.min_value) == (3, None, None)
    att = back.component("ATT")
    assert att.mandatory
    assert att.relationship.attachment_groups == []
    assert att.local_representation is not None
    assert att.local_representation.text_format.text_type is None


def test_items_3_0_cannot_express() -> None:
    cl = Codelist(
        agency="IDAC",
        id="CL_SEX",
        version="1.0",
        items=[
            Code(id="_T", names={"en": "Total"}),
            Code(id="F", names={}, parent="_T"),
        ],
    )
    agencies = AgencyScheme(
        agency="IDAC",
        id="MY_AGENCIES",
        version="2.0",
        names={"en": "A"},
        items=[Organisation(id="SUB", names={"en": "s"}, parent="IDAC")],
    )
    cc = ContentConstraint(
        agency="IDAC",
        id="CC",
        version="1.0",
        role="Unknown",
        key_sets=[DataKeySet(include=True, keys=[DataKey({"A": "1"}, include=False)])],
        cube_regions=[CubeRegion(components={"A": ComponentValues()})] * 3,
    )
    cc.attachment = [
        Ref(ArtefactType.DATA_PROVIDER_SCHEME, "IDAC", "PROVIDERS", "2.0", "UNICEF"),
        Ref(ArtefactType.DATA_STRUCTURE, "IDAC", "DSD", "1.0"),
    ]
    pa = ProvisionAgreement(agency="IDAC", id="PA", version="1.0")
    out = write(
        [cl, agencies, cc, pa, HierarchyAssociation(agency="IDAC", id="HA", names={"en": "h"})]
    )
    doc = assert_valid(out)
    back = StructureReader30().read(out)
    (cl2,) = back.of_type(ArtefactType.CODELIST)
    (agencies2,) = back.of_type(ArtefactType.AGENCY_SCHEME)
    (cc2,) = back.of_type(ArtefactType.CONTENT_CONSTRAINT)
    assert cl2.names == {"en": "CL_SEX"}  # Name is required: the id stands in
    assert [(c.id, c.parent, c.names) for c in cl2.items] == [
        ("_T", None, {"en": "Total"}),
        ("F", None, {"en": "F"}),
    ]
    assert agencies2.id == "AGENCIES"
    assert agencies2.items[0].parent is None
    assert cc2.role == "Allowed"
    # 3.0 attaches to one kind of artefact; provider schemes are DATA_PROVIDERS(1.0)
    assert cc2.attachment == [Ref(ArtefactType.DATA_STRUCTURE, "IDAC", "DSD", "1.0")]
    assert [(ks.include, [k.values for k in ks.keys]) for ks in cc2.key_sets] == [
        (False, [{"A": "1"}])
    ]
    assert len(doc.findall(".//{*}CubeRegion")) == 1  # one per include value
    assert doc.find(".//{*}ProvisionAgreements") is None  # no dataflow/provider: cannot be written


def test_header_defaults_and_sanitising() -> None:
    out = write([], id="bad id!", sender="a b", prepared="yesterday")
    doc = assert_valid(out)
    assert doc.findtext("{*}Header/{*}ID") == "bad_id_"
    assert doc.find("{*}Header/{*}Sender").get("id") == "IDAC"
    assert doc.findtext("{*}Header/{*}Prepared").endswith("Z")
    assert StructureReader30().read(out).artefacts == []
