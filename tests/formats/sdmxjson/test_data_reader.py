"""JsonDataReader: the ECB SDMX-JSON 1.0 specimens, 2.0 messages, layouts and errors."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from registry.errors import MessageSyntaxError
from registry.formats.base import DataChunk, ResolvedStructure
from registry.formats.sdmxjson.data_reader import JsonDataReader
from registry.sdmx.refs import ArtefactType, Ref
from tests.formats.handmade_dsds import ecb_exr, toy


def read(data: bytes, structure: ResolvedStructure, batch_size: int = 5000) -> list[DataChunk]:
    return list(JsonDataReader().read(io.BytesIO(data), lambda r: structure, batch_size=batch_size))


class _NoSeek(io.BytesIO):
    def seekable(self) -> bool:
        return False


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("ECB/exr-ts.json", True),
        ("ECB/exr-action-delete.json", True),
        ("BIS/BIS_DER-data_v1.csv", False),
        ("ECB/M.USD.EUR.SP00.A.xml", False),
    ],
)
def test_handles(specimens: Path, path: str, expected: bool) -> None:
    assert JsonDataReader.handles((specimens / path).read_bytes()[:2048]) is expected


def test_handles_structure_message_is_not_data() -> None:
    assert not JsonDataReader.handles(b'{"meta":{"id":"x"},"data":{"dataStructures":[]}}')
    assert JsonDataReader.handles(b'{"meta":{"id":"x"},"data":{"structures":[{"dimensions":{}}]}}')


def test_exr_ts(specimens: Path) -> None:
    seen: list[Ref | None] = []
    structure = ecb_exr(specimens)

    def resolve(ref: Ref | None) -> ResolvedStructure:
        seen.append(ref)
        return structure

    chunks = list(JsonDataReader().read((specimens / "ECB/exr-ts.json").open("rb"), resolve))
    assert len({id(c.dataset) for c in chunks}) == 1
    obs = [o for c in chunks for o in c.observations]
    assert len(obs) == 4
    assert len({id(o.series) for o in obs}) == 2
    ds = chunks[0].dataset
    assert ds.action == "Information"
    assert ds.dimension_at_observation == "TIME_PERIOD"
    assert ds.structure is structure
    assert seen == [Ref(ArtefactType.DATAFLOW, "ECB", "EXR", "1.0")]
    first = obs[0]
    assert first.series.key == {
        "FREQ": "D",
        "CURRENCY_DENOM": "EUR",
        "EXR_TYPE": "SP00",
        "EXR_SUFFIX": "A",
        "CURRENCY": "NZD",
    }
    assert first.series.attrs == {"TITLE": "New Zealand dollar (NZD)"}
    assert first.dims == {"TIME_PERIOD": "2013-01-18"}
    assert first.value == "1.5931"
    assert first.attrs == {"OBS_STATUS": "A"}
    assert obs[3].value == "40.3000"  # digits as written


def test_exr_action_delete(specimens: Path) -> None:
    chunks = read((specimens / "ECB/exr-action-delete.json").read_bytes(), ecb_exr(specimens))
    datasets: dict[int, list[Any]] = {}
    for c in chunks:
        datasets.setdefault(c.dataset.index, []).append(c)
    assert sorted(datasets) == [0, 1]
    replace, delete = datasets[0][0].dataset, datasets[1][0].dataset
    assert (replace.action, delete.action) == ("Replace", "Delete")
    assert replace.valid_from == "2012-03-20T15:00:16.000+01:00"
    assert delete.valid_to == "2012-03-20T10:07:58.000+01:00"
    r_obs = [o for c in datasets[0] for o in c.observations]
    d_obs = [o for c in datasets[1] for o in c.observations]
    assert (len({id(o.series) for o in r_obs}), len(r_obs)) == (2, 2)
    assert (len({id(o.series) for o in d_obs}), len(d_obs)) == (1, 1)
    # Cross-sectional: TIME_PERIOD in the series key, CURRENCY at observation level.
    assert replace.dimension_at_observation == "CURRENCY"
    assert r_obs[0].series.key["TIME_PERIOD"] == "2013-01-18"
    assert r_obs[0].dims == {"CURRENCY": "RUB"}
    assert r_obs[0].attrs == {"TITLE": "Russian rouble (RUB)", "OBS_STATUS": "A"}
    assert d_obs[0].value is None and d_obs[0].attrs == {}


def test_structure_after_datasets_and_non_seekable(specimens: Path) -> None:
    doc = json.loads((specimens / "ECB/exr-ts.json").read_bytes())
    reordered = {
        "header": doc["header"],
        "dataSets": doc["dataSets"],
        "structure": doc["structure"],
    }
    data = json.dumps(reordered).encode()
    for source in (io.BytesIO(data), _NoSeek(data)):
        chunks = list(JsonDataReader().read(source, lambda r: ecb_exr(specimens)))
        assert sum(len(c.observations) for c in chunks) == 4


def _v20(datasets: list[dict[str, Any]], **structure: Any) -> bytes:
    struct = {
        "links": [
            {
                "rel": "dataflow",
                "urn": "urn:sdmx:org.sdmx.infomodel.datastructure.Dataflow=TEST:DF_TOY(1.0)",
            }
        ],
        "dimensions": {
            "dataSet": [{"id": "DIM_3", "keyPosition": 2, "values": [{"id": "C", "name": "C"}]}],
            "series": [
                {
                    "id": "DIM_1",
                    "keyPosition": 0,
                    "values": [{"id": "A", "name": "A"}, {"id": "B", "name": "B"}],
                },
                {"id": "DIM_2", "keyPosition": 1, "values": [{"id": "X", "name": "X"}]},
            ],
            "observation": [
                {
                    "id": "TIME_PERIOD",
                    "keyPosition": 3,
                    "values": [{"value": "2020"}, {"id": "2021", "name": "2021"}],
                }
            ],
        },
        "measures": {"observation": [{"id": "OBS_VALUE"}, {"id": "OBS_VALUE2"}]},
        "attributes": {
            "dataSet": [
                {"id": "SOURCE", "relationship": {"dataflow": {}}, "values": [{"value": "survey"}]}
            ],
            "dimensionGroup": [
                {
                    "id": "UNIT",
                    "relationship": {"dimensions": ["DIM_1"]},
                    "values": [{"id": "EUR", "name": "Euro"}],
                }
            ],
            "series": [
                {
                    "id": "TITLE",
                    "relationship": {"dimensions": ["DIM_1", "DIM_2"]},
                    "values": [{"value": "t"}],
                }
            ],
            "observation": [
                {
                    "id": "OBS_STATUS",
                    "relationship": {"observation": {}},
                    "values": [{"id": "A", "name": "A"}, {"id": "E", "name": "E"}],
                }
            ],
        },
        **structure,
    }
    msg = {
        "meta": {"id": "M", "prepared": "2024-01-01T00:00:00Z", "sender": {"id": "S"}},
        "data": {"structures": [struct], "dataSets": datasets},
    }
    return json.dumps(msg).encode()


def test_v20_series_groups_measures() -> None:
    data = _v20(
        [
            {
                "structure": 0,
                "action": "Append",
                "links": [],
                "attributes": [0],
                "dimensionGroupAttributes": {":0": [None], "1:": [0]},
                "series": {
                    "0:0": {
                        "attributes": [0],
                        "observations": {"0": [1.5, 7, 1], "1": ["NaN", None]},
                    },
                    "1:0": {"attributes": [], "observations": {}},
                },
            }
        ]
    )
    chunks = read(data, toy())
    ds = chunks[0].dataset
    assert ds.action == "Append"
    assert ds.attrs == {"SOURCE": "survey"}
    assert ds.structure_ref == Ref(ArtefactType.DATAFLOW, "TEST", "DF_TOY", "1.0")
    obs = [o for c in chunks for o in c.observations]
    assert obs[0].series.key == {"DIM_3": "C", "DIM_1": "A", "DIM_2": "X"}
    assert obs[0].series.attrs == {"TITLE": "t"}
    assert obs[0].dims == {"TIME_PERIOD": "2020"}
    assert obs[0].value == "1.5"
    assert obs[0].attrs == {"OBS_STATUS": "E", "OBS_VALUE2": "7"}
    assert obs[1].value == "NaN" and obs[1].attrs == {}
    empty = [s for c in chunks for s in c.empty_series]
    assert len(empty) == 1 and empty[0].key["DIM_1"] == "B"
    assert empty[0].attrs == {"UNIT": "EUR"}  # dimension group attribute "1:" matches DIM_1=B


def test_v20_flat_and_batches() -> None:
    observations = {f"{i % 2}:0:{i % 2}": [i] for i in range(2)}
    struct_dims = {
        "dataSet": [],
        "series": [],
        "observation": [
            {
                "id": "DIM_1",
                "keyPosition": 0,
                "values": [{"id": "A", "name": "A"}, {"id": "B", "name": "B"}],
            },
            {"id": "DIM_2", "keyPosition": 1, "values": [{"id": "X", "name": "X"}]},
            {
                "id": "TIME_PERIOD",
                "keyPosition": 2,
                "values": [{"id": "2020", "name": "2020"}, {"id": "2021", "name": "2021"}],
            },
        ],
    }
    data = _v20(
        [{"action": "Replace", "links": [], "observations": observations}], dimensions=struct_dims
    )
    chunks = read(data, toy(), batch_size=1)
    assert [len(c.observations) for c in chunks] == [1, 1]
    assert chunks[0].dataset.dimension_at_observation == "AllDimensions"
    assert chunks[1].observations[0].dims == {"DIM_1": "B", "DIM_2": "X", "TIME_PERIOD": "2021"}


@pytest.mark.parametrize(
    "data",
    [
        b"[1, 2]",
        b'{"header": {}, "structure": {"dimensions": {}}, "dataSets": [{"series": {"0": {}}}]',
        b'{"errors": [{"code": 100, "title": "No results"}]}',
        b'{"dataSets": [{"series": {}}]}',
    ],
)
def test_syntax_errors(data: bytes) -> None:
    with pytest.raises(MessageSyntaxError):
        read(data, toy())


def test_bad_key_index(specimens: Path) -> None:
    doc = json.loads((specimens / "ECB/exr-ts.json").read_bytes())
    doc["dataSets"][0]["series"]["7"] = {"observations": {}}
    with pytest.raises(MessageSyntaxError, match="no value 7"):
        read(json.dumps(doc).encode(), ecb_exr(specimens))


def test_action_after_data_is_rejected(specimens: Path) -> None:
    doc = json.loads((specimens / "ECB/exr-ts.json").read_bytes())
    ds = doc["dataSets"][0]
    doc["dataSets"][0] = {"series": ds["series"], "action": "Delete"}
    with pytest.raises(MessageSyntaxError, match="after its data"):
        read(json.dumps(doc).encode(), ecb_exr(specimens))
