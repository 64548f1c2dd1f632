"""Hierarchy-aware queries and regional aggregates through the standard data API.

Three countries of the IDAC six-country group (IDAC_LA6) report; the aggregate is published at 50 %
coverage and served by DF_IDAC_REGIONAL in every format; a region code on the national dataflow
selects its member countries.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest

from tests.api.submissions.conftest import sub_app, sub_client, submit  # noqa: F401  (fixtures)

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
REPORTS = {"core-pan-2024.csv": "PAN_SNM", "core-mex-2024.csv": "MEX_INM", "core-col-2024.xml": "COL_MIGRACION"}
CSV20 = "application/vnd.sdmx.data+csv;version=2.0.0"


HEADER = (
    "STRUCTURE,STRUCTURE_ID,ACTION,FREQ,REF_AREA,INDICATOR,SEX,AGE,ACCOMPANIMENT,ORIGIN_BASIS,COUNTERPART_AREA,"
    "DISPL_CAUSE,URBANISATION,TIME_PERIOD,OBS_VALUE,OBS_STATUS,CONF_STATUS,UNIT_MEASURE,UNIT_MULT,SOURCE_TYPE,"
    "TIME_DETAIL\n"
)
#: The same statistic from three members of IDAC_LA6 (synthetic values).
SAME_KEY = {"PAN_SNM": ("PAN", 135), "MEX_INM": ("MEX", 300), "COL_MIGRACION": ("COL", 165)}


def _file(area: str, value: int) -> bytes:
    row = (f"dataflow,IDAC:DF_IDAC_CORE(1.0),I,A,{area},IDAC_STK_REF,_T,Y0T4,_T,ORIGIN,_T,_Z,_T,2024,{value},"
           "A,F,PS,0,ADMIN_ASYLUM,2024-12-31\n")
    return (HEADER + row).encode()


def _load(client: Any, body: bytes, provider: str) -> None:
    resp = submit(client, body, provider=provider)
    status = client.get(resp.headers["Location"], headers={"Accept": "application/json"}).json
    assert status["status"] == "loaded", status


@pytest.fixture
def loaded(sub_app: Any, sub_client: Any) -> Any:
    for name, provider in REPORTS.items():
        _load(sub_client, (EXAMPLES / name).read_bytes(), provider)
    for provider, (area, value) in SAME_KEY.items():
        _load(sub_client, _file(area, value), provider)
    return sub_client


def _rows(body: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(body.decode("utf-8"))))


def test_region_code_on_national_flow_selects_member_countries(loaded: Any) -> None:
    key = "A.IDAC_LA6........"
    resp = loaded.get(f"/sdmx/rest/data/IDAC,DF_IDAC_CORE,1.0/{key}", headers={"Accept": CSV20})
    assert resp.status_code == 200, resp.data[:300]
    areas = {r["REF_AREA"] for r in _rows(resp.data)}
    assert areas == {"PAN", "MEX", "COL"}


def test_regional_aggregate_served_in_every_format(loaded: Any) -> None:
    base = "/sdmx/rest/data/IDAC,DF_IDAC_REGIONAL,1.0/A.IDAC_LA6........"
    resp = loaded.get(base, headers={"Accept": CSV20})
    assert resp.status_code == 200, resp.data[:300]
    rows = _rows(resp.data)
    assert rows and {r["REF_AREA"] for r in rows} == {"IDAC_LA6"}
    by_age = {r["AGE"]: r for r in rows if r["INDICATOR"] == "IDAC_STK_REF" and r["SEX"] == "_T"
              and r["ORIGIN_BASIS"] == "ORIGIN" and r["COUNTERPART_AREA"] == "_T"}
    assert by_age["Y0T4"]["OBS_VALUE"] == "600"  # 135 + 300 + 165: three of six members
    assert float(by_age["Y0T4"]["AGG_COVERAGE"]) == 50
    for accept in (
        "application/vnd.sdmx.genericdata+xml;version=2.1",
        "application/vnd.sdmx.structurespecificdata+xml;version=2.1",
        "application/vnd.sdmx.data+xml;version=3.0.0",
        "application/vnd.sdmx.data+json;version=1.0.0",
        "application/vnd.sdmx.data+json;version=2.0.0",
        "application/vnd.sdmx.data+csv;version=1.0.0",
        "text/csv",
    ):
        r = loaded.get(base, headers={"Accept": accept})
        assert r.status_code == 200, (accept, r.data[:200])
        assert b"IDAC_LA6" in r.data
