"""StructureReader21 on the real SDMX-ML 2.1 structure specimens and on a constructed message."""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

import pytest

from registry.formats.sdmxml21.structure_reader import StructureReader21
from registry.sdmx.model import (
    Codelist,
    ConceptScheme,
    ContentConstraint,
    Dataflow,
    DataStructure,
    HierarchicalCodelist,
    ProvisionAgreement,
    StructureMessage,
)
from registry.sdmx.refs import ArtefactType, Ref
from tests.formats.sdmxml21.sdmxml21_structure_cases import (
    KITCHEN_SINK,
    SPECIMENS,
    SUBMISSION,
    Specimen,
)


def read(specimens: Path, name: str) -> StructureMessage:
    return StructureReader21().read((specimens / name).read_bytes())


@pytest.mark.parametrize("spec", SPECIMENS, ids=str)
def test_specimen_counts(specimens: Path, spec: Specimen) -> None:
    data = (specimens / spec.path).read_bytes()
    assert StructureReader21.handles(data[:1024])
    msg = StructureReader21().read(data)
    assert Counter(a.type.class_name for a in msg.artefacts) == spec.counts
    codes = sum(len(cl.items) for cl in msg.of_type(ArtefactType.CODELIST))  # type: ignore[attr-defined]
    assert codes == spec.codes
    assert msg.header.get("id")


@pytest.mark.parametrize("spec", SPECIMENS, ids=str)
def test_specimen_references_resolve_inside_full_messages(specimens: Path, spec: Specimen) -> None:
    """Every enumeration/concept a DSD names is a well-formed Ref of the right type."""
    msg = read(specimens, spec.path)
    for dsd in msg.of_type(ArtefactType.DATA_STRUCTURE):
        assert isinstance(dsd, DataStructure)
        assert dsd.dimensions
        assert dsd.measures
        for comp in (*dsd.dimensions, *dsd.attributes, *dsd.measures):
            assert comp.concept is not None
            assert comp.concept.type is ArtefactType.CONCEPT_SCHEME
            assert comp.concept.item
            rep = comp.local_representation
            if rep is not None and rep.enumeration is not None:
                assert rep.enumeration.item is None
                assert rep.enumeration.type in (ArtefactType.CODELIST, ArtefactType.CONCEPT_SCHEME)


def test_ecb_full(specimens: Path) -> None:
    msg = read(specimens, "ECB/ECB_EXR1-structure-full.xml")
    dsd = msg.find(Ref(ArtefactType.DATA_STRUCTURE, "ECB", "ECB_EXR1", "1.0"))
    assert isinstance(dsd, DataStructure)
    assert [d.id for d in dsd.dimensions] == [
        "FREQ",
        "CURRENCY",
        "CURRENCY_DENOM",
        "EXR_TYPE",
        "EXR_SUFFIX",
        "TIME_PERIOD",
    ]
    assert dsd.time_dimension is not None
    assert dsd.time_dimension.position == 6
    assert [g.id for g in dsd.groups] == ["Group"]
    obs_status = dsd.component("OBS_STATUS")
    assert obs_status.relationship.kind == "observation"  # type: ignore[union-attr]
    assert obs_status.mandatory  # type: ignore[union-attr]
    (cc,) = msg.of_type(ArtefactType.CONTENT_CONSTRAINT)
    assert isinstance(cc, ContentConstraint)
    assert cc.role == "Allowed"
    assert cc.attachment == [Ref(ArtefactType.DATAFLOW, "ECB", "EXR", "1.0")]
    assert "NRP0" in cc.cube_regions[0].components["EXR_TYPE"].values
    (cat,) = msg.of_type(ArtefactType.CATEGORISATION)
    assert cat.target == Ref(ArtefactType.CATEGORY_SCHEME, "ECB", "MOBILE_NAVI", "1.0", "07")  # type: ignore[attr-defined]


def test_sg_refs_without_class_are_inferred(specimens: Path) -> None:
    msg = read(specimens, "SDMX-TWG/v21/sg-structure-full.xml")
    (dsd,) = msg.of_type(ArtefactType.DATA_STRUCTURE)
    assert isinstance(dsd, DataStructure)
    freq = dsd.component("FREQ")
    assert freq.concept == Ref(
        ArtefactType.CONCEPT_SCHEME, "SDMX", "CROSS_DOMAIN_CONCEPTS", "1.0", "FREQ"
    )  # type: ignore[union-attr]
    assert {
        c.local_representation.enumeration.type
        for c in dsd.dimensions  # type: ignore[union-attr]
        if c.local_representation and c.local_representation.enumeration
    } == {ArtefactType.CODELIST}
    assert len(dsd.groups) == 1
    # <common:Name> without xml:lang is English (schema default)
    assert msg.artefacts[0].names["en"].startswith("Code list for Decimals")


def test_unicef_cme_parents_are_not_codelists(specimens: Path) -> None:
    msg = read(specimens, "UNICEF/CME-dataflow-dsd.xml")
    cls = msg.of_type(ArtefactType.CODELIST)
    assert len(cls) == 23
    indicator = next(c for c in cls if c.id == "CL_UNICEF_INDICATOR")
    assert isinstance(indicator, Codelist)
    assert sum(1 for c in indicator.items if c.id.startswith("MG_")) == 25
    (pa,) = msg.of_type(ArtefactType.PROVISION_AGREEMENT)
    assert isinstance(pa, ProvisionAgreement)
    assert pa.provider == Ref(
        ArtefactType.DATA_PROVIDER_SCHEME, "UNICEF", "DATA_PROVIDERS", "1.0", "UNICEF"
    )
    (cc,) = msg.of_type(ArtefactType.CONTENT_CONSTRAINT)
    assert isinstance(cc, ContentConstraint)
    assert [k.values for k in cc.key_sets[0].keys][:2] == [
        {"WEALTH_QUINTILE": "_T"},
        {"WEALTH_QUINTILE": "Q1"},
    ]


def test_unicef_indicator_parents_and_languages(specimens: Path) -> None:
    msg = read(specimens, "UNICEF/CL_UNICEF_INDICATOR.xml")
    (cl,) = msg.artefacts
    assert isinstance(cl, Codelist)
    assert len(cl.items) == 738
    ids = {c.id for c in cl.items}
    with_parent = [c for c in cl.items if c.parent]
    assert with_parent
    assert all(c.parent in ids for c in with_parent)
    langs = Counter(lang for c in cl.items for lang in c.names)
    assert {"en", "fr", "es", "ar"} <= set(langs)
    assert "MG_RFGS_CNTRY_ASYLM" in ids


def test_bis_three_dsds(specimens: Path) -> None:
    msg = read(specimens, "BIS/BIS-3DSD-structure.xml")
    flows = msg.of_type(ArtefactType.DATAFLOW)
    assert {f.structure.id for f in flows} == {"BIS_DER", "BIS_LBS_DISS", "BIS_XR"}  # type: ignore[attr-defined]
    der = msg.find(Ref(ArtefactType.DATA_STRUCTURE, "BIS", "BIS_DER", "1.0"))
    assert isinstance(der, DataStructure)
    assert len(der.key_dimensions) == 14
    assert len(der.attributes) == 10


def test_estat_lowercase_dimensions_and_stub_codelists(specimens: Path) -> None:
    msg = read(specimens, "ESTAT/NRG_BAL_S-structure.xml")
    dsd = msg.of_type(ArtefactType.DATA_STRUCTURE)[0]
    assert isinstance(dsd, DataStructure)
    assert dsd.version == "46.0"
    assert [d.id for d in dsd.dimensions] == [
        "freq",
        "nrg_bal",
        "siec",
        "unit",
        "geo",
        "TIME_PERIOD",
    ]
    flow = msg.of_type(ArtefactType.DATAFLOW)[0]
    assert isinstance(flow, Dataflow)
    assert flow.structure == dsd.ref


def test_edge_constraints(specimens: Path) -> None:
    msg = read(specimens, "EDGE/DS1-structure-with-constraints.xml")
    by_id = {c.id: c for c in msg.of_type(ArtefactType.CONTENT_CONSTRAINT)}
    series, cube = by_id["Test_series"], by_id["Test_cube"]
    assert isinstance(series, ContentConstraint)
    assert isinstance(cube, ContentConstraint)
    assert sum(len(ks.keys) for ks in series.key_sets) == 4
    assert cube.cube_regions
    assert cube.cube_regions[0].components


def test_unicef_read_is_fast(specimens: Path) -> None:
    data = (specimens / "UNICEF/CME-dataflow-dsd.xml").read_bytes()
    assert len(data) > 900_000
    StructureReader21().read(data)  # warm-up (imports)
    start = time.perf_counter()
    StructureReader21().read(data)
    assert time.perf_counter() - start < 0.5


def test_kitchen_sink() -> None:
    msg = StructureReader21().read(KITCHEN_SINK)
    assert msg.header == {
        "id": "KS1",
        "test": "true",
        "prepared": "2024-05-01T10:00:00Z",
        "sender": "IDAC",
    }
    types = Counter(a.type.class_name for a in msg.artefacts)
    assert types == {
        "DataConsumerScheme": 1,
        "DataProviderScheme": 1,
        "OrganisationUnitScheme": 1,
        "Dataflow": 1,
        "CategoryScheme": 1,
        "Categorisation": 1,
        "Codelist": 2,
        "HierarchicalCodelist": 1,
        "ConceptScheme": 1,
        "DataStructure": 1,
        "StructureSet": 1,
        "ContentConstraint": 2,
        "ProvisionAgreement": 1,
    }
    flow = msg.of_type(ArtefactType.DATAFLOW)[0]
    assert flow.structure == Ref(ArtefactType.DATA_STRUCTURE, "IDAC", "DSD_MIG", "1.0")  # type: ignore[attr-defined]
    cats = msg.of_type(ArtefactType.CATEGORY_SCHEME)[0]
    assert [(c.id, c.parent) for c in cats.items] == [  # type: ignore[attr-defined]
        ("POP", None),
        ("MIG", "POP"),
        ("REF", "MIG"),
        ("EDU", None),
    ]
    units = msg.of_type(ArtefactType.ORGANISATION_UNIT_SCHEME)[0]
    assert units.items[1].parent == "TOP"
    assert units.is_final
    consumer = msg.of_type(ArtefactType.DATA_CONSUMER_SCHEME)[0].items[0]  # type: ignore[attr-defined]
    assert consumer.contacts[0].email == ["a@b.org"]
    assert consumer.contacts[0].department == {"en": "Stats"}
    cs = msg.of_type(ArtefactType.CONCEPT_SCHEME)[0]
    assert isinstance(cs, ConceptScheme)
    area = cs.item_map()["AREA"]
    assert area.iso_concept == "ISO:ISO3166:AREA"  # type: ignore[attr-defined]
    assert area.core_representation.enumeration == Ref(
        ArtefactType.CODELIST, "IDAC", "CL_AREA", "1.0"
    )  # type: ignore[attr-defined]
    assert cs.item_map()["OBS_VALUE"].core_representation.text_format.decimals == 2  # type: ignore[attr-defined]
    cl = msg.of_type(ArtefactType.CODELIST)[0]
    assert cl.annotations[0].text == {"en": "note", "ar": "ملاحظة"}
    assert cl.annotations[0].id == "a1"


def test_kitchen_sink_dsd() -> None:
    msg = StructureReader21().read(KITCHEN_SINK)
    dsd = msg.of_type(ArtefactType.DATA_STRUCTURE)[0]
    assert isinstance(dsd, DataStructure)
    assert [(d.id, d.kind, d.position) for d in dsd.dimensions] == [
        ("AREA", "dimension", 1),
        ("SEX", "dimension", 2),
        ("MEASURE", "measure", 3),
        ("TIME_PERIOD", "time", 4),
    ]
    measure = dsd.component("MEASURE")
    assert measure.local_representation.enumeration.type is ArtefactType.CONCEPT_SCHEME  # type: ignore[union-attr]
    area = dsd.component("AREA")
    assert area.concept_roles == [
        Ref(ArtefactType.CONCEPT_SCHEME, "IDAC", "CS_MIG", "1.0", "SUBAREA")
    ]  # type: ignore[union-attr]
    assert area.local_representation.text_format.max_length == 3  # type: ignore[union-attr]
    rel = {a.id: a.relationship for a in dsd.attributes}
    assert rel["NOTE"].kind == "dataset"
    assert (rel["SRC"].kind, rel["SRC"].dimensions, rel["SRC"].attachment_groups) == (
        "dimensions",
        ["AREA", "MEASURE"],
        ["SIBLING"],
    )
    assert (rel["UNIT"].kind, rel["UNIT"].group) == ("group", "SIBLING")
    assert dsd.measures[0].id == "OBS_VALUE"  # fixed id, omitted in the document
    assert dsd.time_dimension.local_representation.text_format.start_time == "2000"  # type: ignore[union-attr]


def test_kitchen_sink_constraints_hcl_structure_set() -> None:
    msg = StructureReader21().read(KITCHEN_SINK)
    allowed, actual = msg.of_type(ArtefactType.CONTENT_CONSTRAINT)
    assert isinstance(allowed, ContentConstraint)
    assert isinstance(actual, ContentConstraint)
    assert allowed.attachment == [
        Ref(ArtefactType.DATA_PROVIDER_SCHEME, "IDAC", "DATA_PROVIDERS", "1.0", "IOM")
    ]
    assert not allowed.key_sets[0].include
    first, second = allowed.cube_regions
    assert first.components["AREA"].cascade
    assert first.components["UNIT"].is_attribute
    tp = first.components["TIME_PERIOD"]
    assert (tp.start_period, tp.start_inclusive, tp.end_period, tp.end_inclusive) == (
        "2000",
        True,
        "2020",
        False,
    )
    assert not second.include
    assert not second.components["SEX"].include
    assert (
        second.components["TIME_PERIOD"].start_period,
        second.components["TIME_PERIOD"].end_period,
    ) == ("2025", None)
    assert actual.role == "Actual"
    assert len(actual.attachment) == 2
    assert actual.cube_regions[0].components["TIME_PERIOD"].end_period == "1999"
    hcl = msg.of_type(ArtefactType.HIERARCHICAL_CODELIST)[0]
    assert isinstance(hcl, HierarchicalCodelist)
    (h,) = hcl.hierarchies
    assert h.has_formal_levels
    assert [lv.id for lv in h.levels] == ["REGION", "COUNTRY"]
    nodes = {n.id: (n, p) for n, p in h.walk()}
    cl_area = Ref(ArtefactType.CODELIST, "IDAC", "CL_AREA", "1.0")
    assert nodes["W"][0].code == cl_area.with_item("W")  # via IncludedCodelist alias
    assert nodes["AF"][0].code == cl_area.with_item("AF")
    assert nodes["AF"][1].id == "W"
    assert nodes["KE"][0].level == "COUNTRY"
    assert nodes["AF"][0].valid_from == "2020-01-01T00:00:00"
    ss = msg.of_type(ArtefactType.STRUCTURE_SET)[0]
    assert ss.codelist_maps[0].code_maps == [("W", "_T")]  # type: ignore[attr-defined]
    assert ss.related_structures == [Ref(ArtefactType.DATA_STRUCTURE, "IDAC", "DSD_MIG", "1.0")]  # type: ignore[attr-defined]


def test_submit_structure_request_is_read_like_a_structure_message() -> None:
    assert StructureReader21.handles(SUBMISSION[:500])
    assert (
        StructureReader21().read(SUBMISSION).artefacts
        == StructureReader21().read(KITCHEN_SINK).artefacts
    )


def test_code_parent_given_as_urn() -> None:
    data = KITCHEN_SINK.replace(
        b'<str:Parent><Ref id="AF"/></str:Parent>',
        b"<str:Parent><URN>urn:sdmx:org.sdmx.infomodel.codelist.Code=IDAC:CL_AREA(1.0).AF</URN></str:Parent>",
    )
    assert data != KITCHEN_SINK
    cl = StructureReader21().read(data).of_type(ArtefactType.CODELIST)[0]
    assert cl.item_map()["KE"].parent == "AF"  # type: ignore[attr-defined]


def test_unknown_elements_are_skipped() -> None:
    data = KITCHEN_SINK.replace(
        b"<str:Codelists>",
        b"<str:Metadataflows><str:Metadataflow id='X' agencyID='IDAC'><com:Name>x</com:Name>"
        b"</str:Metadataflow></str:Metadataflows><str:Codelists>",
    )
    assert len(StructureReader21().read(data).artefacts) == 15
