"""SDMX-JSON 2.0 structure reader: round trips, errors with locations, detection, pysdmx."""

from __future__ import annotations

import dataclasses
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from registry.errors import MessageSyntaxError, StructureError
from registry.formats.sdmxjson.structure_reader import StructureReaderJson20
from registry.formats.sdmxjson.structure_writer import StructureWriterJson10, StructureWriterJson20
from registry.formats.structure_base import MessageHeader, WriteItem
from registry.sdmx.model import MaintainableArtefact, StructureMessage
from registry.sdmx.refs import ArtefactType
from tests.formats.sdmxjson import sdmxjson_structure_models as models

SPECIMENS_21 = [
    "ECB/ECB_EXR1-structure-full.xml", "BIS/BIS-3DSD-structure.xml",
    "UNICEF/CME-dataflow-dsd.xml", "EDGE/DS1-structure-with-constraints.xml",
    "SDMX-TWG/v21/sg-structure-full.xml",
]
SPECIMENS_30 = ["SDMX-TWG/v30/ECB_EXR1.xml", "ESTAT/NA_MAIN-global-registry-3.0.xml"]


def write20(artefacts: list[MaintainableArtefact], langs: tuple[str, ...] = ("en",)) -> bytes:
    return StructureWriterJson20().write([WriteItem(a) for a in artefacts],
                                         MessageHeader(langs=langs))


def normalised(a: MaintainableArtefact) -> MaintainableArtefact:
    """What SDMX-JSON 2.0 cannot carry: ``isFinal`` (3.0 uses semantic versions) and empty URLs."""
    a = dataclasses.replace(a, is_final=False)
    for ann in a.annotations:
        ann.url = ann.url or None
    return a


def assert_round_trip(artefacts: list[MaintainableArtefact]) -> None:
    back = StructureReaderJson20().read(write20(artefacts))
    assert [normalised(a) for a in back.artefacts] == [
        normalised(a) for a in sorted(artefacts, key=_data_order(back))]


def _data_order(back: StructureMessage) -> Any:
    order = {(a.type, a.id): i for i, a in enumerate(back.artefacts)}
    return lambda a: order.get((a.type, a.id), -1)


def test_round_trip_every_current_type() -> None:
    assert_round_trip(models.all_current())


@pytest.mark.parametrize("name", SPECIMENS_21)
def test_round_trip_sdmxml21_specimens(specimens: Path, name: str) -> None:
    from registry.formats.sdmxml21.structure_reader import StructureReader21

    assert_round_trip(StructureReader21().read((specimens / name).read_bytes()).artefacts)


@pytest.mark.parametrize("name", SPECIMENS_30)
def test_round_trip_sdmxml30_specimens(specimens: Path, name: str) -> None:
    reader30 = pytest.importorskip("registry.formats.sdmxml30.structure_reader")
    assert_round_trip(reader30.StructureReader30().read((specimens / name).read_bytes()).artefacts)


def test_header_and_ignored_types() -> None:
    doc = json.loads(write20(models.codelists()))
    doc["data"]["valueLists"] = [{"id": "VL", "agencyID": "IDAC", "name": "x"}]
    msg = StructureReaderJson20().read(json.dumps(doc).encode())
    assert msg.header["sender"] == "IDAC" and msg.header["ignored"] == "valueLists"
    assert [a.id for a in msg.artefacts] == ["CL_FREQ", "CL_AREA"]


def test_name_without_names_uses_first_content_language() -> None:
    doc = {"meta": {"id": "M", "prepared": "2024-01-01T00:00:00Z", "sender": {"id": "S"},
                    "contentLanguages": ["fr"]},
           "data": {"codelists": [{"id": "CL", "agencyID": "A", "version": "1.0",
                                   "name": "Fréquence", "codes": [{"id": "A", "name": "Annuel"}]}]}}
    cl = StructureReaderJson20().read(json.dumps(doc).encode()).artefacts[0]
    assert cl.names == {"fr": "Fréquence"}
    assert cl.items[0].names == {"fr": "Annuel"}  # type: ignore[attr-defined]


def test_bad_json_reports_line_and_column() -> None:
    with pytest.raises(MessageSyntaxError) as info:
        StructureReaderJson20().read(b'{\n  "data": {\n    "codelists": [,]\n  }\n}')
    assert (info.value.line, info.value.column) == (3, 19)
    assert "line 3" in str(info.value)


def test_non_utf8_is_a_syntax_error() -> None:
    with pytest.raises(MessageSyntaxError):
        StructureReaderJson20().read(b'{"data": "\xff"}')


@pytest.mark.parametrize(
    ("mutate", "pointer"),
    [
        (lambda d: d.update(data=[]), "/data: expected an object"),
        (lambda d: d.pop("data"), "/: missing required property 'data'"),
        (lambda d: d["data"].update(codelists={}), "/data/codelists: expected an array"),
        (lambda d: d["data"]["codelists"][1].pop("agencyID"), "/data/codelists/1: missing"),
        (lambda d: d["data"]["codelists"][1]["codes"][2].update(id=7),
         "/data/codelists/1/codes/2/id: expected a string"),
        (lambda d: d["data"]["dataflows"][0].update(structure="urn:nope"),
         "/data/dataflows/0/structure: Not an SDMX URN"),
        (lambda d: d["data"]["dataStructures"][0]["dataStructureComponents"]["dimensionList"]
         ["dimensions"][0].update(conceptIdentity=1),
         "/data/dataStructures/0/dataStructureComponents/dimensionList/dimensions/0/"
         "conceptIdentity: expected a string"),
    ],
)
def test_wrong_shape_names_the_json_pointer(mutate: Any, pointer: str) -> None:
    doc = json.loads(write20(models.all_current()))
    mutate(doc)
    with pytest.raises(StructureError) as info:
        StructureReaderJson20().read(json.dumps(doc).encode())
    assert str(info.value).startswith(pointer)


def test_attribute_relating_to_unknown_dimension_is_rejected() -> None:
    doc = json.loads(write20([models.data_structure()]))
    comps = doc["data"]["dataStructures"][0]["dataStructureComponents"]
    comps["attributeList"]["attributes"][2]["attributeRelationship"] = {"dimensions": ["NOPE"]}
    with pytest.raises(StructureError, match="attributes/2: attribute TITLE relates to unknown"):
        StructureReaderJson20().read(json.dumps(doc).encode())


def test_v10_messages_are_refused() -> None:
    out = StructureWriterJson10().write([WriteItem(a) for a in models.codelists()],
                                        MessageHeader())
    with pytest.raises(StructureError, match="/meta/schema: SDMX-JSON 1.0"):
        StructureReaderJson20().read(out)


def test_handles() -> None:
    assert StructureReaderJson20.handles(write20(models.codelists())[:200])
    assert StructureReaderJson20.handles(b'\xef\xbb\xbf {"data": {"codelists": []}}')
    v10 = StructureWriterJson10().write([WriteItem(models.codelists()[0])], MessageHeader())
    assert not StructureReaderJson20.handles(v10[:300])
    assert not StructureReaderJson20.handles(b"<?xml version='1.0'?><Structure/>")
    assert not StructureReaderJson20.handles(b'{"meta": {}, "data": {"dataSets": []}}')


# --- pysdmx as the reference client ---------------------------------------------------------------


def pysdmx_read(out: bytes) -> Any:
    reader = pytest.importorskip("pysdmx.io.json.sdmxjson2.reader.structure")
    return reader.read(out.decode("utf-8"), validate=True)


def test_pysdmx_reads_every_type_but_organisation_unit_schemes() -> None:
    """pysdmx 1.21 has no ``organisationUnitSchemes`` member, so it drops them silently."""
    artefacts = models.everything()
    msg = pysdmx_read(write20(artefacts, langs=("es",)))
    kinds = Counter(type(s).__name__ for s in msg.structures)
    assert kinds["Codelist"] == 2 and kinds["Hierarchy"] == 2 and kinds["RepresentationMap"] == 2
    assert kinds["DataConstraint"] == 1 and kinds["DataStructureDefinition"] == 1
    assert sum(kinds.values()) == 18  # 19 written, minus the organisation unit scheme
    flow = next(s for s in msg.structures if type(s).__name__ == "Dataflow")
    assert flow.name == "Niños migrantes"


@pytest.mark.parametrize("name", SPECIMENS_21)
def test_pysdmx_reads_sdmxml21_specimens(specimens: Path, name: str) -> None:
    from registry.formats.sdmxml21.structure_reader import StructureReader21

    artefacts = StructureReader21().read((specimens / name).read_bytes()).artefacts
    msg = pysdmx_read(write20(artefacts))
    expected = [a for a in artefacts if a.type is not ArtefactType.ORGANISATION_UNIT_SCHEME]
    assert len(msg.structures) == len(expected)
