"""JSON data writers: official-schema validity, sdmx1 read-back, layouts, streaming, property test."""

from __future__ import annotations

import io
import json
import warnings
from collections.abc import Iterator
from itertools import groupby
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema.validators import validator_for

from registry.formats.base import DataSetInfo, OutObs, OutSeries, ResolvedStructure, WriteOptions
from registry.formats.sdmxjson.data_reader import JsonDataReader
from registry.formats.sdmxjson.data_writer import JsonDataWriter10, JsonDataWriter20
from registry.sdmx.mediatypes import MediaType
from registry.sdmx.schemas import json_schema
from tests.formats.handmade_dsds import ecb_exr, toy


def validate(doc: Any, version: str, definition: str | None = None) -> list[str]:
    """Errors of ``doc`` against the official schema (or one of its definitions)."""
    schema = json_schema(version, "data")
    if definition is not None:
        schema = {**schema, "$ref": f"#/definitions/{definition}"}
        schema.pop("properties", None)
        schema.pop("type", None)
    with warnings.catch_warnings():
        # "$schema": "http://json-schema.org/schema#" means "the latest draft"; jsonschema warns.
        warnings.simplefilter("ignore", DeprecationWarning)
        cls = validator_for(schema)
    validator = cls(schema, format_checker=cls.FORMAT_CHECKER)
    return [f"{list(e.absolute_path)}: {e.message[:200]}" for e in validator.iter_errors(doc)]


def ecb_series(specimens: Path) -> tuple[ResolvedStructure, list[OutSeries]]:
    structure = ecb_exr(specimens)
    data = (specimens / "ECB/exr-ts.json").read_bytes()
    obs = [
        o
        for c in JsonDataReader().read(io.BytesIO(data), lambda r: structure)
        for o in c.observations
    ]
    series = []
    for _, group in groupby(obs, key=lambda o: id(o.series)):
        g = list(group)
        series.append(
            OutSeries(
                g[0].series.key, g[0].series.attrs, [OutObs(o.dims, o.value, o.attrs) for o in g]
            )
        )
    return structure, series


def write(
    writer: Any,
    structure: ResolvedStructure,
    series: Any,
    options: WriteOptions | None = None,
    dataset: DataSetInfo | None = None,
) -> bytes:
    ds = dataset or DataSetInfo(structure_ref=None, structure=structure)
    return b"".join(writer.write(structure, ds, series, options or WriteOptions()))


WRITERS = [
    pytest.param(JsonDataWriter20(), "2.0", id="2.0"),
    pytest.param(JsonDataWriter10(), "1.0", id="1.0"),
    pytest.param(JsonDataWriter10(layout="legacy"), "1.0", id="1.0-legacy"),
]


@pytest.mark.parametrize(("writer", "version"), WRITERS)
@pytest.mark.parametrize("dim_at_obs", ["TIME_PERIOD", "AllDimensions", "CURRENCY"])
def test_valid_and_read_back(specimens: Path, writer: Any, version: str, dim_at_obs: str) -> None:
    structure, series = ecb_series(specimens)
    if dim_at_obs == "CURRENCY":  # cross-sectional: regroup by time
        flat = [(s.key, s.attrs, o) for s in series for o in s.observations]
        series = [
            OutSeries(
                {**k, "TIME_PERIOD": o.dims["TIME_PERIOD"]},
                {},
                [OutObs({"CURRENCY": k["CURRENCY"]}, o.value, {**a, **o.attrs})],
            )
            for k, a, o in flat
        ]
        for s in series:
            del s.key["CURRENCY"]
    options = WriteOptions(
        dimension_at_observation=dim_at_obs, header={"id": "TEST-1", "sender": "IDAC"}
    )
    data = write(writer, structure, series, options)
    doc = json.loads(data)
    if getattr(writer, "layout", "official") == "legacy":
        assert validate(doc["header"], version, "meta") == []
        assert validate(doc["structure"], version, "structure") == []
        for ds in doc["dataSets"]:
            assert validate(ds, version, "dataSet") == []
    else:
        assert validate(doc, version) == []
        assert doc["data"]["dataSets"]  # the schema is not satisfied vacuously
    chunks = list(JsonDataReader().read(io.BytesIO(data), lambda r: structure))
    obs = [o for c in chunks for o in c.observations]
    assert len(obs) == 4
    got = sorted((tuple(sorted({**o.series.key, **o.dims}.items())), o.value) for o in obs)
    want = sorted(
        (tuple(sorted({**s.key, **o.dims}.items())), o.value)
        for s in series
        for o in s.observations
    )
    assert got == want
    assert chunks[0].dataset.dimension_at_observation == dim_at_obs


@pytest.mark.parametrize("dim_at_obs", ["TIME_PERIOD", "AllDimensions"])
def test_sdmx1_reads_legacy_10(specimens: Path, dim_at_obs: str) -> None:
    import sdmx

    structure, series = ecb_series(specimens)
    data = write(
        JsonDataWriter10(layout="legacy"),
        structure,
        series,
        WriteOptions(dimension_at_observation=dim_at_obs),
    )
    msg = sdmx.read_sdmx(io.BytesIO(data))
    assert len(msg.data) == 1
    assert len(msg.data[0].obs) == 4
    if dim_at_obs == "TIME_PERIOD":
        assert len(msg.data[0].series) == 2
    values = sorted(float(o.value) for o in msg.data[0].obs)
    assert values == [1.5925, 1.5931, 40.3, 40.3426]


def test_media_types_and_layout_option() -> None:
    assert JsonDataWriter10.media_types == (MediaType.DATA_JSON_10,)
    assert JsonDataWriter20.media_types == (MediaType.DATA_JSON_20,)
    with pytest.raises(ValueError, match="layout"):
        JsonDataWriter10(layout="other")


def test_names_actions_attributes() -> None:
    structure = toy()
    names = {("DIM_1", "A"): "Ay", ("DIM_1", None): "Dimension 1"}
    series = [
        OutSeries(
            {"DIM_1": "A", "DIM_2": "B", "DIM_3": "C"},
            {"UNIT": "EUR", "TITLE": "Free text: yes"},
            [
                OutObs({"TIME_PERIOD": "2020-01-01T00:00:00"}, "1.50", {"OBS_STATUS": "A"}),
                OutObs({"TIME_PERIOD": "2021"}, "x", {"COMMENT": "c"}),
            ],
        )
    ]
    ds = DataSetInfo(
        None,
        structure,
        action="Merge",
        attrs={"SOURCE": "survey"},
        valid_from="2020-01-01T00:00:00Z",
    )
    doc = json.loads(
        write(JsonDataWriter20(lambda c, v: names.get((c, v))), structure, series, dataset=ds)
    )
    assert validate(doc, "2.0") == []
    data_set = doc["data"]["dataSets"][0]
    assert data_set["action"] == "Append"  # SDMX-JSON knows no Merge
    assert data_set["validFrom"] == "2020-01-01T00:00:00Z"
    struct = doc["data"]["structures"][0]
    dim1 = struct["dimensions"]["series"][0]
    assert dim1["name"] == "Dimension 1" and dim1["values"] == [{"id": "A", "name": "Ay"}]
    time = struct["dimensions"]["observation"][0]
    assert time["values"][0] == {"value": "2020-01-01T00:00:00"}
    assert struct["attributes"]["dataSet"][0]["relationship"] == {"dataflow": {}}
    assert struct["attributes"]["series"][1]["values"] == [{"value": "Free text: yes"}]
    obs = data_set["series"]["0:0:0"]["observations"]
    assert obs["0"] == [1.50, 0] and b"1.50" in write(JsonDataWriter20(), structure, series)
    assert obs["1"] == ["x", None, 0]


def test_detail_and_empty() -> None:
    structure = toy()
    series = [
        OutSeries(
            {"DIM_1": "A", "DIM_2": "B", "DIM_3": "C"},
            {"UNIT": "EUR"},
            [OutObs({"TIME_PERIOD": "2020"}, "1")],
        )
    ]
    doc = json.loads(
        write(JsonDataWriter20(), structure, series, WriteOptions(detail="serieskeysonly"))
    )
    assert doc["data"]["dataSets"][0]["series"] == {"0:0:0": {}}
    assert validate(doc, "2.0") == []
    chunks = list(JsonDataReader().read(io.BytesIO(json.dumps(doc).encode()), lambda r: structure))
    assert [len(c.empty_series) for c in chunks] == [1]
    doc = json.loads(write(JsonDataWriter20(), structure, series, WriteOptions(detail="dataonly")))
    assert "attributes" not in doc["data"]["dataSets"][0]["series"]["0:0:0"]
    for writer, version in ((JsonDataWriter20(), "2.0"), (JsonDataWriter10(), "1.0")):
        doc = json.loads(write(writer, structure, []))
        assert validate(doc, version) == []


def test_output_is_streamed_and_bounded() -> None:
    structure = toy()

    def many() -> Iterator[OutSeries]:
        for i in range(200):
            yield OutSeries(
                {"DIM_1": f"C{i}", "DIM_2": "B", "DIM_3": "C"},
                {},
                (OutObs({"TIME_PERIOD": str(1900 + y)}, f"{y}.5") for y in range(100)),
            )

    pieces = list(
        JsonDataWriter20().write(structure, DataSetInfo(None, structure), many(), WriteOptions())
    )
    assert len(pieces) >= 3  # ~250 KB in pieces of ~64 KB
    assert max(len(p) for p in pieces) < 100_000
    doc = json.loads(b"".join(pieces))
    assert len(doc["data"]["dataSets"][0]["series"]) == 200


# --- property: random observations -> JsonDataWriter20 -> JsonDataReader -> identical ---------------

_code = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_", min_size=1, max_size=6)
_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=20)
_number = st.decimals(allow_nan=False, allow_infinity=False, places=3).map(lambda d: format(d, "f"))


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.tuples(_code, _code, _code),
            st.fixed_dictionaries({}, optional={"UNIT": _code, "TITLE": _text}),
            st.dictionaries(
                st.sampled_from(
                    ["2020", "2020-Q1", "2020-01", "2020-01-31", "2020-W53", "2020-01-01T10:00:00"]
                ),
                st.tuples(
                    st.one_of(st.none(), _text, _number),
                    st.fixed_dictionaries({}, optional={"OBS_STATUS": _code, "COMMENT": _text}),
                ),
                max_size=4,
            ),
        ),
        max_size=4,
        unique_by=lambda t: t[0],
    ),
    st.sampled_from(["TIME_PERIOD", "AllDimensions"]),
)
def test_property_json20_round_trip(data: list[Any], dim_at_obs: str) -> None:
    structure = toy()
    series, expected = [], []
    for key, sattrs, observations in data:
        skey = dict(zip(("DIM_1", "DIM_2", "DIM_3"), key, strict=False))
        outs = []
        for period, (value, oattrs) in observations.items():
            outs.append(OutObs({"TIME_PERIOD": period}, value, oattrs))
            expected.append(
                (
                    tuple(sorted({**skey, "TIME_PERIOD": period}.items())),
                    value,
                    tuple(sorted({**sattrs, **oattrs}.items())),
                )
            )
        series.append(OutSeries(skey, sattrs, outs))
    data_bytes = write(
        JsonDataWriter20(), structure, series, WriteOptions(dimension_at_observation=dim_at_obs)
    )
    doc = json.loads(data_bytes)
    assert validate(doc, "2.0") == []
    got = [
        (
            tuple(sorted({**o.series.key, **o.dims}.items())),
            o.value,
            tuple(sorted({**o.series.attrs, **o.attrs}.items())),
        )
        for c in JsonDataReader().read(io.BytesIO(data_bytes), lambda r: structure, batch_size=3)
        for o in c.observations
    ]
    assert sorted(got, key=repr) == sorted(expected, key=repr)
