"""StructureSpecificReader21: specimen counts, layouts, groups, errors, streaming bounds, memory,
and a hypothesis round trip through a test-local writer."""

from __future__ import annotations

import io
import os
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from registry.errors import MessageSyntaxError
from registry.formats.base import ResolvedStructure
from registry.formats.sdmxml21.ss_reader import StructureSpecificReader21
from registry.sdmx.refs import ArtefactType, Ref
from tests.formats.xml_data_fixtures import (
    RecordingResolver,
    WSeries,
    big_series,
    read_specimen,
    ss_message,
    summarise,
    toy_dsd,
)

READER = StructureSpecificReader21()


def _read(data: bytes, dsd=None, **kw):  # type: ignore[no-untyped-def]
    resolver = RecordingResolver(ResolvedStructure(dsd or toy_dsd()))
    return summarise(READER.read(io.BytesIO(data), resolver, **kw), kw.get("batch_size")), resolver


# --- specimens ---------------------------------------------------------------------------------------

SPECIMEN_COUNTS = [
    # file, data sets, series with obs, empty series, observations, dimension at observation
    ("SDMX-TWG/v21/sg-xs-ss.xml", 1, 3, 0, 12, "CURRENCY"),
    ("ISTAT/22_289.xml", 1, 2, 0, 8, "TIME_PERIOD"),
    ("ESTAT/NRG_BAL_S-data.xml", 1, 1, 0, 33, "TIME_PERIOD"),
    ("BIS/BIS_DER-str_ser.xml", 1, 42, 0, 1000, "TIME_PERIOD"),
    ("UNICEF/CME-serieskeys.xml", 1, 0, 20435, 0, "TIME_PERIOD"),
    ("UNICEF/CME-world-serieskeys.xml", 1, 0, 78, 0, "TIME_PERIOD"),
    ("EDGE/DS1-invalid-constraint.xml", 1, 1, 0, 4, "AllDimensions"),
]


@pytest.mark.parametrize(("path", "n_ds", "n_series", "n_empty", "n_obs", "dao"), SPECIMEN_COUNTS)
def test_specimen_counts(
    specimens: Path, path: str, n_ds: int, n_series: int, n_empty: int, n_obs: int, dao: str
) -> None:
    summary, _ = read_specimen(READER, specimens, path)
    assert len(summary.datasets) == n_ds
    assert len(summary.series) == n_series
    assert len(summary.empty_series) == n_empty
    assert len(summary.observations) == n_obs
    assert summary.datasets[0].dimension_at_observation == dao
    assert StructureSpecificReader21.handles((specimens / path).read_bytes()[:1024])


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("ISTAT/22_289.xml", Ref(ArtefactType.DATAFLOW, "IT1", "22_289", "1.0")),
        ("ESTAT/NRG_BAL_S-data.xml", Ref(ArtefactType.DATAFLOW, "ESTAT", "NRG_BAL_S", "1.0")),
        ("BIS/BIS_DER-str_ser.xml", Ref(ArtefactType.DATA_STRUCTURE, "BIS", "BIS_DER", "1.0")),
        ("UNICEF/CME-world-serieskeys.xml", Ref(ArtefactType.DATAFLOW, "UNICEF", "CME", "1.0")),
        ("SDMX-TWG/v21/sg-xs-ss.xml", Ref(ArtefactType.DATA_STRUCTURE, "ECB", "ECB_EXR_SG", "1.0")),
    ],
)
def test_structure_reference_is_resolved_once(specimens: Path, path: str, expected: Ref) -> None:
    summary, resolver = read_specimen(READER, specimens, path)
    assert resolver.asked == [expected]
    assert summary.datasets[0].structure_ref == expected
    assert summary.datasets[0].structure is resolver.structure


def test_istat_values_lines_and_action(specimens: Path) -> None:
    summary, _ = read_specimen(READER, specimens, "ISTAT/22_289.xml")
    info = summary.datasets[0]
    assert info.action == "Information"
    first, last = summary.observations[0], summary.observations[-1]
    assert first.series.key == {
        "FREQ": "A",
        "REF_AREA": "IT",
        "DATA_TYPE": "JAN",
        "SEX": "1",
        "AGE": "TOTAL",
        "MARITAL_STATUS": "99",
    }
    assert first.series.line == 23 and first.series.index == 0
    assert (first.dims, first.value, first.attrs, first.line) == (
        {"TIME_PERIOD": "2019"},
        "29131195",
        {},
        24,
    )
    assert (last.dims, last.attrs, last.series.index) == (
        {"TIME_PERIOD": "2022"},
        {"OBS_STATUS": "e"},
        1,
    )
    lines = (specimens / "ISTAT/22_289.xml").read_text().splitlines()
    for obs in summary.observations:
        assert f'TIME_PERIOD="{obs.dims["TIME_PERIOD"]}"' in lines[obs.line - 1]


def test_series_shared_by_identity_and_batches_bounded(specimens: Path) -> None:
    summary, _ = read_specimen(READER, specimens, "BIS/BIS_DER-str_ser.xml", batch_size=7)
    assert summary.max_chunk == 7 and summary.chunks == 143
    assert len(summary.observations) == 1000
    assert len({id(o.series) for o in summary.observations}) == 42
    assert [s.index for s in summary.series] == list(range(42))
    info = summary.datasets[0]
    assert info.attrs == {"DECIMALS": "3", "UNIT_MULT": "6", "UNIT_MEASURE": "USD"}
    assert info.action == "Replace"
    empty_values = [o for o in summary.observations if o.value == ""]
    assert len(empty_values) == 640 and all(o.attrs["OBS_STATUS"] == "M" for o in empty_values)
    assert summary.series[0].attrs == {"AVAILABILITY": "K", "COLLECTION": "S"}


def test_cross_sectional_groups_attach_to_observations(specimens: Path) -> None:
    summary, _ = read_specimen(READER, specimens, "SDMX-TWG/v21/sg-xs-ss.xml")
    for obs in summary.observations:
        assert "TIME_PERIOD" in obs.series.key and "CURRENCY" not in obs.series.key
        assert obs.series.attrs == {"COLL_METHOD": "Average of observations through period"}
    titles = {o.dims["CURRENCY"]: o.attrs["TITLE"] for o in summary.observations}
    assert titles == {
        "CHF": "ECB reference exchange rate, Swiss franc/Euro",
        "GBP": "ECB reference exchange rate, U.K. Pound sterling /Euro",
        "JPY": "ECB reference exchange rate, Japanese yen/Euro",
        "USD": "ECB reference exchange rate, U.S. dollar/Euro",
    }


def test_eurostat_dataset_in_dsd_namespace(specimens: Path) -> None:
    summary, _ = read_specimen(READER, specimens, "ESTAT/NRG_BAL_S-data.xml")
    assert summary.series[0].key == {
        "geo": "AL",
        "siec": "C0000X0350-0370",
        "unit": "GWH",
        "freq": "A",
        "nrg_bal": "AFC",
    }
    assert summary.observations[0].value == "6644.088"


def test_flat_all_dimensions(specimens: Path) -> None:
    summary, _ = read_specimen(READER, specimens, "EDGE/DS1-invalid-constraint.xml")
    (flat,) = summary.series
    assert flat.key == {} and all(o.series is flat for o in summary.observations)
    assert summary.observations[0].dims == {
        "TEST_1": "TEST_VALUE_2",
        "TEST_2": "TEST_VALUE_3",
        "TIME_PERIOD": "2020-03-30",
    }
    assert [o.value for o in summary.observations] == ["04.0", "01.0", "02.0", "03.0"]


def test_series_keys_only(specimens: Path) -> None:
    summary, _ = read_specimen(READER, specimens, "UNICEF/CME-serieskeys.xml", batch_size=5000)
    assert len(summary.empty_series) == 20435
    assert summary.empty_series[0].key == {
        "REF_AREA": "AFG",
        "INDICATOR": "CME_ARR_10T19",
        "SEX": "_T",
        "WEALTH_QUINTILE": "_T",
    } or set(summary.empty_series[0].key) == {"REF_AREA", "INDICATOR", "SEX", "WEALTH_QUINTILE"}
    assert [s.index for s in summary.empty_series[:3]] == [0, 1, 2]


# --- synthetic messages -------------------------------------------------------------------------------


def test_multiple_datasets_distinct_infos() -> None:
    series = [WSeries({"D0": "A", "D1": "B", "D2": "C"}, {}, [({"TIME_PERIOD": "2000"}, "1", {})])]
    data = b"".join(
        ss_message(
            [({"action": "Replace"}, series), ({"action": "Delete", "UNIT_MULT": "3"}, series)]
        )
    )
    summary, resolver = _read(data)
    first, second = summary.datasets
    assert first is not second
    assert (first.action, first.index, first.attrs) == ("Replace", 0, {})
    assert (second.action, second.index, second.attrs) == ("Delete", 1, {"UNIT_MULT": "3"})
    assert len(resolver.asked) == 1  # one structure, resolved once
    assert summary.observations[0].series is not summary.observations[1].series


def test_empty_dataset_still_reported() -> None:
    summary, _ = _read(b"".join(ss_message([({"action": "Delete"}, [])])))
    assert len(summary.datasets) == 1 and summary.chunks == 1 and not summary.observations


def test_unknown_and_qualified_attributes() -> None:
    data = b"".join(
        ss_message(
            [
                (
                    {},
                    [
                        WSeries(
                            {"D0": "A", "D1": "B", "D2": "C"},
                            {"NOT_IN_DSD": "x"},
                            [({"TIME_PERIOD": "2000"}, "1", {"BOGUS": "y"})],
                        )
                    ],
                )
            ]
        )
    )
    data = data.replace(b"<Obs ", b'<Obs xsi:type="ns:ObsType" ').replace(
        b"<Series ", b'<Series xsi:type="ns:SeriesType" '
    )
    summary, _ = _read(data)
    (obs,) = summary.observations
    assert obs.attrs == {"BOGUS": "y"}
    assert obs.series.attrs == {"NOT_IN_DSD": "x"}


def test_group_attributes_attach_to_matching_series() -> None:
    data = b"".join(
        ss_message(
            [
                (
                    {},
                    [
                        WSeries(
                            {"D0": "A", "D1": "B", "D2": "C"},
                            {"UNIT_MULT": "1"},
                            [({"TIME_PERIOD": "2000"}, "1", {})],
                        ),
                        WSeries(
                            {"D0": "Z", "D1": "B", "D2": "C"},
                            {},
                            [({"TIME_PERIOD": "2000"}, "2", {})],
                        ),
                    ],
                )
            ]
        )
    )
    group = b'<Group xsi:type="ns:G" D0="A" D1="B" TITLE="group title" UNIT_MULT="9"/>\n'
    data = data.replace(b"<Series ", group + b"<Series ", 1)
    summary, _ = _read(data)
    first, second = summary.series
    assert first.attrs == {"TITLE": "group title", "UNIT_MULT": "1"}  # the series' own value wins
    assert second.attrs == {}


def test_missing_observation_value_and_dimension() -> None:
    data = b"".join(
        ss_message([({}, [WSeries({"D0": "A"}, {}, [({}, None, {"OBS_STATUS": "M"})])])])
    )
    (obs,) = _read(data)[0].observations
    assert obs.value is None and obs.dims == {} and obs.series.key == {"D0": "A"}


# --- errors -------------------------------------------------------------------------------------------


def test_sdmx_error_message(specimens: Path) -> None:
    with pytest.raises(
        MessageSyntaxError, match=r"the file is an SDMX error message, code 150: Unable to parse"
    ):
        _read((specimens / "EDGE/error-150.xml").read_bytes())


@pytest.mark.parametrize(
    ("path", "match"),
    [
        ("ECB/ECB_EXR1-structure-stubs.xml", "SDMX-ML 2.1 structure message"),
        ("ECB/M.USD.EUR.SP00.A.xml", "GenericData message, not SDMX-ML 2.1 StructureSpecificData"),
        ("SDMX-TWG/v30/ECB_EXR0.xml", "SDMX-ML 3.0 StructureSpecificData message"),
    ],
)
def test_wrong_message_type(specimens: Path, path: str, match: str) -> None:
    with pytest.raises(MessageSyntaxError, match=match) as err:
        _read((specimens / path).read_bytes())
    assert err.value.line is not None


def test_truncated_file_has_line_number(specimens: Path) -> None:
    data = (specimens / "BIS/BIS_DER-str_ser.xml").read_bytes()
    cut = data[: len(data) // 2]
    with pytest.raises(MessageSyntaxError, match="Not well-formed XML") as err:
        _read(cut, dsd=None)
    assert err.value.line is not None and err.value.line > 100


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"not xml at all",
        b'<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY a "b">]>\n<x>&a;</x>',
        b'<x xmlns="urn:other"/>',
        b'<message:StructureSpecificData xmlns:message="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message">'
        b'<message:DataSet><ns:Series xmlns:ns="urn:x" D0="A"/></message:DataSet></message:StructureSpecificData>',
    ],
)
def test_unreadable_input(data: bytes) -> None:
    with pytest.raises(MessageSyntaxError):
        _read(data)


def test_handles() -> None:
    head = b"".join(ss_message([]))
    assert StructureSpecificReader21.handles(head)
    assert StructureSpecificReader21.handles(b"\xef\xbb\xbf" + head)
    assert StructureSpecificReader21.handles(b"<!-- hi -->\n" + head.split(b"\n", 1)[1])
    assert not StructureSpecificReader21.handles(head.replace(b"v2_1", b"v3_0"))
    assert not StructureSpecificReader21.handles(b"STRUCTURE,STRUCTURE_ID\n")
    assert not StructureSpecificReader21.handles(b'{"data": {}}')


# --- streaming ---------------------------------------------------------------------------------------


def _write_big(path: Path, n_obs: int, per_series: int, flat: bool = False) -> None:
    with open(path, "wb") as f:
        dao = "AllDimensions" if flat else "TIME_PERIOD"
        f.writelines(ss_message([({}, big_series(n_obs, per_series))], flat=flat, dao=dao))


@pytest.mark.slow
def test_memory_stays_flat(tmp_path: Path) -> None:
    """Peak traced (Python) memory while reading 300k observations stays far below the data size."""
    n_obs = 300_000
    path = tmp_path / "big.xml"
    _write_big(path, n_obs, 100)
    resolver = RecordingResolver(ResolvedStructure(toy_dsd()))
    count = 0
    tracemalloc.start()
    try:
        with open(path, "rb") as stream:
            for chunk in READER.read(stream, resolver):
                count += len(chunk.observations)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == n_obs
    assert peak < 30 * 1024 * 1024, f"peak traced memory {peak / 1e6:.1f} MB"


@pytest.mark.parametrize("per_series", [1, 7, 999, 2500])
def test_every_observation_keeps_its_series_across_read_ahead(per_series: int) -> None:
    """iterparse reads ahead: pruning the tree must never detach elements not yet read."""
    n_obs = 12_000
    data = b"".join(ss_message([({}, big_series(n_obs, per_series))]))
    summary, _ = _read(data, batch_size=1000)
    assert len(summary.observations) == n_obs
    for obs in summary.observations:
        assert obs.value.split(".")[0] == str(obs.series.index)  # type: ignore[union-attr]
    assert len(summary.series) == -(-n_obs // per_series)


def _rss() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


@pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="needs /proc")
@pytest.mark.parametrize("flat", [False, True], ids=["one-series", "flat"])
def test_parse_tree_does_not_grow(tmp_path: Path, flat: bool) -> None:
    """libxml2's tree (invisible to tracemalloc) is pruned inside one huge series or flat data set:
    the resident size does not grow with the observations read."""
    n_obs = 300_000
    path = tmp_path / "big.xml"
    _write_big(path, n_obs, n_obs, flat)
    resolver = RecordingResolver(ResolvedStructure(toy_dsd()))
    sizes, count = [], 0
    with open(path, "rb") as stream:
        for chunk in READER.read(stream, resolver):
            count += len(chunk.observations)
            sizes.append(_rss())
    assert count == n_obs
    growth = sizes[-1] - sizes[2]
    assert growth < 20 * 1024 * 1024, f"resident size grew by {growth / 1e6:.1f} MB while reading"


# --- property: what a writer writes, the reader reads back ---------------------------------------------

_code = st.text(alphabet="ABCXYZ019_", min_size=1, max_size=4)
_text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=12)
_obs = st.tuples(
    st.fixed_dictionaries(
        {"TIME_PERIOD": st.sampled_from(["2000", "2001-Q1", "2002-03", "2003-W07"])}
    ),
    st.one_of(
        st.none(),
        st.just(""),
        st.decimals(allow_nan=False, allow_infinity=False, places=3).map(str),
    ),
    st.dictionaries(st.sampled_from(["OBS_STATUS", "TITLE", "UNKNOWN_ATTR"]), _text, max_size=2),
)
_series = st.builds(
    WSeries,
    st.fixed_dictionaries({"D0": _code, "D1": _code, "D2": _code}),
    st.dictionaries(st.sampled_from(["UNIT_MULT", "TITLE"]), _text, max_size=2),
    st.lists(_obs, max_size=6),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    datasets=st.lists(
        st.tuples(st.sampled_from([{}, {"action": "Append"}]), st.lists(_series, max_size=5)),
        min_size=1,
        max_size=3,
    ),
    batch_size=st.integers(min_value=1, max_value=7),
)
def test_round_trip(datasets: list, batch_size: int) -> None:  # type: ignore[type-arg]
    data = b"".join(ss_message(datasets))
    summary, _ = _read(data, batch_size=batch_size)
    assert len(summary.datasets) == len(datasets)
    expected = [
        (s.key, s.attrs, dims, value, oattrs)
        for _, series in datasets
        for s in series
        for dims, value, oattrs in s.obs
    ]
    got = [(o.series.key, o.series.attrs, o.dims, o.value, o.attrs) for o in summary.observations]
    assert got == expected
    assert [s.key for s in summary.empty_series] == [
        s.key for _, series in datasets for s in series if not s.obs
    ]
    for info, (ds_attrs, _) in zip(summary.datasets, datasets, strict=True):
        assert info.action == ds_attrs.get("action", "Replace")
