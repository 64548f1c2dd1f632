"""CSV writers: read back by pysdmx and by CsvReader, options, spreadsheet safety, property test."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from itertools import groupby
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from registry.formats.base import DataSetInfo, OutObs, OutSeries, ResolvedStructure, WriteOptions
from registry.formats.sdmxcsv.reader import CsvReader
from registry.formats.sdmxcsv.writer import (
    CsvWriter10,
    CsvWriter20,
    PlainCsvWriter,
    neutralise,
    normalise_period,
)
from registry.sdmx.mediatypes import MediaType
from tests.formats.handmade_dsds import bis_der, toy


def bis_series(specimens: Path) -> list[OutSeries]:
    """The 1,000 BIS observations (read from the SDMX-CSV 1.0 specimen) as 42 series."""
    structure = bis_der(specimens)
    data = (specimens / "BIS/BIS_DER-data_v1.csv").read_bytes()
    obs = [
        o for c in CsvReader().read(io.BytesIO(data), lambda r: structure) for o in c.observations
    ]
    dims = [d.id for d in structure.dsd.dimensions if d.id != "TIME_PERIOD"]
    out = []
    for key, group in groupby(obs, key=lambda o: tuple(o.dims[d] for d in dims)):
        out.append(
            OutSeries(
                key=dict(zip(dims, key, strict=False)),
                attrs={},
                observations=[
                    OutObs({"TIME_PERIOD": o.dims["TIME_PERIOD"]}, o.value, o.attrs) for o in group
                ],
            )
        )
    return out


def write(
    writer: object,
    structure: ResolvedStructure,
    series: list[OutSeries],
    options: WriteOptions | None = None,
    dataset: DataSetInfo | None = None,
) -> str:
    ds = dataset or DataSetInfo(structure_ref=None, structure=structure)
    pieces = writer.write(structure, ds, series, options or WriteOptions())  # type: ignore[attr-defined]
    return b"".join(pieces).decode("utf-8")


def rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


@pytest.mark.parametrize("writer", [CsvWriter10(), CsvWriter20()])
def test_pysdmx_reads_bis(specimens: Path, writer: object) -> None:
    from pysdmx.io import get_datasets

    structure = bis_der(specimens)
    text = write(writer, structure, bis_series(specimens))
    datasets = get_datasets(text, str(specimens / "BIS/BIS-3DSD-structure.xml"))
    assert len(datasets) == 1
    assert len(datasets[0].data) == 1000


def test_media_types() -> None:
    assert CsvWriter10.media_types == (MediaType.DATA_CSV_10,)
    assert CsvWriter20.media_types == (MediaType.DATA_CSV_20,)
    assert PlainCsvWriter.media_types == (MediaType.CSV,)


@pytest.mark.parametrize("writer", [CsvWriter10(), CsvWriter20()])
def test_round_trip_bis(specimens: Path, writer: object) -> None:
    structure = bis_der(specimens)
    original = (specimens / "BIS/BIS_DER-data_v1.csv").read_bytes()
    before = [
        (o.dims, o.value, o.attrs)
        for c in CsvReader().read(io.BytesIO(original), lambda r: structure)
        for o in c.observations
    ]
    text = write(writer, structure, bis_series(specimens))
    after = [
        (o.dims, o.value, o.attrs)
        for c in CsvReader().read(io.BytesIO(text.encode()), lambda r: structure)
        for o in c.observations
    ]
    assert after == before


def test_v20_columns_action_keys(specimens: Path) -> None:
    structure = bis_der(specimens)
    ds = DataSetInfo(structure_ref=None, structure=structure, action="Delete")
    text = write(CsvWriter20(), structure, bis_series(specimens)[:1], WriteOptions(keys="both"), ds)
    table = rows(text)
    assert table[0][:5] == ["STRUCTURE", "STRUCTURE_ID", "ACTION", "SERIES_KEY", "OBS_KEY"]
    assert table[1][:3] == ["dataflow", "BIS:WEBSTATS_DER_DATAFLOW(1.0)", "D"]
    assert table[1][3] == "A.U.A.B.5J.A.1E.A.HKD.TO1.A.A.3.C"
    assert table[1][4] == "A.U.A.B.5J.A.1E.A.HKD.TO1.A.A.3.C.2002"
    assert text.endswith("\r\n")


def _toy_series() -> list[OutSeries]:
    return [
        OutSeries(
            key={"DIM_1": "A", "DIM_2": "B", "DIM_3": "C"},
            attrs={"UNIT": "EUR", "TITLE": '=HYPERLINK("x")'},
            observations=[
                OutObs({"TIME_PERIOD": "2020-Q2"}, "-1.5", {"OBS_STATUS": "A"}),
                OutObs({"TIME_PERIOD": "2020-W01"}, "+cmd|' /C calc'!A0", {"COMMENT": "@SUM(1)"}),
            ],
        )
    ]


def test_labels_both_time_normalized() -> None:
    names = {("DIM_1", None): "Dimension one", ("DIM_1", "A"): "Ay", ("TOY", None): "Toy flow"}
    writer = CsvWriter20(lambda c, v: names.get((c, v)))
    structure = toy()
    text = write(
        writer, structure, _toy_series(), WriteOptions(labels="both", time_format="normalized")
    )
    table = rows(text)
    assert table[0][3] == "DIM_1: Dimension one"
    assert table[0][4] == "DIM_2: DIM_2"
    assert table[1][1] == "TEST:DF_TOY(1.0): DF_TOY"
    assert table[1][3] == "A: Ay"
    assert table[1][6] == "2020-04-01"
    assert table[2][6] == "2019-12-30"  # 2020-W01 starts on a Monday in 2019
    # The reader takes the id part back.
    obs = [
        o
        for c in CsvReader().read(io.BytesIO(text.encode()), lambda r: structure)
        for o in c.observations
    ]
    assert obs[0].dims["DIM_1"] == "A"
    assert obs[0].attrs["UNIT"] == "EUR"
    assert obs[0].attrs["TITLE"] == '=HYPERLINK("x")'  # SDMX-CSV values stay exact


def test_labels_name_read_back() -> None:
    structure = toy()
    text = write(CsvWriter20(), structure, _toy_series(), WriteOptions(labels="name"))
    table = rows(text)
    assert table[0][:4] == ["STRUCTURE", "STRUCTURE_ID", "STRUCTURE_NAME", "ACTION"]
    assert table[0][4:6] == ["DIM_1", "DIM_1"]
    obs = [
        o
        for c in CsvReader().read(io.BytesIO(text.encode()), lambda r: structure)
        for o in c.observations
    ]
    assert obs[0].dims == {"DIM_1": "A", "DIM_2": "B", "DIM_3": "C", "TIME_PERIOD": "2020-Q2"}
    assert obs[0].value == "-1.5"


@pytest.mark.parametrize(
    ("period", "expected"),
    [
        ("2014", "2014-01-01"),
        ("2014-07", "2014-07-01"),
        ("2014-Q3", "2014-07-01"),
        ("2014-S2", "2014-07-01"),
        ("2014-T3", "2014-09-01"),
        ("2014-M11", "2014-11-01"),
        ("2014-A1", "2014-01-01"),
        ("2014-W01", "2013-12-30"),
        ("2014-D032", "2014-02-01"),
        ("2014-03-05", "2014-03-05"),
        ("2014-03-05T10:00:00", "2014-03-05T10:00:00"),
        ("junk", "junk"),
    ],
)
def test_normalise_period(period: str, expected: str) -> None:
    assert normalise_period(period) == expected


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+cmd", "'+cmd"),
        ("-cmd", "'-cmd"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("-1.5", "-1.5"),
        ("+3", "+3"),
        ("-2e-3", "-2e-3"),
        ("abc", "abc"),
        ("", ""),
    ],
)
def test_neutralise(cell: str, expected: str) -> None:
    assert neutralise(cell) == expected


def test_plain_csv_is_spreadsheet_safe() -> None:
    text = write(PlainCsvWriter(), toy(), _toy_series())
    table = rows(text)
    header = table[0]
    assert header[:5] == ["DIM_1", "DIM_2", "DIM_3", "TIME_PERIOD", "OBS_VALUE"]
    first = dict(zip(header, table[1], strict=False))
    second = dict(zip(header, table[2], strict=False))
    assert first["OBS_VALUE"] == "-1.5"  # numbers stay numbers
    assert first["TITLE"] == '\'=HYPERLINK("x")'
    assert second["OBS_VALUE"] == "'+cmd|' /C calc'!A0"
    assert second["COMMENT"] == "'@SUM(1)"


def test_detail_options() -> None:
    structure = toy()
    table = rows(write(CsvWriter20(), structure, _toy_series(), WriteOptions(detail="dataonly")))
    assert "UNIT" not in table[0] and "OBS_VALUE" in table[0]
    table = rows(
        write(CsvWriter20(), structure, _toy_series(), WriteOptions(detail="serieskeysonly"))
    )
    assert table[0] == ["STRUCTURE", "STRUCTURE_ID", "ACTION", "DIM_1", "DIM_2", "DIM_3"]
    assert len(table) == 2
    table = rows(write(CsvWriter20(), structure, _toy_series(), WriteOptions(detail="nodata")))
    assert "OBS_VALUE" not in table[0] and "TIME_PERIOD" not in table[0] and "UNIT" in table[0]
    assert len(table) == 2


def test_dataset_attributes_and_provenance() -> None:
    structure = toy()
    series = _toy_series()
    for o in series[0].observations:  # type: ignore[attr-defined]
        o.provenance = {"PROVIDER": "TEST:P1", "SUBMISSION": "42"}
    ds = DataSetInfo(structure_ref=None, structure=structure, attrs={"SOURCE": "survey"})
    table = rows(write(CsvWriter20(), structure, series, WriteOptions(provenance=True), ds))
    assert table[0][-2:] == ["PROVIDER", "SUBMISSION"]
    row = dict(zip(table[0], table[1], strict=False))
    assert row["SOURCE"] == "survey" and row["PROVIDER"] == "TEST:P1"


def test_empty_answer_has_header() -> None:
    assert rows(write(CsvWriter10(), toy(), []))[0][0] == "DATAFLOW"


def test_output_is_streamed() -> None:
    structure = toy()

    def many() -> Iterator[OutSeries]:
        for i in range(50):
            yield OutSeries(
                {"DIM_1": str(i), "DIM_2": "B", "DIM_3": "C"},
                {},
                [OutObs({"TIME_PERIOD": str(2000 + y)}, str(y)) for y in range(100)],
            )

    pieces = list(
        CsvWriter20().write(structure, DataSetInfo(None, structure), many(), WriteOptions())
    )
    assert len(pieces) >= 5
    assert max(len(p) for p in pieces) < 200_000


# --- property: random observations -> CsvWriter20 -> CsvReader -> identical -----------------------

_code = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_", min_size=1, max_size=6)
_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    min_size=1,
    max_size=20,
)
_obs = st.fixed_dictionaries(
    {"TIME_PERIOD": st.sampled_from(["2020", "2020-Q1", "2020-01", "2020-01-31", "2020-W53"])},
    optional={"OBS_STATUS": _code, "COMMENT": _text},
)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.tuples(_code, _code, _code),
            st.fixed_dictionaries({}, optional={"UNIT": _code, "TITLE": _text}),
            st.lists(st.tuples(_obs, st.one_of(st.none(), _text)), max_size=5),
        ),
        max_size=5,
    )
)
def test_property_csv20_round_trip(data: list) -> None:  # type: ignore[type-arg]
    structure = toy()
    series = []
    expected = []
    for key, sattrs, observations in data:
        skey = dict(zip(("DIM_1", "DIM_2", "DIM_3"), key, strict=False))
        outs = []
        for attrs, value in observations:
            dims = {"TIME_PERIOD": attrs["TIME_PERIOD"]}
            oattrs = {k: v for k, v in attrs.items() if k != "TIME_PERIOD"}
            outs.append(OutObs(dims, value, oattrs))
            expected.append(({**skey, **dims}, value, {**sattrs, **oattrs}))
        series.append(OutSeries(skey, sattrs, outs))
    text = write(CsvWriter20(), structure, series)
    got = [
        (o.dims, o.value, o.attrs)
        for c in CsvReader().read(io.BytesIO(text.encode()), lambda r: structure, batch_size=3)
        for o in c.observations
    ]
    assert got == expected
