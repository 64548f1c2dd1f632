"""Real SDMX clients (sdmx1, pysdmx) against a live server holding the ECB structures."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
import sdmx
from werkzeug.serving import make_server


@pytest.fixture(scope="module")
def live_url(ecb_app: Any) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, ecb_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="module")
def sdmx1_client(live_url: str) -> sdmx.Client:
    sdmx.add_source(
        {"id": "IDAC_TEST", "url": f"{live_url}/sdmx/rest", "name": "IDAC test registry"}, override=True
    )
    return sdmx.Client("IDAC_TEST")


def test_sdmx1_reads_dataflow_list(sdmx1_client: sdmx.Client) -> None:
    msg = sdmx1_client.dataflow(agency_id="ECB")
    assert "EXR" in msg.dataflow


def test_sdmx1_reads_dsd_with_all_references(sdmx1_client: sdmx.Client) -> None:
    msg = sdmx1_client.datastructure("ECB_EXR1", agency_id="ECB", params={"references": "all"})
    dsd = msg.structure["ECB_EXR1"]
    assert [d.id for d in dsd.dimensions] == ["FREQ", "CURRENCY", "CURRENCY_DENOM", "EXR_TYPE", "EXR_SUFFIX", "TIME_PERIOD"]
    assert "EXR" in msg.dataflow
    assert len(msg.codelist) >= 10


@pytest.mark.parametrize("codelist", ["CL_FREQ", "CL_CURRENCY", "CL_EXR_TYPE", "CL_OBS_STATUS"])
def test_sdmx1_reads_each_codelist(sdmx1_client: sdmx.Client, codelist: str) -> None:
    msg = sdmx1_client.codelist(codelist, agency_id="ECB")
    assert len(msg.codelist[codelist]) > 0


def test_pysdmx_reads_codelist_and_dataflow_info(live_url: str) -> None:
    from pysdmx.api.fmr import RegistryClient

    client = RegistryClient(f"{live_url}/sdmx/v2")
    cl = client.get_codes("ECB", "CL_FREQ", "1.0")
    assert {c.id for c in cl} >= {"A", "M", "Q"}
    info = client.get_dataflow_details("ECB", "EXR", "1.0")
    assert info is not None
