"""SDMX-JSON structure writers 1.0.0 / 2.0.0: schema validity, detail, languages, conversions."""

from __future__ import annotations

import json
import warnings
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from tests.formats.sdmxjson import sdmxjson_structure_models as models
from jsonschema.validators import validator_for

from registry.formats.sdmxjson.structure_writer import StructureWriterJson10, StructureWriterJson20
from registry.formats.structure_base import MessageHeader, WriteItem
from registry.sdmx.mediatypes import MediaType
from registry.sdmx.model import Dimension, MaintainableArtefact, Representation
from registry.sdmx.schemas import json_schema

WRITERS = {"1.0": StructureWriterJson10, "2.0": StructureWriterJson20}
SPECIMENS_21 = [
    "ECB/ECB_EXR1-structure-full.xml", "ECB/ECB_EXR1-structure-stubs.xml",
    "BIS/BIS-3DSD-structure.xml", "UNICEF/CME-dataflow-dsd.xml",
    "EDGE/DS1-structure-with-constraints.xml", "SDMX-TWG/v21/sg-structure-full.xml",
]
SPECIMENS_30 = ["SDMX-TWG/v30/ECB_EXR1.xml", "ESTAT/NA_MAIN-global-registry-3.0.xml"]


@cache
def validator(version: str) -> Any:
    """The official schema's validator, draft as declared (``$schema``), with format checks."""
    schema = json_schema(version, "structure")
    with warnings.catch_warnings():
        # The schemas declare the "latest draft" URI, which jsonschema resolves with a warning.
        warnings.simplefilter("ignore", DeprecationWarning)
        cls = validator_for(schema)
    return cls(schema, format_checker=jsonschema.FormatChecker())


def write(version: str, artefacts: list[MaintainableArtefact], detail: str = "full",
          langs: tuple[str, ...] = ("en",)) -> dict[str, Any]:
    """Write, check the bytes are compact UTF-8 JSON valid against the official schema, decode."""
    out = WRITERS[version]().write([WriteItem(a, detail) for a in artefacts],
                                   MessageHeader(langs=langs))
    assert isinstance(out, bytes)
    doc = json.loads(out.decode("utf-8"))
    assert out == json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    errors = [f"/{'/'.join(map(str, e.absolute_path))}: {e.message[:200]}"
              for e in validator(version).iter_errors(doc)]
    assert errors == []
    return doc  # type: ignore[no-any-return]


def by_id(doc: dict[str, Any], key: str, ident: str) -> dict[str, Any]:
    """One artefact of the message by its data key and id."""
    return next(o for o in doc["data"][key] if o["id"] == ident)


@pytest.mark.parametrize("detail", ["full", "stub", "completestub"])
@pytest.mark.parametrize("version", ["1.0", "2.0"])
def test_every_model_type_is_schema_valid(version: str, detail: str) -> None:
    # ``write`` validates the message against the official schema and fails the test otherwise.
    doc = write(version, models.everything(), detail)
    assert doc["data"], "no artefact written"


def test_media_types() -> None:
    assert StructureWriterJson10.media_type is MediaType.STRUCTURE_JSON_10
    assert StructureWriterJson20.media_type is MediaType.STRUCTURE_JSON_20


@pytest.mark.parametrize("version", ["1.0", "2.0"])
def test_meta(version: str) -> None:
    doc = write(version, models.codelists(), langs=("es", "en"))
    meta = doc["meta"]
    assert meta["id"] == "IDAC" and meta["sender"] == {"id": "IDAC"}
    assert meta["schema"].endswith(("1.0/sdmx-json-structure-schema.json",
                                    "2.0.0/sdmx-json-structure-schema.json"))
    assert f"/{version}" in meta["schema"]
    assert meta["prepared"].endswith("Z")
    assert meta["contentLanguages"] == ["es", "en", "fr"]


@pytest.mark.parametrize("version", ["1.0", "2.0"])
def test_language_selection(version: str) -> None:
    doc = write(version, models.codelists(), langs=("es",))
    freq = by_id(doc, "codelists", "CL_FREQ")
    assert freq["name"] == "Frecuencia"
    assert freq["names"] == {"en": "Frequency", "es": "Frecuencia", "fr": "Fréquence"}
    assert freq["description"] == "Con qué frecuencia"
    assert freq["codes"][0]["name"] == "Anual"
    area = by_id(doc, "codelists", "CL_AREA")
    kenya = next(c for c in area["codes"] if c["id"] == "KE")
    assert kenya["name"] == "Kenya"  # no Spanish: falls back to English


def test_language_fallback_to_any() -> None:
    doc = write("2.0", models.codelists(), langs=("de",))
    assert by_id(doc, "codelists", "CL_FREQ")["name"] == "Frequency"


@pytest.mark.parametrize("version", ["1.0", "2.0"])
def test_stub_detail(version: str) -> None:
    doc = write(version, models.codelists(), "stub")
    area = by_id(doc, "codelists", "CL_AREA")
    assert area["isExternalReference"] is True
    assert "codes" not in area and "descriptions" not in area and "annotations" not in area
    assert area["names"] == {"en": "Area", "es": "Área"}


def test_completestub_detail_and_structure_url() -> None:
    url = "https://registry.example.org/sdmx/v2/structure/codelist/IDAC/CL_FREQ/1.0"
    cl = models.codelists()[0]
    out = StructureWriterJson20().write([WriteItem(cl, "completestub", url)], MessageHeader())
    obj = json.loads(out)["data"]["codelists"][0]
    assert obj["isExternalReference"] is True
    assert obj["descriptions"] == {"en": "How often", "es": "Con qué frecuencia"}
    assert "codes" not in obj
    assert obj["links"][0] == {"rel": "self", "href": url, "urn": cl.urn}


def test_annotations_v20_keep_value_and_url() -> None:
    doc = write("2.0", models.codelists(), langs=("es",))
    ann = by_id(doc, "codelists", "CL_AREA")["annotations"][0]
    assert ann == {"id": "A1", "title": "t", "type": "NOTE", "value": "v", "text": "nota",
                   "texts": {"en": "note", "es": "nota"},
                   "links": [{"rel": "self", "href": "https://example.org/a"}]}


def test_dsd_v20_shape() -> None:
    doc = write("2.0", [models.data_structure()])
    comps = doc["data"]["dataStructures"][0]["dataStructureComponents"]
    assert [d["id"] for d in comps["dimensionList"]["dimensions"]] == ["FREQ", "REF_AREA"]
    assert comps["dimensionList"]["timeDimension"]["id"] == "TIME_PERIOD"
    attrs = {a["id"]: a for a in comps["attributeList"]["attributes"]}
    assert attrs["OBS_STATUS"]["attributeRelationship"] == {"observation": {}}
    assert attrs["OBS_STATUS"]["usage"] == "mandatory"
    assert attrs["COMMENT"]["attributeRelationship"] == {"dataflow": {}}
    assert attrs["GRP_NOTE"]["attributeRelationship"] == {"group": "SIBLING"}
    assert comps["measureList"]["measures"][0]["localRepresentation"] == {
        "format": {"dataType": "Double"}}


def test_dsd_v10_shape() -> None:
    doc = write("1.0", [models.data_structure()])
    comps = doc["data"]["dataStructures"][0]["dataStructureComponents"]
    assert comps["dimensionList"]["timeDimensions"][0]["type"] == "TimeDimension"
    attrs = {a["id"]: a for a in comps["attributeList"]["attributes"]}
    assert attrs["OBS_STATUS"]["attributeRelationship"] == {"primaryMeasure": "OBS_VALUE"}
    assert attrs["OBS_STATUS"]["assignmentStatus"] == "Mandatory"
    assert attrs["COMMENT"]["attributeRelationship"] == {"none": {}}
    assert comps["measureList"]["primaryMeasure"]["id"] == "OBS_VALUE"


def test_concept_parent_v10_is_urn_v20_is_id() -> None:
    cs = models.concept_scheme()
    c10 = by_id(write("1.0", [cs]), "conceptSchemes", "CS_MIG")["concepts"]
    c20 = by_id(write("2.0", [cs]), "conceptSchemes", "CS_MIG")["concepts"]
    assert c10[2]["parent"] == cs.ref.with_item("REF_AREA").urn
    assert c20[2]["parent"] == "REF_AREA"
    assert c20[4]["coreRepresentation"] == {"format": {"dataType": "Decimal", "minValue": 0,
                                                       "decimals": 2}}


def test_categories_nest() -> None:
    doc = write("2.0", [models.category_scheme()])
    cats = doc["data"]["categorySchemes"][0]["categories"]
    assert [c["id"] for c in cats] == ["MIG", "OTHER"]
    assert cats[0]["categories"][0]["id"] == "CHILD"


def test_constraint_versions() -> None:
    cc = [a for a in models.others() if a.id == "CC_MIG"]
    c20 = write("2.0", cc)["data"]["dataConstraints"][0]
    assert c20["role"] == "Allowed"
    assert c20["links"][0]["urn"].startswith("urn:sdmx:org.sdmx.infomodel.registry.DataConstraint=")
    region = c20["cubeRegions"][0]
    assert region["components"] == [{"id": "OBS_STATUS", "include": False,
                                     "values": [{"value": "A"}]}]
    c10 = write("1.0", cc)["data"]["contentConstraints"][0]
    assert c10["type"] == "Allowed"
    assert c10["cubeRegions"][0]["attributes"][0]["id"] == "OBS_STATUS"
    area = next(k for k in c10["cubeRegions"][0]["keyValues"] if k["id"] == "REF_AREA")
    assert area == {"id": "REF_AREA", "values": ["W"], "cascadeValues": ["W"]}


def test_legacy_types_convert_for_v20() -> None:
    data = write("2.0", models.legacy())["data"]
    assert set(data) == {"hierarchies", "representationMaps"}
    assert data["hierarchies"][0]["id"] == "HCL_AREA"
    assert data["representationMaps"][0]["representationMappings"] == [
        {"sourceValues": [{"value": "W"}], "targetValues": ["A"]}]


def test_current_types_convert_or_skip_for_v10() -> None:
    data = write("1.0", models.others())["data"]
    assert "hierarchyAssociations" not in data and "structureMaps" not in data
    hcl = data["hierarchicalCodelists"][0]
    assert hcl["id"] == "H_AREA" and hcl["hierarchies"][0]["leveled"] is True
    assert hcl["hierarchies"][0]["hierarchicalCodes"][0]["codeID"] == "W"


def test_empty_message_is_valid() -> None:
    assert write("2.0", [])["data"] == {}


def _specimen(specimens: Path, name: str, reader: Any) -> list[MaintainableArtefact]:
    return reader().read((specimens / name).read_bytes()).artefacts  # type: ignore[no-any-return]


@pytest.mark.parametrize("version", ["1.0", "2.0"])
@pytest.mark.parametrize("name", SPECIMENS_21)
def test_sdmxml21_specimens_are_schema_valid(specimens: Path, name: str, version: str) -> None:
    from registry.formats.sdmxml21.structure_reader import StructureReader21

    artefacts = _specimen(specimens, name, StructureReader21)
    doc = write(version, artefacts)
    assert sum(len(v) for v in doc["data"].values()) >= 1


@pytest.mark.parametrize("version", ["1.0", "2.0"])
@pytest.mark.parametrize("name", SPECIMENS_30)
def test_sdmxml30_specimens_are_schema_valid(specimens: Path, name: str, version: str) -> None:
    reader30 = pytest.importorskip("registry.formats.sdmxml30.structure_reader")
    artefacts = _specimen(specimens, name, reader30.StructureReader30)
    doc = write(version, artefacts)
    assert sum(len(v) for v in doc["data"].values()) == len(artefacts)


def test_sdmx21_measure_dimension() -> None:
    """1.0 keeps it (concept-scheme enumeration); 2.0 writes a plain, unenumerated dimension."""
    dsd = models.data_structure()
    dsd.dimensions.insert(2, Dimension(
        "STAT", models.CS.with_item("OBS_VALUE"), Representation(enumeration=models.CS),
        position=3, kind="measure"))
    d10 = write("1.0", [dsd])["data"]["dataStructures"][0]["dataStructureComponents"]
    assert d10["dimensionList"]["measureDimensions"][0]["localRepresentation"] == {
        "enumeration": models.CS.urn}
    d20 = write("2.0", [dsd])["data"]["dataStructures"][0]["dataStructureComponents"]
    stat = d20["dimensionList"]["dimensions"][2]
    assert stat["id"] == "STAT" and "localRepresentation" not in stat
