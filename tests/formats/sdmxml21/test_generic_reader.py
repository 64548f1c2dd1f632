"""GenericDataReader21: specimen counts, series/flat layouts, groups, footer-only messages, errors."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from registry.errors import MessageSyntaxError
from registry.formats.base import ResolvedStructure
from registry.formats.sdmxml21.generic_reader import GenericDataReader21
from registry.sdmx.refs import ArtefactType, Ref
from tests.formats.xml_data_fixtures import RecordingResolver, read_specimen, summarise, toy_dsd

READER = GenericDataReader21()
MES = "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message"
GEN = "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/data/generic"


def _read(data: bytes, **kw):  # type: ignore[no-untyped-def]
    resolver = RecordingResolver(ResolvedStructure(toy_dsd()))
    return summarise(READER.read(io.BytesIO(data), resolver, **kw), kw.get("batch_size")), resolver


def _message(body: str, dao: str = "TIME_PERIOD", root: str = "GenericData") -> bytes:
    return (
        f'<?xml version="1.0"?>\n<m:{root} xmlns:m="{MES}" xmlns:g="{GEN}" '
        'xmlns:c="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common">\n'
        "<m:Header><m:ID>X</m:ID><m:Test>false</m:Test><m:Prepared>2024-01-01T00:00:00</m:Prepared>"
        f'<m:Sender id="X"/><m:Structure structureID="S" dimensionAtObservation="{dao}"><c:Structure>'
        "<URN>urn:sdmx:org.sdmx.infomodel.datastructure.DataStructure=TEST:TOY(1.0)</URN></c:Structure>"
        f"</m:Structure></m:Header>\n{body}\n</m:{root}>"
    ).encode()


def _series(
    key: dict[str, str], attrs: dict[str, str], obs: list[tuple[str, str | None, dict[str, str]]]
) -> str:
    values = "".join(f'<g:Value id="{k}" value="{v}"/>' for k, v in key.items())
    out = f"<g:Series><g:SeriesKey>{values}</g:SeriesKey>"
    if attrs:
        out += (
            "<g:Attributes>"
            + "".join(f'<g:Value id="{k}" value="{v}"/>' for k, v in attrs.items())
            + "</g:Attributes>"
        )
    for t, v, oa in obs:
        out += f'\n<g:Obs><g:ObsDimension value="{t}"/>'
        if v is not None:
            out += f'<g:ObsValue value="{v}"/>'
        if oa:
            out += (
                "<g:Attributes>"
                + "".join(f'<g:Value id="{k}" value="{x}"/>' for k, x in oa.items())
                + "</g:Attributes>"
            )
        out += "</g:Obs>"
    return out + "</g:Series>\n"


# --- specimens ---------------------------------------------------------------------------------------

SPECIMEN_COUNTS = [
    # file, data sets, series with obs, observations, dimension at observation
    ("ECB/M.USD.EUR.SP00.A.xml", 1, 1, 252, "TIME_PERIOD"),
    ("SDMX-TWG/v21/sg-ts.xml", 1, 4, 12, "TIME_PERIOD"),
    ("BIS/BIS_DER-gen_all.xml", 1, 1, 1000, "AllDimensions"),  # one (empty-key) flat series
]


@pytest.mark.parametrize(("path", "n_ds", "n_series", "n_obs", "dao"), SPECIMEN_COUNTS)
def test_specimen_counts(
    specimens: Path, path: str, n_ds: int, n_series: int, n_obs: int, dao: str
) -> None:
    summary, _ = read_specimen(READER, specimens, path, batch_size=100)
    assert len(summary.datasets) == n_ds
    assert len(summary.series) == n_series
    assert len(summary.observations) == n_obs
    assert not summary.empty_series
    assert summary.datasets[0].dimension_at_observation == dao
    assert GenericDataReader21.handles((specimens / path).read_bytes()[:1024])


def test_ecb_series(specimens: Path) -> None:
    summary, resolver = read_specimen(READER, specimens, "ECB/M.USD.EUR.SP00.A.xml")
    assert resolver.asked == [Ref(ArtefactType.DATA_STRUCTURE, "ECB", "ECB_EXR1", "1.0")]
    info = summary.datasets[0]
    assert info.action == "Replace" and info.valid_from == "2020-01-16T08:16:20.341+01:00"
    (series,) = summary.series
    assert series.key == {
        "FREQ": "M",
        "CURRENCY": "USD",
        "CURRENCY_DENOM": "EUR",
        "EXR_TYPE": "SP00",
        "EXR_SUFFIX": "A",
    }
    assert series.attrs["TITLE"] == "US dollar/Euro" and len(series.attrs) == 8
    assert series.line == 14
    first = summary.observations[0]
    assert (first.dims, first.value, first.attrs, first.line) == (
        {"TIME_PERIOD": "1999-01"},
        "1.16078",
        {"OBS_STATUS": "A"},
        32,
    )
    assert all(o.series is series for o in summary.observations)


def test_sibling_groups_attach_to_series(specimens: Path) -> None:
    summary, _ = read_specimen(READER, specimens, "SDMX-TWG/v21/sg-ts.xml")
    titles = {s.key["CURRENCY"]: s.attrs["TITLE"] for s in summary.series}
    assert titles == {
        "CHF": "ECB reference exchange rate, Swiss franc/Euro",
        "GBP": "ECB reference exchange rate, U.K. Pound sterling /Euro",
        "JPY": "ECB reference exchange rate, Japanese yen/Euro",
        "USD": "ECB reference exchange rate, U.S. dollar/Euro",
    }
    assert all("COLL_METHOD" in s.attrs for s in summary.series)


def test_flat_all_dimensions(specimens: Path) -> None:
    summary, _ = read_specimen(READER, specimens, "BIS/BIS_DER-gen_all.xml", batch_size=64)
    assert summary.max_chunk == 64
    info = summary.datasets[0]
    assert info.attrs == {"DECIMALS": "3", "UNIT_MULT": "6", "UNIT_MEASURE": "USD"}
    (flat,) = summary.series
    assert flat.key == {} and flat.attrs == {}
    first = summary.observations[0]
    assert len(first.dims) == 15 and first.dims["TIME_PERIOD"] == "2002"
    assert first.attrs == {
        "AVAILABILITY": "K",
        "COLLECTION": "S",
        "OBS_STATUS": "M",
        "OBS_CONF": "F",
    }
    # 640 missing values: 639 written as an empty ObsValue, one with no ObsValue at all
    assert sum(1 for o in summary.observations if o.value == "") == 639
    assert sum(1 for o in summary.observations if o.value is None) == 1


def test_footer_only_message_has_no_dataset(specimens: Path) -> None:
    summary, resolver = read_specimen(READER, specimens, "ESTAT/footer.xml")
    assert summary.datasets == [] and summary.chunks == 0 and resolver.asked == []


# --- synthetic ----------------------------------------------------------------------------------------


def test_series_without_observations_and_urn_reference() -> None:
    body = (
        '<m:DataSet structureRef="S" action="Delete">'
        + _series({"D0": "A", "D1": "B", "D2": "C"}, {"UNIT_MULT": "2"}, [])
        + _series(
            {"D0": "X", "D1": "B", "D2": "C"},
            {},
            [("2001", "5", {}), ("2002", None, {"OBS_STATUS": "M"})],
        )
        + "</m:DataSet>"
    )
    summary, resolver = _read(_message(body))
    assert resolver.asked == [Ref(ArtefactType.DATA_STRUCTURE, "TEST", "TOY", "1.0")]
    (empty,) = summary.empty_series
    assert (empty.key["D0"], empty.attrs, empty.index) == ("A", {"UNIT_MULT": "2"}, 0)
    assert summary.datasets[0].action == "Delete"
    assert [(o.dims, o.value, o.attrs, o.series.index) for o in summary.observations] == [
        ({"TIME_PERIOD": "2001"}, "5", {}, 1),
        ({"TIME_PERIOD": "2002"}, None, {"OBS_STATUS": "M"}, 1),
    ]


def test_multiple_datasets_and_time_series_root() -> None:
    one = _series({"D0": "A"}, {}, [("2001", "1", {})])
    body = f'<m:DataSet structureRef="S">{one}</m:DataSet><m:DataSet structureRef="S" action="Append">{one}</m:DataSet>'
    summary, _ = _read(_message(body, root="GenericTimeSeriesData"), batch_size=1)
    assert [(d.index, d.action) for d in summary.datasets] == [(0, "Replace"), (1, "Append")]
    assert summary.observations[0].series is not summary.observations[1].series


def test_cross_sectional_group_attaches_to_observations() -> None:
    group = (
        '<m:DataSet structureRef="S"><g:Group type="G"><g:GroupKey><g:Value id="D0" value="A"/>'
        '<g:Value id="D2" value="C1"/></g:GroupKey><g:Attributes><g:Value id="TITLE" value="t"/>'
        "</g:Attributes></g:Group>"
    )
    series = _series(
        {"D0": "A", "D1": "B", "TIME_PERIOD": "2001"}, {}, [("C1", "1", {}), ("C2", "2", {})]
    )
    summary, _ = _read(_message(group + series + "</m:DataSet>", dao="D2"))
    assert [(o.dims, o.attrs) for o in summary.observations] == [
        ({"D2": "C1"}, {"TITLE": "t"}),
        ({"D2": "C2"}, {}),
    ]


def test_errors(specimens: Path) -> None:
    with pytest.raises(MessageSyntaxError, match="SDMX error message, code 150"):
        _read((specimens / "EDGE/error-150.xml").read_bytes())
    with pytest.raises(
        MessageSyntaxError, match="StructureSpecificData message, not SDMX-ML 2.1 GenericData"
    ):
        _read((specimens / "ISTAT/22_289.xml").read_bytes())
    data = (specimens / "ECB/M.USD.EUR.SP00.A.xml").read_bytes()
    with pytest.raises(MessageSyntaxError, match="Not well-formed") as err:
        _read(data[:30000])
    assert err.value.line is not None and err.value.line > 500


def test_handles() -> None:
    assert GenericDataReader21.handles(_message(""))
    assert GenericDataReader21.handles(_message("", root="GenericTimeSeriesData"))
    assert not GenericDataReader21.handles(_message("", root="StructureSpecificData"))
    assert not GenericDataReader21.handles(b"<GenericData/>")
