"""Injection: SQL metacharacters in every structure/data query segment and parameter, header injection,
spreadsheet formula injection in plain CSV exports, and the security headers of answers.

SQL: every query goes through SQLAlchemy bound parameters, so a metacharacter is just an unknown id:
the answer must be 400/404/406/501 (never 500), the store unchanged (same artefact count, the same
bytes for a reference query before and after).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest

from registry.formats.base import DataSetInfo, OutObs, OutSeries, ResolvedStructure, WriteOptions
from tests.conftest import PG_URL
from tests.hardening.conftest import artefact_count, assert_still_up

#: Hostile values; URL-quoted before use.
METACHARACTERS = [
    "'",
    "' OR '1'='1",
    "1'; DROP TABLE artefact; --",
    '"; DELETE FROM artefact_item; --',
    "%",
    "_",
    "\\",
    "*/ SELECT 1 /*",
    "IDAC) OR (1=1",
    "\x00",
    "é'\u2028",
]

V1 = "/sdmx/rest/{resource}/{agency}/{id}/{version}/{item}"
V2 = "/sdmx/v2/structure/{resource}/{agency}/{id}/{version}/{item}"
GOOD = {"resource": "codelist", "agency": "IDAC", "id": "CL_AREA", "version": "1.0", "item": "PAN"}
PARAMS_V1 = ["detail", "references", "format", "asOf"]
PARAMS_V2 = ["detail", "references", "format", "asOf"]
OK_STATUSES = (200, 400, 404, 406, 413, 414, 501)


def _cases() -> list[Any]:
    out = []
    for bad in METACHARACTERS:
        for template in (V1, V2):
            for seg in GOOD:
                marks = []
                out.append(
                    pytest.param(
                        template,
                        seg,
                        bad,
                        marks=marks,
                        id=f"{'v1' if template == V1 else 'v2'}-{seg}-{bad!r}",
                    )
                )
    return out


@pytest.fixture
def fingerprint(seeded_client: Any) -> bytes:
    resp = seeded_client.get(
        "/sdmx/rest/codelist/IDAC/CL_AREA/1.0", headers={"Accept-Encoding": "identity"}
    )
    assert resp.status_code == 200
    return bytes(resp.data)


def _check_unchanged(client: Any, app: Any, before: int, fingerprint: bytes) -> None:
    assert artefact_count(app) == before
    assert client.get("/sdmx/rest/codelist/IDAC/CL_AREA/1.0").data == fingerprint


@pytest.mark.parametrize(("template", "segment", "bad"), _cases())
def test_sql_metacharacters_in_path_segments(
    seeded_app: Any, seeded_client: Any, fingerprint: bytes, template: str, segment: str, bad: str
) -> None:
    before = artefact_count(seeded_app)
    values = {**GOOD, segment: quote(bad, safe="")}
    resp = seeded_client.get(template.format(**values))
    assert resp.status_code in OK_STATUSES, (resp.status_code, resp.data[:300])
    _check_unchanged(seeded_client, seeded_app, before, fingerprint)


@pytest.mark.parametrize("bad", METACHARACTERS)
@pytest.mark.parametrize(
    ("base", "param"),
    [("/sdmx/rest/codelist/IDAC/CL_AREA/1.0", p) for p in PARAMS_V1]
    + [("/sdmx/v2/structure/codelist/IDAC/CL_AREA/1.0", p) for p in PARAMS_V2],
)
def test_sql_metacharacters_in_parameters(
    seeded_app: Any, seeded_client: Any, fingerprint: bytes, base: str, param: str, bad: str
) -> None:
    before = artefact_count(seeded_app)
    resp = seeded_client.get(f"{base}?{param}={quote(bad, safe='')}")
    assert resp.status_code in OK_STATUSES, (resp.status_code, resp.data[:300])
    _check_unchanged(seeded_client, seeded_app, before, fingerprint)


@pytest.mark.parametrize("bad", [pytest.param(b, id=repr(b)) for b in METACHARACTERS])
@pytest.mark.parametrize(
    "path",
    [
        "/sdmx/rest/data/{bad}",
        "/sdmx/rest/data/IDAC,DF_IDAC_CORE,1.0/{bad}",
        "/sdmx/rest/data/IDAC,DF_IDAC_CORE,1.0/A.PAN.{bad}",
        "/sdmx/rest/data/IDAC,DF_IDAC_CORE,1.0/all/{bad}",
        "/sdmx/rest/data/IDAC,DF_IDAC_CORE,1.0/all?startPeriod={bad}",
        "/sdmx/v2/data/dataflow/IDAC/DF_IDAC_CORE/1.0/{bad}",
        "/sdmx/v2/data/dataflow/IDAC/DF_IDAC_CORE/1.0/*?c[REF_AREA]={bad}",
        "/sdmx/rest/availableconstraint/IDAC,DF_IDAC_CORE,1.0/{bad}",
        "/api/submissions?dataflow={bad}&provider=PAN_SNM",
    ],
)
def test_sql_metacharacters_in_data_queries(
    seeded_app: Any,
    seeded_client: Any,
    fingerprint: bytes,
    path: str,
    bad: str,
) -> None:
    before = artefact_count(seeded_app)
    resp = seeded_client.get(path.format(bad=quote(bad, safe="")))
    assert resp.status_code in (*OK_STATUSES, 204, 405), (resp.status_code, resp.data[:300])
    _check_unchanged(seeded_client, seeded_app, before, fingerprint)


# --- header injection ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "abc\r\nSet-Cookie: pwned=1",
        "abc\nX-Injected: 1",
        "abc\r\n\r\n<script>alert(1)</script>",
        "a" * 500,
        "../../etc/passwd",
        "<script>",
    ],
)
def test_request_id_is_not_echoed_when_hostile(seeded_client: Any, value: str) -> None:
    for path in ("/sdmx/rest/codelist/SDMX/CL_SEX", "/sdmx/rest/codelist/NOPE/NOPE", "/health"):
        resp = seeded_client.get(path, environ_overrides={"HTTP_X_REQUEST_ID": value})
        rid = resp.headers.get("X-Request-Id", "")
        assert rid != value
        assert "\r" not in rid
        assert "\n" not in rid
        assert "Set-Cookie" not in resp.headers
        assert "X-Injected" not in resp.headers
        assert "<script>" not in resp.get_data(as_text=True)


def test_well_formed_request_id_is_echoed(seeded_client: Any) -> None:
    resp = seeded_client.get("/health", headers={"X-Request-Id": "abc-123"})
    assert resp.headers["X-Request-Id"] == "abc-123"


# --- spreadsheet formula injection -----------------------------------------------------------------

HOSTILE_CELLS = [
    "=1+1",
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1",
    "\r=1",
    '=HYPERLINK("http://evil","x")',
    "-@x",
]


def _plain_csv(values: list[str]) -> str:
    from registry.formats.sdmxcsv.writer import PlainCsvWriter
    from registry.sdmx.model import DataAttribute, DataStructure, Dimension, Measure

    dsd = DataStructure(
        agency="T",
        id="DSD",
        version="1.0",
        dimensions=[
            Dimension("AREA", position=0),
            Dimension("TIME_PERIOD", position=1, kind="time"),
        ],
        attributes=[DataAttribute("COMMENT")],
        measures=[Measure("OBS_VALUE")],
    )
    series = [
        OutSeries({"AREA": v}, {}, [OutObs({"TIME_PERIOD": "2020"}, v, {"COMMENT": v})])
        for v in values
    ]
    return b"".join(
        PlainCsvWriter().write(ResolvedStructure(dsd), DataSetInfo(None), series, WriteOptions())
    ).decode("utf-8")


def test_plain_csv_neutralises_formulas() -> None:
    import csv
    import io

    text = _plain_csv(HOSTILE_CELLS)
    rows = list(csv.reader(io.StringIO(text)))
    cells = [c for row in rows[1:] for c in row]
    assert cells, text
    for c in cells:
        assert not c.startswith(("=", "+", "@", "\t", "\r")), repr(c)
        if c.startswith("-"):
            float(c)  # only plain negative numbers may start with a minus
    # numbers stay numbers
    assert _plain_csv(["-12.5"]).splitlines()[1].count("-12.5") >= 1


# --- security headers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/sdmx/rest/codelist/SDMX/CL_SEX", "/sdmx/rest/codelist/NOPE/NOPE", "/health"]
)
def test_api_answers_forbid_sniffing(seeded_client: Any, path: str) -> None:
    resp = seeded_client.get(path)
    assert resp.headers.get("X-Content-Type-Options") == "nosniff"


def test_answers_do_not_leak_server_details(seeded_client: Any) -> None:
    resp = seeded_client.get("/sdmx/rest/codelist/NOPE/NOPE")
    body = resp.get_data(as_text=True)
    assert "Traceback" not in body
    assert "sqlalchemy" not in body.lower()


def test_error_messages_escape_input(seeded_client: Any) -> None:
    resp = seeded_client.get("/sdmx/rest/codelist/%3Cscript%3Ealert(1)%3C%2Fscript%3E")
    body = resp.get_data(as_text=True)
    assert "<script>" not in body
    assert resp.status_code in (400, 404)
    assert_still_up(seeded_client)
