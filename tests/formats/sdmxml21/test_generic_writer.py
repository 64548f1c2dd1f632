"""GenericDataWriter21: official-schema validity in every layout and detail; sdmx1 reads it back."""

from __future__ import annotations

import io
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest
from lxml import etree

from registry.formats.base import DataSetInfo, OutObs, OutSeries, ResolvedStructure, WriteOptions
from registry.formats.sdmxml21.generic_writer import GenericDataWriter21
from registry.formats.sdmxml21.structure_reader import StructureReader21
from registry.sdmx.refs import ArtefactType
from registry.sdmx.schemas import xml_schema

SPECIMEN = Path(__file__).resolve().parents[3].parent / "shared/specimens/ECB/ECB_EXR1-structure-full.xml"
GEN = "{http://www.sdmx.org/resources/sdmxml/schemas/v2_1/data/generic}"


@cache
def ecb() -> ResolvedStructure:
    msg = StructureReader21().read(SPECIMEN.read_bytes())
    return ResolvedStructure(
        msg.of_type(ArtefactType.DATA_STRUCTURE)[0],  # type: ignore[arg-type]
        dataflow=msg.of_type(ArtefactType.DATAFLOW)[0],  # type: ignore[arg-type]
    )


def series(n_obs: int = 3, cross: bool = False) -> Iterator[OutSeries]:
    if cross:
        yield OutSeries(
            {"FREQ": "M", "CURRENCY_DENOM": "EUR", "EXR_TYPE": "SP00", "EXR_SUFFIX": "A", "TIME_PERIOD": "2000-01"},
            {"COLLECTION": "A"},
            [OutObs({"CURRENCY": c}, "1.1", {"OBS_STATUS": "A"}) for c in ("USD", "JPY")],
        )
        return
    for cur in ("USD", "JPY"):
        key = {"FREQ": "M", "CURRENCY": cur, "CURRENCY_DENOM": "EUR", "EXR_TYPE": "SP00", "EXR_SUFFIX": "A"}
        yield OutSeries(
            key,
            {"TITLE": 'Euro & <dollar> "é" 中', "UNIT": cur},
            [OutObs({"TIME_PERIOD": f"2000-{m + 1:02d}"}, None if m == 1 else f"1.{m}", {"OBS_STATUS": "A"})
             for m in range(n_obs)],
        )


def write(dao: str = "TIME_PERIOD", detail: str = "full", cross: bool = False) -> bytes:
    opts = WriteOptions(dimension_at_observation=dao, detail=detail)
    info = DataSetInfo(None, attrs={"DS_NOTE": "a&b"})
    return b"".join(GenericDataWriter21().write(ecb(), info, series(cross=cross), opts))


@pytest.mark.parametrize("detail", ["full", "dataonly", "serieskeysonly", "nodata"])
@pytest.mark.parametrize("dao", ["TIME_PERIOD", "CURRENCY", "AllDimensions"])
def test_every_layout_and_detail_validates(dao: str, detail: str) -> None:
    data = write(dao, detail, cross=dao == "CURRENCY")
    doc = etree.fromstring(data)
    schema = xml_schema("2.1")
    assert schema.validate(doc), schema.error_log.last_error
    n_series = len(doc.findall(f".//{GEN}Series"))
    n_obs = len(doc.findall(f".//{GEN}Obs"))
    if dao == "AllDimensions":
        assert n_series == 0 and n_obs == 6
        assert doc.find(f".//{GEN}ObsKey") is not None
    else:
        assert n_series == (1 if dao == "CURRENCY" else 2)
        assert n_obs == (0 if detail in ("serieskeysonly", "nodata") else (2 if dao == "CURRENCY" else 6))
    if detail in ("dataonly", "serieskeysonly"):
        assert f"{GEN}Attributes".encode() not in data and b"gen:Attributes" not in data


def test_header_and_missing_value() -> None:
    doc = etree.fromstring(write())
    mes = "{http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message}"
    st = doc.find(f"{mes}Header/{mes}Structure")
    assert st.get("dimensionAtObservation") == "TIME_PERIOD" and st.get("namespace") is None
    obs = doc.findall(f".//{GEN}Series")[0].findall(f"{GEN}Obs")
    assert obs[0].find(f"{GEN}ObsDimension").get("value") == "2000-01"
    assert obs[1].find(f"{GEN}ObsValue") is None
    title = [v for v in doc.iter(f"{GEN}Value") if v.get("id") == "TITLE"][0]
    assert title.get("value") == 'Euro & <dollar> "é" 中'


@pytest.mark.parametrize("dao", ["TIME_PERIOD", "AllDimensions"])
def test_sdmx1_reads_output(dao: str) -> None:
    sdmx = pytest.importorskip("sdmx")
    import sdmx.reader.xml.v30  # noqa: F401

    sdsd = sdmx.read_sdmx(SPECIMEN).structure["ECB_EXR1"]
    msg = sdmx.read_sdmx(io.BytesIO(write(dao)), structure=sdsd)
    ds = msg.data[0]
    assert len(ds.obs) == 6
    values = sorted(str(o.value) for o in ds.obs)
    assert values.count("None") + values.count("nan") == 2
    if dao == "TIME_PERIOD":
        assert len(ds.series) == 2
