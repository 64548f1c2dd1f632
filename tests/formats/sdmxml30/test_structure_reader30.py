"""StructureReader30: the SDMX-ML 3.0 specimens, 3.0-only notions, and malformed input."""

from __future__ import annotations

from pathlib import Path

import pytest

from registry.errors import MessageSyntaxError, StructureError
from registry.formats.sdmxml30.structure_reader import StructureReader30
from registry.sdmx.model import (
    Codelist,
    ConceptScheme,
    ContentConstraint,
    Dataflow,
    DataStructure,
    Hierarchy,
    RepresentationMap,
    StructureMap,
)
from registry.sdmx.refs import ArtefactType, Ref

HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<mes:Structure xmlns:mes="http://www.sdmx.org/resources/sdmxml/schemas/v3_0/message" '
    'xmlns:str="http://www.sdmx.org/resources/sdmxml/schemas/v3_0/structure" '
    'xmlns:com="http://www.sdmx.org/resources/sdmxml/schemas/v3_0/common">\n'
    "<mes:Header><mes:ID>T</mes:ID><mes:Test>true</mes:Test>"
    "<mes:Prepared>2024-01-01T00:00:00Z</mes:Prepared>"
    '<mes:Sender id="S"/></mes:Header>\n'
)


def message(structures: str) -> bytes:
    """A 3.0 structure message around ``structures`` (the inside of mes:Structures)."""
    return (HEAD + f"<mes:Structures>{structures}</mes:Structures></mes:Structure>").encode()


def read(data: bytes):
    return StructureReader30().read(data)


# --- specimens ------------------------------------------------------------------------------------


def test_ecb_exr1_sample(specimens: Path) -> None:
    msg = read((specimens / "SDMX-TWG/v30/ECB_EXR1.xml").read_bytes())
    assert msg.header == {
        "id": "IREF262603",
        "prepared": "2021-03-08T17:57:45Z",
        "test": "false",
        "sender": "Unknown",
    }
    (dsd,) = msg.artefacts
    assert isinstance(dsd, DataStructure)
    assert dsd.ref == Ref(ArtefactType.DATA_STRUCTURE, "ECB", "ECB_EXR", "1.0")
    assert [d.id for d in dsd.key_dimensions] == [
        "FREQ",
        "CURRENCY",
        "CURRENCY_DENOM",
        "EXR_TYPE",
        "EXR_SUFFIX",
    ]
    assert dsd.time_dimension is not None
    assert dsd.time_dimension.id == "TIME_PERIOD"
    assert (
        dsd.time_dimension.local_representation.text_format.text_type == "ObservationalTimePeriod"
    )
    assert [g.id for g in dsd.groups] == ["Group"]
    assert dsd.groups[0].dimensions == ["CURRENCY", "CURRENCY_DENOM", "EXR_TYPE", "EXR_SUFFIX"]
    assert len(dsd.attributes) == 24
    time_format = dsd.component("TIME_FORMAT")
    assert time_format.mandatory is True
    assert time_format.relationship.kind == "dimensions"
    obs_status = dsd.component("OBS_STATUS")
    assert obs_status.relationship.kind == "observation"
    assert [m.id for m in dsd.measures] == ["OBS_VALUE"]
    freq = dsd.component("FREQ")
    assert freq.concept == Ref(ArtefactType.CONCEPT_SCHEME, "ECB", "ECB_CONCEPTS", "1.0", "FREQ")
    assert freq.local_representation.enumeration == Ref(
        ArtefactType.CODELIST, "ECB", "CL_FREQ", "1.0"
    )


def test_global_registry_na_main(specimens: Path) -> None:
    msg = read((specimens / "ESTAT/NA_MAIN-global-registry-3.0.xml").read_bytes())
    codelists = msg.of_type(ArtefactType.CODELIST)
    assert len(codelists) == 30
    assert sum(len(c.items) for c in codelists) == 4577
    (dsd,) = msg.of_type(ArtefactType.DATA_STRUCTURE)
    assert dsd.ref == Ref(ArtefactType.DATA_STRUCTURE, "ESTAT", "NA_MAIN", "1.6")
    assert len(dsd.key_dimensions) == 14
    assert dsd.time_dimension is not None
    assert dsd.time_dimension.id == "TIME_PERIOD"
    (flow,) = msg.of_type(ArtefactType.DATAFLOW)
    assert isinstance(flow, Dataflow)
    assert flow.ref.short == "SDMX:NAMAIN_IDC_N(1.0)"
    assert flow.structure == dsd.ref
    # URNs with trailing newlines and indentation are read cleanly
    for comp in (*dsd.dimensions, *dsd.attributes, *dsd.measures):
        assert comp.concept is not None
        assert comp.concept.agency == "ESTAT"
    with_measure_rel = [a for a in dsd.attributes if a.measure_relationship]
    assert len(with_measure_rel) == 5
    assert all(a.measure_relationship == ["OBS_VALUE"] for a in with_measure_rel)
    (agencies,) = msg.of_type(ArtefactType.AGENCY_SCHEME)
    assert agencies.version == "1.0"  # organisation schemes carry no version in 3.0
    sdmx_agency = agencies.item_map()["SDMX"]
    assert sdmx_agency.contacts[0].email == ["secretariat@sdmx.org"]
    (concepts,) = msg.of_type(ArtefactType.CONCEPT_SCHEME)
    assert isinstance(concepts, ConceptScheme)
    assert sum(1 for c in concepts.items if c.core_representation is not None) == 37


def test_handles(specimens: Path) -> None:
    assert StructureReader30.handles((specimens / "SDMX-TWG/v30/ECB_EXR1.xml").read_bytes()[:1024])
    assert StructureReader30.handles(b"\xef\xbb\xbf" + message("")[:600])
    assert not StructureReader30.handles(
        (specimens / "ECB/ECB_EXR1-structure-full.xml").read_bytes()[:1024]
    )
    assert not StructureReader30.handles(
        (specimens / "SDMX-TWG/v30/ECB_EXR0.xml").read_bytes()[:1024]
    )


# --- 3.0 notions ----------------------------------------------------------------------------------


def test_semantic_versions_codelist_extension_and_annotation_value() -> None:
    msg = read(
        message(
            "<str:Codelists>"
            '<str:Codelist id="CL_A" agencyID="X" version="1.2.0-draft">'
            '<com:Annotations><com:Annotation id="a1"><com:AnnotationType>T</com:AnnotationType>'
            '<com:AnnotationText xml:lang="fr">texte</com:AnnotationText>'
            "<com:AnnotationValue>42</com:AnnotationValue></com:Annotation></com:Annotations>"
            '<com:Name xml:lang="en">A</com:Name><com:Name xml:lang="fr">Un</com:Name>'
            '<str:Code id="P"><com:Name>Parent</com:Name></str:Code>'
            '<str:Code id="C"><com:Name>Child</com:Name><str:Parent>P</str:Parent></str:Code>'
            '<str:CodelistExtension prefix="x"><str:Codelist>\n'
            " urn:sdmx:org.sdmx.infomodel.codelist.Codelist=X:CL_B(1.0.0)\n"
            "</str:Codelist></str:CodelistExtension>"
            "</str:Codelist></str:Codelists>"
        )
    )
    (cl,) = msg.artefacts
    assert isinstance(cl, Codelist)
    assert cl.version == "1.2.0-draft"
    assert cl.is_final is False
    assert cl.names == {"en": "A", "fr": "Un"}
    assert cl.annotations[0].value == "42"
    assert cl.annotations[0].text == {"fr": "texte"}
    assert [(c.id, c.parent) for c in cl.items] == [("P", None), ("C", "P")]
    assert cl.extends == [Ref(ArtefactType.CODELIST, "X", "CL_B", "1.0.0")]


def test_nested_categories_are_flattened_with_parent() -> None:
    msg = read(
        message(
            '<str:CategorySchemes><str:CategoryScheme id="CS" agencyID="X" version="1.0.0">'
            "<com:Name>S</com:Name>"
            '<str:Category id="A"><com:Name>A</com:Name>'
            '<str:Category id="A1"><com:Name>A1</com:Name></str:Category></str:Category>'
            '<str:Category id="B"><com:Name>B</com:Name></str:Category>'
            "</str:CategoryScheme></str:CategorySchemes>"
        )
    )
    assert [(c.id, c.parent) for c in msg.artefacts[0].items] == [
        ("A", None),
        ("A1", "A"),
        ("B", None),
    ]
    assert msg.artefacts[0].is_final is True


def test_value_lists_are_skipped_and_reported() -> None:
    msg = read(
        message(
            '<str:ValueLists><str:ValueList id="VL" agencyID="X" version="1.0">'
            "<com:Name>V</com:Name>"
            '<str:ValueItem id="a b"/></str:ValueList></str:ValueLists>'
        )
    )
    assert msg.artefacts == []
    assert msg.header["skipped"] == "ValueLists"


def test_constraint_hierarchy_and_maps() -> None:
    msg = read(
        message(
            '<str:DataConstraints><str:DataConstraint id="C" agencyID="X" version="1.0"'
            ' role="Actual">'
            "<com:Name>C</com:Name><str:ConstraintAttachment>"
            "<str:Dataflow>urn:sdmx:org.sdmx.infomodel.datastructure.Dataflow=X:F(1.0)</str:Dataflow>"
            "</str:ConstraintAttachment>"
            '<str:DataKeySet isIncluded="false"><str:Key><str:KeyValue id="D">'
            "<str:Value>v</str:Value>"
            "</str:KeyValue></str:Key></str:DataKeySet>"
            '<str:CubeRegion include="true"><str:KeyValue id="D"><str:Value'
            ' cascadeValues="true">a</str:Value>'
            '</str:KeyValue><str:KeyValue id="TIME_PERIOD"><str:TimeRange><str:AfterPeriod'
            ' isInclusive="false">'
            '2020</str:AfterPeriod></str:TimeRange></str:KeyValue><str:Component id="ATT">'
            "<str:Value>z</str:Value>"
            "</str:Component></str:CubeRegion>"
            "</str:DataConstraint></str:DataConstraints>"
            '<str:Hierarchies><str:Hierarchy id="H" agencyID="X" version="1.0"'
            ' hasFormalLevels="true">'
            '<com:Name>H</com:Name><str:Level id="L1"><com:Name>l1</com:Name><str:Level id="L2">'
            "<com:Name>l2</com:Name></str:Level></str:Level>"
            '<str:HierarchicalCode id="A">'
            "<str:Code>urn:sdmx:org.sdmx.infomodel.codelist.Code=X:CL(1.0).A</str:Code>"
            '<str:HierarchicalCode id="B">'
            "<str:Code>urn:sdmx:org.sdmx.infomodel.codelist.Code=X:CL(1.0).B</str:Code>"
            "<str:Level>L2</str:Level></str:HierarchicalCode><str:Level>L1</str:Level>"
            "</str:HierarchicalCode>"
            "</str:Hierarchy></str:Hierarchies>"
            '<str:RepresentationMaps><str:RepresentationMap id="RM" agencyID="X" version="1.0">'
            "<com:Name>R</com:Name>"
            "<str:SourceCodelist>urn:sdmx:org.sdmx.infomodel.codelist.Codelist=X:CL(1.0)</str:SourceCodelist>"
            "<str:SourceDataType>String</str:SourceDataType>"
            "<str:TargetCodelist>urn:sdmx:org.sdmx.infomodel.codelist.ValueList=X:VL(1.0)</str:TargetCodelist>"
            '<str:RepresentationMapping validFrom="2020-01-01"><str:SourceValue>A</str:SourceValue>'
            '<str:SourceValue isRegEx="true">^x.*</str:SourceValue>'
            "<str:TargetValue>T</str:TargetValue>"
            "</str:RepresentationMapping></str:RepresentationMap></str:RepresentationMaps>"
            '<str:StructureMaps><str:StructureMap id="SM" agencyID="X" version="1.0">'
            "<com:Name>S</com:Name>"
            "<str:Source>urn:sdmx:org.sdmx.infomodel.datastructure.Dataflow=X:F(1.0)</str:Source>"
            "<str:Target>urn:sdmx:org.sdmx.infomodel.datastructure.DataStructure=X:D(1.0)</str:Target>"
            "<str:ComponentMap><str:Source>A</str:Source><str:Target>B</str:Target>"
            "<str:RepresentationMap>urn:sdmx:org.sdmx.infomodel.structuremapping.RepresentationMap=X:RM(1.0)"
            "</str:RepresentationMap></str:ComponentMap>"
            "<str:FixedValueMap><str:Target>C</str:Target><str:Value>1</str:Value>"
            "</str:FixedValueMap>"
            "</str:StructureMap></str:StructureMaps>"
        )
    )
    cc, h, rm, sm = msg.artefacts
    assert isinstance(cc, ContentConstraint)
    assert cc.role == "Actual"
    assert cc.attachment == [Ref(ArtefactType.DATAFLOW, "X", "F", "1.0")]
    assert cc.key_sets[0].include is False
    assert cc.key_sets[0].keys[0].values == {"D": "v"}
    region = cc.cube_regions[0]
    assert region.components["D"].values == ["a"]
    assert region.components["D"].cascade
    assert region.components["TIME_PERIOD"].start_period == "2020"
    assert region.components["TIME_PERIOD"].start_inclusive is False
    assert region.components["ATT"].is_attribute
    assert isinstance(h, Hierarchy)
    assert h.has_formal_levels
    assert [lv.id for lv in h.levels] == ["L1", "L2"]
    assert h.codes[0].children[0].code == Ref(ArtefactType.CODELIST, "X", "CL", "1.0", "B")
    assert (h.codes[0].level, h.codes[0].children[0].level) == ("L1", "L2")
    assert isinstance(rm, RepresentationMap)
    assert rm.sources == [Ref(ArtefactType.CODELIST, "X", "CL", "1.0"), None]
    assert rm.source_types == [None, "String"]
    assert rm.targets == [Ref(ArtefactType.VALUE_LIST, "X", "VL", "1.0")]
    assert rm.mappings[0].source_is_regex == [False, True]
    assert rm.mappings[0].valid_from == "2020-01-01"
    assert isinstance(sm, StructureMap)
    assert sm.source.type is ArtefactType.DATAFLOW
    assert sm.target.type is ArtefactType.DATA_STRUCTURE
    assert sm.component_maps[0].representation_map == rm.ref
    assert sm.fixed_values[0].component == "C"
    assert sm.fixed_values[0].value == "1"


# --- malformed input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "error", "fragment"),
    [
        pytest.param(b"<not xml", MessageSyntaxError, "well-formed", id="not-xml"),
        pytest.param(
            message(
                '<str:Codelists><str:Codelist agencyID="X"><com:Name>a</com:Name>'
                "</str:Codelist></str:Codelists>"
            ),
            StructureError,
            "'id' (line 4)",
            id="missing-id",
        ),
        pytest.param(
            message(
                '<str:Codelists><str:Codelist id="A" agencyID="X"><com:Name>a</com:Name>'
                "<str:CodelistExtension><str:Codelist>not-a-urn</str:Codelist>"
                "</str:CodelistExtension></str:Codelist></str:Codelists>"
            ),
            StructureError,
            "Not an SDMX URN",
            id="bad-urn",
        ),
        pytest.param(
            message("<str:Gadgets/>"), StructureError, "Unknown structure container", id="container"
        ),
        pytest.param(
            message('<str:Codelists><str:Concept id="A"/></str:Codelists>'),
            StructureError,
            "Unexpected <Concept>",
            id="wrong-child",
        ),
        pytest.param(
            message(
                '<str:DataConstraints><str:DataConstraint id="A" agencyID="X" role="Maybe">'
                "<com:Name>a</com:Name></str:DataConstraint></str:DataConstraints>"
            ),
            StructureError,
            "role='Maybe'",
            id="bad-role",
        ),
        pytest.param(
            message(
                '<str:Dataflows><str:Dataflow id="A" agencyID="X" isExternalReference="yes">'
                "<com:Name>a</com:Name></str:Dataflow></str:Dataflows>"
            ),
            StructureError,
            "not a boolean",
            id="bad-boolean",
        ),
        pytest.param(
            b'<mes:Structure xmlns:mes="http://www.sdmx.org/resources/sdmxml/schemas/v3_0/message">'
            b"<mes:Structures/></mes:Structure>",
            MessageSyntaxError,
            "no Header",
            id="no-header",
        ),
    ],
)
def test_malformed(data: bytes, error: type[Exception], fragment: str) -> None:
    with pytest.raises(error) as info:
        read(data)
    assert fragment in str(info.value)


def test_line_numbers_are_reported() -> None:
    data = message(
        '\n\n<str:Dataflows>\n<str:Dataflow agencyID="X">\n<com:Name>a</com:Name>'
        "</str:Dataflow></str:Dataflows>"
    )
    with pytest.raises(StructureError) as info:
        read(data)
    assert info.value.details["line"] == 7


@pytest.mark.parametrize(
    ("path", "fragment"),
    [
        ("EDGE/error-150.xml", "SDMX Error message"),
        ("SDMX-TWG/v30/ECB_EXR0.xml", "StructureSpecificData message"),
        ("ECB/M.USD.EUR.SP00.A.xml", "GenericData message"),
        ("ECB/ECB_EXR1-structure-full.xml", "SDMX-ML 2.1 structure message"),
    ],
)
def test_other_messages_are_refused(specimens: Path, path: str, fragment: str) -> None:
    with pytest.raises(MessageSyntaxError) as info:
        read((specimens / path).read_bytes())
    assert fragment in str(info.value)
    if path.startswith("EDGE"):
        assert "150" in str(info.value)


def test_doctype_is_refused() -> None:
    with pytest.raises(MessageSyntaxError):
        read(b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>')
