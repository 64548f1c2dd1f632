"""DataWriter30: SDMX-ML 3.0 StructureSpecificData validates against the official 3.0 schemas plus the
generated 3.0 structure-specific XSD, in every layout and detail; pysdmx reads it back."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest
from lxml import etree

from registry.formats.base import DataSetInfo, OutObs, OutSeries, ResolvedStructure, WriteOptions
from registry.formats.sdmxml21.structure_reader import StructureReader21
from registry.formats.sdmxml30.data_writer import DataWriter30
from registry.formats.xsdgen import ss_namespace, structure_specific_xsd
from registry.sdmx.model import Codelist
from registry.sdmx.refs import ArtefactType, Ref
from registry.sdmx.schemas import xml_schema_path

SPECIMEN = Path(__file__).resolve().parents[3].parent / "shared/specimens/ECB/ECB_EXR1-structure-full.xml"
MES = "http://www.sdmx.org/resources/sdmxml/schemas/v3_0/message"
COM = "http://www.sdmx.org/resources/sdmxml/schemas/v3_0/common"


@cache
def ecb(with_flow: bool = True) -> tuple[ResolvedStructure, dict[Ref, Codelist]]:
    msg = StructureReader21().read(SPECIMEN.read_bytes())
    flow = msg.of_type(ArtefactType.DATAFLOW)[0] if with_flow else None
    structure = ResolvedStructure(
        msg.of_type(ArtefactType.DATA_STRUCTURE)[0],  # type: ignore[arg-type]
        dataflow=flow,  # type: ignore[arg-type]
        constraints=msg.of_type(ArtefactType.CONTENT_CONSTRAINT),  # type: ignore[arg-type]
    )
    return structure, {c.ref: c for c in msg.of_type(ArtefactType.CODELIST)}  # type: ignore[misc]


@cache
def validator(dao: str, with_flow: bool = True) -> etree.XMLSchema:
    structure, cls = ecb(with_flow)
    folder = Path(tempfile.mkdtemp(prefix="idac-xsd30-"))
    (folder / "dsd.xsd").write_bytes(
        structure_specific_xsd(structure, version="3.0", dimension_at_observation=dao, codelists=cls)
    )
    (folder / "all.xsd").write_text(
        f'<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:idac:test">'
        f'<xs:import namespace="{MES}" schemaLocation="{xml_schema_path("3.0").as_uri()}"/>'
        f'<xs:import namespace="{ss_namespace(structure, dao)}" schemaLocation="{(folder / "dsd.xsd").as_uri()}"/>'
        f"</xs:schema>"
    )
    return etree.XMLSchema(etree.parse(str(folder / "all.xsd")))


def series(dao: str) -> Iterator[OutSeries]:
    if dao == "CURRENCY":
        yield OutSeries(
            {"FREQ": "M", "CURRENCY_DENOM": "EUR", "EXR_TYPE": "SP00", "EXR_SUFFIX": "A", "TIME_PERIOD": "2000-01"},
            {"COLLECTION": "A", "UNIT": "USD"},
            [OutObs({"CURRENCY": c}, "1.1", {"OBS_STATUS": "A"}) for c in ("USD", "JPY")],
        )
        return
    for cur in ("USD", "JPY"):
        key = {"FREQ": "M", "CURRENCY": cur, "CURRENCY_DENOM": "EUR", "EXR_TYPE": "SP00", "EXR_SUFFIX": "A"}
        yield OutSeries(
            key,
            {"TITLE": 'Euro & <x> "é" 中', "UNIT": cur, "DECIMALS": "4"},
            [OutObs({"TIME_PERIOD": f"2001-{m + 1:02d}"}, None if m == 0 else f"{m}.5", {"OBS_STATUS": "A"})
             for m in range(3)],
        )


def write(dao: str = "TIME_PERIOD", detail: str = "full", with_flow: bool = True, action: str = "Merge") -> bytes:
    structure, _ = ecb(with_flow)
    opts = WriteOptions(dimension_at_observation=dao, detail=detail)
    return b"".join(DataWriter30().write(structure, DataSetInfo(None, action=action), series(dao), opts))


@pytest.mark.parametrize("detail", ["full", "dataonly", "serieskeysonly", "nodata"])
@pytest.mark.parametrize("dao", ["TIME_PERIOD", "CURRENCY", "AllDimensions"])
def test_every_layout_and_detail_validates(dao: str, detail: str) -> None:
    schema = validator(dao)
    doc = etree.fromstring(write(dao, detail))
    assert schema.validate(doc), schema.error_log.last_error
    if dao == "CURRENCY" and detail == "full":
        # UNIT relates to CURRENCY: it follows CURRENCY down to the observations.
        assert [o.get("UNIT") for o in doc.iter("Obs")] == ["USD", "USD"]


def test_dsd_only_structure_validates_and_refers_to_the_dsd() -> None:
    doc = etree.fromstring(write(with_flow=False))
    assert validator("TIME_PERIOD", False).validate(doc)
    st = doc.find(f"{{{MES}}}Header/{{{MES}}}Structure")
    assert st.findtext(f"{{{COM}}}Structure").endswith("DataStructure=ECB:ECB_EXR1(1.0)")


def test_header_refers_to_the_dataflow() -> None:
    doc = etree.fromstring(write())
    st = doc.find(f"{{{MES}}}Header/{{{MES}}}Structure")
    urn = "urn:sdmx:org.sdmx.infomodel.datastructure.Dataflow=ECB:EXR(1.0)"
    assert st.findtext(f"{{{COM}}}StructureUsage") == urn
    assert st.get("namespace") == f"{urn}:ObsLevelDim:TIME_PERIOD"
    ds = doc.find(f"{{{MES}}}DataSet")
    ss = "{http://www.sdmx.org/resources/sdmxml/schemas/v3_0/data/structurespecific}"
    assert ds.get(f"{ss}action") == "Append"  # 3.0 "Merge" is the schema's Append
    assert ds.get(f"{ss}dataScope") is None
    assert doc.findtext(f"{{{MES}}}Header/{{{MES}}}DataSetAction") == "Append"


@pytest.mark.parametrize("dao", ["TIME_PERIOD", "AllDimensions"])
def test_pysdmx_reads_output(dao: str) -> None:
    pytest.importorskip("pyarrow", reason="pysdmx data reading needs the pysdmx[data] extra")
    from pysdmx.io import get_datasets

    (ds,) = get_datasets(write(dao).decode(), SPECIMEN.read_text(encoding="utf-8"))
    assert ds.short_urn == "Dataflow=ECB:EXR(1.0)"
    df = ds.data
    assert len(df) == 6
    row = df.iloc[1].to_dict()
    assert row["TITLE"] == 'Euro & <x> "é" 中' and row["OBS_VALUE"] == "1.5" and row["OBS_STATUS"] == "A"
