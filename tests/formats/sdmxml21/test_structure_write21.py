"""StructureWriter21: XSD validity at every detail level, round trips, and the reference clients."""

from __future__ import annotations

import contextlib
import io
from io import BytesIO
from pathlib import Path

import pytest
from lxml import etree

from registry.formats.sdmxml21.structure_reader import StructureReader21
from registry.formats.sdmxml21.structure_writer import StructureWriter21
from registry.formats.structure_base import MessageHeader, WriteItem
from registry.sdmx.model import (
    Annotation,
    Codelist,
    ComponentValues,
    ContentConstraint,
    CubeRegion,
    DataKey,
    DataKeySet,
    DataStructure,
    HierarchicalCode,
    Hierarchy,
    Measure,
    RepresentationMap,
    StructureMap,
    StructureMessage,
    TextFormat,
)
from registry.sdmx.refs import ArtefactType, Ref
from registry.sdmx.schemas import xml_schema
from tests.formats.sdmxml21.sdmxml21_structure_cases import (
    KITCHEN_SINK,
    SPECIMENS,
    Specimen,
    client_subset,
)

DETAILS = ("full", "stub", "completestub")
STR = "{http://www.sdmx.org/resources/sdmxml/schemas/v2_1/structure}"


def write(artefacts: list, detail: str = "full", url: str | None = None) -> bytes:  # type: ignore[type-arg]
    return StructureWriter21().write(
        [WriteItem(a, detail, url) for a in artefacts],
        MessageHeader(id="TEST", prepared="2024-01-01T00:00:00Z"),
    )


def assert_valid(data: bytes) -> etree._Element:
    doc = etree.fromstring(data)
    schema = xml_schema("2.1")
    assert schema.validate(doc), [str(e) for e in schema.error_log][:5]
    return doc


def read(data: bytes) -> StructureMessage:
    return StructureReader21().read(data)


@pytest.fixture(scope="module")
def kitchen_sink() -> StructureMessage:
    return read(KITCHEN_SINK)


@pytest.mark.parametrize("detail", DETAILS)
@pytest.mark.parametrize("spec", SPECIMENS, ids=str)
def test_specimen_output_is_xsd_valid(specimens: Path, spec: Specimen, detail: str) -> None:
    msg = read((specimens / spec.path).read_bytes())
    writer = StructureWriter21()
    out = writer.write(
        [WriteItem(a, detail, f"https://idac.example/{a.id}") for a in msg.artefacts],
        MessageHeader(),
    )
    assert_valid(out)
    assert writer.skipped == []


@pytest.mark.parametrize("spec", SPECIMENS, ids=str)
def test_specimen_round_trip(specimens: Path, spec: Specimen) -> None:
    msg = read((specimens / spec.path).read_bytes())
    again = read(write(msg.artefacts))
    assert again.artefacts == msg.artefacts


@pytest.mark.parametrize("detail", ["stub", "completestub"])
@pytest.mark.parametrize("spec", SPECIMENS, ids=str)
def test_stubs(specimens: Path, spec: Specimen, detail: str) -> None:
    msg = read((specimens / spec.path).read_bytes())
    out = read(write(msg.artefacts, detail, "https://idac.example/s"))
    assert [a.urn for a in out.artefacts] == [a.urn for a in msg.artefacts]
    for before, after in zip(msg.artefacts, out.artefacts, strict=True):
        assert after.is_external_reference
        assert after.structure_url == "https://idac.example/s"
        assert after.names == (before.names or {"en": before.id})
        assert not getattr(after, "items", [])
        assert not getattr(after, "dimensions", [])
        if detail == "stub":
            assert not after.descriptions
            assert not after.annotations
        else:
            assert after.descriptions == before.descriptions
            assert after.annotations == before.annotations


def test_canonical_order_header_and_urns(kitchen_sink: StructureMessage) -> None:
    shuffled = list(reversed(kitchen_sink.artefacts))
    doc = assert_valid(
        StructureWriter21().write(
            [WriteItem(a) for a in shuffled],
            MessageHeader(
                id="IDAC answer", sender="IDAC", test=True, prepared="2024-02-02T10:00:00Z"
            ),
        )
    )
    structures = doc.find("{*}Structures")
    assert [etree.QName(c).localname for c in structures] == [
        "OrganisationSchemes",
        "Dataflows",
        "CategorySchemes",
        "Categorisations",
        "Codelists",
        "HierarchicalCodelists",
        "Concepts",
        "DataStructures",
        "StructureSets",
        "Constraints",
        "ProvisionAgreements",
    ]
    header = doc.find("{*}Header")
    assert [etree.QName(c).localname for c in header] == ["ID", "Test", "Prepared", "Sender"]
    assert header.findtext("{*}ID") == "IDAC_answer"
    assert header.findtext("{*}Test") == "true"
    for el in doc.iter(
        f"{STR}Code",
        f"{STR}Dimension",
        f"{STR}Codelist",
        f"{STR}Category",
        f"{STR}Hierarchy",
        f"{STR}HierarchicalCode",
        f"{STR}PrimaryMeasure",
        f"{STR}Attribute",
    ):
        if el.get("id") is not None and el.getparent().tag != f"{STR}AttributeRelationship":
            assert el.get("urn", "").startswith("urn:sdmx:org.sdmx.infomodel."), el.tag
    refs = [r for r in doc.iter("Ref") if r.get("agencyID")]
    assert refs
    assert all(r.get("class") and r.get("package") for r in refs)
    nested = doc.find(
        f".//{STR}Category[@id='POP']/{STR}Category[@id='MIG']/{STR}Category[@id='REF']"
    )
    assert nested.get("urn").endswith("TOPICS(1.0).POP.MIG.REF")


def test_kitchen_sink_round_trip(kitchen_sink: StructureMessage) -> None:
    out = write(kitchen_sink.artefacts)
    assert_valid(out)
    assert read(out).artefacts == kitchen_sink.artefacts


@pytest.mark.parametrize("detail", DETAILS)
def test_kitchen_sink_details_are_valid(kitchen_sink: StructureMessage, detail: str) -> None:
    assert_valid(write(kitchen_sink.artefacts, detail, "https://idac.example/x"))


def test_missing_names_get_the_id() -> None:
    cl = Codelist(agency="IDAC", id="CL_X", items=[], names={})
    out = assert_valid(write([cl]))
    name = out.find(f".//{STR}Codelist/{{*}}Name")
    assert name.text == "CL_X"
    assert name.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"


def test_hierarchy_is_written_as_hcl() -> None:
    code = Ref(ArtefactType.CODELIST, "IDAC", "CL_AREA", "1.0")
    h = Hierarchy(
        agency="IDAC",
        id="H_GEO",
        version="1.0",
        names={"en": "Geo"},
        codes=[
            HierarchicalCode(
                "W", code.with_item("W"), [HierarchicalCode("AF", code.with_item("AF"))]
            )
        ],
    )
    writer = StructureWriter21()
    doc = assert_valid(writer.write([WriteItem(h)], MessageHeader()))
    assert writer.skipped == []
    (hcl,) = read(etree.tostring(doc)).artefacts
    assert hcl.type is ArtefactType.HIERARCHICAL_CODELIST
    assert hcl.id == "H_GEO"
    (inner,) = hcl.hierarchies  # type: ignore[attr-defined]
    assert inner.codes == h.codes
    assert inner.names == h.names


def test_unwritable_artefacts_are_skipped_and_reported() -> None:
    writer = StructureWriter21()
    smap = StructureMap(agency="IDAC", id="SM", names={"en": "x"})
    rmap = RepresentationMap(agency="IDAC", id="RM", names={"en": "x"})
    empty_dsd = DataStructure(agency="IDAC", id="EMPTY")
    dup = Codelist(agency="IDAC", id="CL", names={"en": "x"})
    out = writer.write(
        [
            WriteItem(smap),
            WriteItem(rmap),
            WriteItem(empty_dsd),
            WriteItem(dup),
            WriteItem(dup),
            WriteItem(Hierarchy(agency="IDAC", id="H0")),
        ],
        MessageHeader(),
    )
    assert_valid(out)
    reasons = dict(writer.skipped)
    assert set(reasons) == {
        smap.urn,
        rmap.urn,
        empty_dsd.urn,
        dup.urn,
        "urn:sdmx:org.sdmx.infomodel.codelist.Hierarchy=IDAC:H0(1.0)",
    }
    assert [a.id for a in read(out).artefacts] == ["CL"]


def test_model_values_2_1_cannot_carry_are_dropped_validly(kitchen_sink: StructureMessage) -> None:
    """3.0-only facts (extra measures, annotation values, bad facets, excluded keys) stay valid."""
    dsd = next(a for a in kitchen_sink.artefacts if isinstance(a, DataStructure))
    dsd.measures[0].id = "OBS_VALUE_3"
    dsd.measures.append(Measure(id="SECOND", concept=dsd.measures[0].concept))
    dsd.attributes[0].local_representation.text_format = TextFormat(  # type: ignore[union-attr]
        text_type="XHTML", min_length=0, interval="x", decimals=2, is_multilingual=True
    )
    dsd.annotations.append(Annotation(type="X", value="3.0 value", text={"not a language!": "y"}))
    cc = ContentConstraint(
        agency="IDAC",
        id="CC",
        names={"en": "c"},
        role="Allowed",
        key_sets=[DataKeySet(keys=[DataKey({"AREA": "KE"}, include=False), DataKey({})])],
        cube_regions=[CubeRegion(components={"AREA": ComponentValues()})],
    )
    writer = StructureWriter21()
    out = writer.write([WriteItem(dsd), WriteItem(cc)], MessageHeader())
    assert_valid(out)
    back = read(out).artefacts[0]
    assert isinstance(back, DataStructure)
    assert [m.id for m in back.measures] == ["OBS_VALUE"]


def test_sdmx1_reads_specimen_output(specimens: Path) -> None:
    import sdmx
    import sdmx.reader.xml.v30  # noqa: F401  (sdmx1 process-wide quirk: import before any read)

    for spec in SPECIMENS:
        msg = read((specimens / spec.path).read_bytes())
        for detail in DETAILS:
            with contextlib.redirect_stdout(io.StringIO()):
                got = sdmx.read_sdmx(BytesIO(write(msg.artefacts, detail)))
            dsds = {a.id for a in msg.of_type(ArtefactType.DATA_STRUCTURE)}
            assert set(got.structure) == dsds, spec.path
            assert {a.id for a in msg.of_type(ArtefactType.CODELIST)} <= set(got.codelist), (
                spec.path
            )
            if detail == "full" and spec.path != "UNICEF/CME-dataflow-dsd.xml":
                # UNICEF: sdmx1 makes a codelist of each <Parent><Ref id/> (INDEX.md)
                assert sum(len(c) for c in got.codelist.values()) >= spec.codes, spec.path


@pytest.mark.parametrize("spec", SPECIMENS, ids=str)
def test_pysdmx_reads_output_with_validation(specimens: Path, spec: Specimen) -> None:
    from pysdmx.io import read_sdmx

    msg = read((specimens / spec.path).read_bytes())
    for detail in DETAILS:
        got = read_sdmx(BytesIO(write(msg.artefacts, detail)), validate=True)
        urns = {s.short_urn.split("=", 1)[1] for s in got.structures}
        assert {a.ref.short for a in msg.artefacts} <= urns, (spec.path, detail)


def test_clients_read_kitchen_sink(kitchen_sink: StructureMessage) -> None:
    import sdmx
    import sdmx.reader.xml.v30  # noqa: F401
    from pysdmx.io import read_sdmx

    with contextlib.redirect_stdout(io.StringIO()):
        got = sdmx.read_sdmx(BytesIO(write(client_subset(kitchen_sink.artefacts, "sdmx1"))))
    assert set(got.hierarchical_codelist) == {"HCL_AREA"}
    hierarchy = got.hierarchical_codelist["HCL_AREA"].hierarchy[0]
    assert hierarchy.codes["W"].child[0].child[0].code.id == "KE"
    dims = got.structure["DSD_MIG"].dimensions.components
    assert [type(d).__name__ for d in dims] == [
        "Dimension",
        "Dimension",
        "MeasureDimension",
        "TimeDimension",
    ]
    assert set(got.category_scheme["TOPICS"].items) >= {"POP", "EDU"}

    result = read_sdmx(
        BytesIO(write(client_subset(kitchen_sink.artefacts, "pysdmx"))), validate=True
    )
    kinds = {type(s).__name__ for s in result.structures}
    assert {
        "Codelist",
        "DataStructureDefinition",
        "Dataflow",
        "Hierarchy",
        "ProvisionAgreement",
        "CategoryScheme",
        "Categorisation",
    } <= kinds
