"""Real clients over HTTP against a live server: sdmx1 (``Client.data`` with keys and periods) and
pysdmx (reading our SDMX-ML and SDMX-CSV answers); and the round trip submitted == served."""

from __future__ import annotations

import csv
import io
import threading
from collections.abc import Iterator
from typing import Any

import pytest
import requests
import sdmx
from werkzeug.serving import make_server

from registry.data.disclosure import SUPPRESSED_CONF
from tests.data.fixtures import EXAMPLES

KEY_DIMS = (
    "FREQ",
    "REF_AREA",
    "INDICATOR",
    "SEX",
    "AGE",
    "ACCOMPANIMENT",
    "ORIGIN_BASIS",
    "COUNTERPART_AREA",
    "DISPL_CAUSE",
    "URBANISATION",
)


@pytest.fixture(scope="module")
def live_url(data_app: Any) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, data_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="module")
def idac(live_url: str) -> sdmx.Client:
    # The source id doubles as the default agency of sdmx1's structure queries.
    sdmx.add_source(
        {"id": "IDAC", "url": f"{live_url}/sdmx/rest", "name": "IDAC data test"}, override=True
    )
    return sdmx.Client("IDAC")


def test_sdmx1_data_with_key_and_periods(idac: sdmx.Client) -> None:
    msg = idac.data(
        "DF_IDAC_CORE",
        key="A.MEX.IDAC_FLW_RET_MIG.F.._T.RET_FROM.USA._Z._T",
        params={"startPeriod": "2024", "endPeriod": "2024"},
    )
    series = sdmx.to_pandas(msg.data[0])
    assert len(series) == 5
    assert series.xs("Y0T17", level="AGE").iloc[0] == 3952


def test_sdmx1_data_with_dict_key(idac: sdmx.Client) -> None:
    """sdmx1 fetches the dataflow and DSD (references=all) to build the key from a dict."""
    msg = idac.data(
        "DF_IDAC_CORE",
        key={"REF_AREA": "MEX", "SEX": ["F", "M"]},
        params={"startPeriod": "2024-Q1"},
    )
    values = sdmx.to_pandas(msg.data[0])
    assert len(values) == 20
    assert set(values.index.get_level_values("SEX")) == {"F", "M"}


def test_sdmx1_reads_structure_specific_with_dsd(idac: sdmx.Client) -> None:
    dsd = idac.datastructure("DSD_IDAC_CORE").structure["DSD_IDAC_CORE"]
    msg = idac.data(
        "DF_IDAC_CORE",
        key="A.PAN........",
        dsd=dsd,
        headers={"Accept": "application/vnd.sdmx.structurespecificdata+xml;version=2.1"},
    )
    assert len(sdmx.to_pandas(msg.data[0])) > 50


def test_sdmx1_suppressed_cells_have_no_value(idac: sdmx.Client) -> None:
    msg = idac.data("DF_IDAC_CORE", key="A.CHL.IDAC_STK_REF..Y0T17._T.ORIGIN._T._Z._T")
    obs = {
        o.dimension.values["SEX"].value
        if "SEX" in o.dimension.values
        else o.series_key.values["SEX"].value: o
        for o in msg.data[0].obs
    }
    assert obs["F"].value is None or str(obs["F"].value) in ("nan", "")
    assert obs["F"].attached_attribute["OBS_STATUS"].value == "Q"


@pytest.mark.parametrize(
    "accept",
    [
        "application/vnd.sdmx.data+csv;version=2.0.0",
        "application/vnd.sdmx.data+csv;version=1.0.0",
        "application/vnd.sdmx.structurespecificdata+xml;version=2.1",
        "application/vnd.sdmx.genericdata+xml;version=2.1",
        "application/vnd.sdmx.data+xml;version=3.0.0",
    ],
)
def test_pysdmx_reads_our_answers(live_url: str, accept: str) -> None:
    from pysdmx.io import read_sdmx

    resp = requests.get(
        f"{live_url}/sdmx/rest/data/IDAC,DF_IDAC_CORE,1.0/A.MEX........",
        headers={"Accept": accept},
        timeout=30,
    )
    assert resp.status_code == 200
    msg = read_sdmx(resp.text)
    frame = msg.data[0].data
    assert len(frame) == 35
    assert set(frame["REF_AREA"]) == {"MEX"}


def test_pysdmx_reads_v2_csv(live_url: str) -> None:
    from pysdmx.io import read_sdmx

    resp = requests.get(
        f"{live_url}/sdmx/v2/data/dataflow/IDAC/DF_IDAC_CORE/1.0/A.PAN?c[SEX]=F",
        headers={"Accept": "application/vnd.sdmx.data+csv;version=2.0.0"},
        timeout=30,
    )
    frame = read_sdmx(resp.text).data[0].data
    assert set(frame["SEX"]) == {"F"}


@pytest.mark.parametrize(
    ("filename", "provider"), [("core-pan-2024.csv", "PAN_SNM"), ("core-mex-2024.csv", "MEX_INM")]
)
def test_round_trip_submitted_equals_served(live_url: str, filename: str, provider: str) -> None:
    """Every submitted observation is served with its value and attributes, except suppressed cells,
    which are served without a value and with OBS_STATUS=Q."""
    sent = {
        (tuple(r[d] for d in KEY_DIMS), r["TIME_PERIOD"]): r
        for r in csv.DictReader(io.StringIO((EXAMPLES / filename).read_text(encoding="utf-8")))
    }
    resp = requests.get(
        f"{live_url}/sdmx/rest/data/IDAC,DF_IDAC_CORE,1.0/all/{provider}",
        headers={"Accept": "application/vnd.sdmx.data+csv;version=2.0.0"},
        timeout=30,
    )
    served = {
        (tuple(r[d] for d in KEY_DIMS), r["TIME_PERIOD"]): r
        for r in csv.DictReader(io.StringIO(resp.text))
    }
    assert set(served) == set(sent)
    suppressed = 0
    for cell, row in sent.items():
        out = served[cell]
        if out["CONF_STATUS"] in SUPPRESSED_CONF:
            suppressed += 1
            assert out["OBS_VALUE"] == ""
            assert out["OBS_STATUS"] == "Q"
            continue
        assert float(out["OBS_VALUE"]) == float(row["OBS_VALUE"]), cell
        for attr in (
            "OBS_STATUS",
            "CONF_STATUS",
            "UNIT_MEASURE",
            "SOURCE_TYPE",
            "TIME_DETAIL",
            "COMMENT_TS",
        ):
            assert out[attr] == row.get(attr, ""), (cell, attr)
    assert suppressed == (1 if provider == "MEX_INM" else 0)  # MEX's CAN=3 sent with CONF_STATUS=A
