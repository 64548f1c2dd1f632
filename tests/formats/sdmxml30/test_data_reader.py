"""DataReader30: the SDMX-TWG 3.0 sample, Dataflow references, Comp/Atts values, detection, errors."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from registry.errors import MessageSyntaxError
from registry.formats.base import ResolvedStructure
from registry.formats.sdmxml21.ss_reader import StructureSpecificReader21
from registry.formats.sdmxml30.data_reader import DataReader30
from registry.sdmx.refs import ArtefactType, Ref
from tests.formats.xml_data_fixtures import (
    RecordingResolver,
    WSeries,
    read_specimen,
    ss_message,
    summarise,
    toy_dsd,
)

READER = DataReader30()
SAMPLE = "SDMX-TWG/v30/ECB_EXR0.xml"


def _read(data: bytes, **kw):  # type: ignore[no-untyped-def]
    resolver = RecordingResolver(ResolvedStructure(toy_dsd()))
    return summarise(READER.read(io.BytesIO(data), resolver, **kw), kw.get("batch_size")), resolver


def test_sample_counts_and_dataflow_reference(specimens: Path) -> None:
    summary, resolver = read_specimen(READER, specimens, SAMPLE, batch_size=50)
    assert resolver.asked == [Ref(ArtefactType.DATAFLOW, "ECB", "EXR", "1.0")]
    assert len(summary.datasets) == 1
    assert len(summary.series) == 6
    assert len(summary.observations) == 116
    assert summary.max_chunk == 50
    info = summary.datasets[0]
    assert info.action == "Information"  # from the header's DataSetAction
    assert info.reporting_begin == "1999-01-01T00:00:00"
    first = summary.observations[0]
    assert first.series.key == {
        "FREQ": "A",
        "CURRENCY": "CAD",
        "CURRENCY_DENOM": "EUR",
        "EXR_TYPE": "SP00",
        "EXR_SUFFIX": "A",
    }
    assert first.series.attrs["TITLE"] == "Canadian dollar/Euro"
    assert (first.dims, first.value, first.attrs, first.line) == (
        {"TIME_PERIOD": "1999"},
        "1.583993822393823",
        {"OBS_STATUS": "A"},
        20,
    )


def test_detection(specimens: Path) -> None:
    head = (specimens / SAMPLE).read_bytes()[:1024]
    assert DataReader30.handles(head)
    assert not StructureSpecificReader21.handles(head)
    assert not DataReader30.handles((specimens / "ISTAT/22_289.xml").read_bytes()[:1024])
    assert not DataReader30.handles((specimens / "SDMX-TWG/v30/ECB_EXR1.xml").read_bytes()[:1024])


def test_comp_values_atts_and_groups() -> None:
    series = [WSeries({"D0": "A", "D1": "B", "D2": "C"}, {}, [({"TIME_PERIOD": "2000"}, "1", {})])]
    data = b"".join(ss_message([({"action": "Merge"}, series)], version="3.0"))
    data = data.replace(
        b'<Obs TIME_PERIOD="2000" OBS_VALUE="1">'.replace(b">", b"/>"),
        b'<Obs TIME_PERIOD="2000" OBS_VALUE="1"><Comp id="NOTE"><Value xml:lang="fr">bonjour</Value>'
        b'<Value xml:lang="en">hello</Value></Comp><Comp id="TAGS"><Value>a</Value><Value>b</Value></Comp></Obs>',
    )
    data = data.replace(
        b"<Series ",
        b'<Atts UNIT_MULT="3"/><Atts D0="A" TITLE="from atts"/><Group type="G" D1="B" COMMENT="g"/><Series ',
        1,
    ).replace(b'D2="C">', b'D2="C"><Comp id="SERIES_NOTE"><Value>s</Value></Comp>', 1)
    summary, _ = _read(data)
    info = summary.datasets[0]
    assert info.action == "Merge"
    assert info.attrs == {"UNIT_MULT": "3"}
    (obs,) = summary.observations
    assert obs.attrs == {"NOTE": "hello", "TAGS": "a;b"}
    assert obs.series.attrs == {"TITLE": "from atts", "COMMENT": "g", "SERIES_NOTE": "s"}


def test_2_1_message_is_refused(specimens: Path) -> None:
    with pytest.raises(
        MessageSyntaxError, match="SDMX-ML 2.1 StructureSpecificData message, not SDMX-ML 3.0"
    ):
        _read((specimens / "ISTAT/22_289.xml").read_bytes())


def test_truncated_and_structure_messages(specimens: Path) -> None:
    data = (specimens / SAMPLE).read_bytes()
    with pytest.raises(MessageSyntaxError, match="Not well-formed") as err:
        _read(data[:6000])
    assert err.value.line is not None
    with pytest.raises(MessageSyntaxError, match="SDMX-ML 3.0 structure message"):
        _read((specimens / "SDMX-TWG/v30/ECB_EXR1.xml").read_bytes())
