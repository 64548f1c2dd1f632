"""The report: JSON schema, HTML rendering, flatten, rejected-rows export."""

from __future__ import annotations

import csv
import io
import json

from .fixtures import chunks, good_obs, obs, run, series, validator


def _bad_rows() -> list:  # noqa: ANN401
    s = series(REF_AREA="PANX")
    return [*good_obs(), obs(s, "2024"), obs(s, "2023"), obs(series(), "2024", "<b>x</b>")]


def test_json_top_level() -> None:
    report = run(*_bad_rows())
    data = report.to_dict()
    json.dumps(data)  # serialisable
    for key in (
        "valid",
        "observations",
        "series",
        "datasets",
        "periods",
        "errors",
        "warnings",
        "rules",
        "findings",
        "duration",
        "partial",
    ):
        assert key in data
    assert data["valid"] is False
    assert data["observations"] == 12
    assert data["series"] == 4
    assert data["datasets"] == 1
    assert data["periods"] == 3
    assert data["rules"]["VAL-301"] == 2
    assert data["errors"] == sum(n for c, n in data["rules"].items() if c not in ("VAL-602",))
    f = next(f for f in data["findings"] if f["code"] == "VAL-301")
    assert set(f) >= {"code", "severity", "message", "location"}
    assert f["severity"] == "error"
    assert f["location"]["component"] == "REF_AREA"
    assert f["location"]["row"] == 10
    assert f["count"] == 2
    assert f["messages"]["es"].startswith("El código 'PANX'")


def test_json_spanish() -> None:
    data = run(*_bad_rows()).to_dict(lang="es")
    f = next(f for f in data["findings"] if f["code"] == "VAL-301")
    assert f["message"].startswith("El código 'PANX'")


def test_flatten() -> None:
    report = run(obs(series(REF_AREA="PANX"), "2024"))
    assert ["VAL-301", 1, "REF_AREA"] in report.flatten(["code", "row", "component"])
    assert report.flatten(["code", "suggestion"])[0] == ["VAL-301", "PAN"]


def test_html_escaped_grouped_bilingual() -> None:
    report = run(*_bad_rows())
    html = report.to_html()
    assert "<b>x</b>" not in html
    assert "&lt;b&gt;x&lt;/b&gt;" in html
    assert 'id="VAL-301"' in html
    assert "Code not in codelist" in html
    assert "Not valid" in html
    es = report.to_html(lang="es")
    assert "Informe de validación" in es
    assert "El código" in es
    assert "No válido" in es


def test_html_valid_report() -> None:
    html = run(*good_obs()).to_html()
    assert "No problems found." in html
    assert "Valid" in html


def test_rejected_rows_csv_second_pass() -> None:
    rows = _bad_rows()
    v = validator()
    report = v.validate(chunks(*rows, batch=4))
    assert len(report.rejected) == 3
    text = report.rejected_csv(chunks(*rows, batch=4), with_codes=True)
    table = list(csv.reader(io.StringIO(text)))
    header, body = table[0], table[1:]
    assert header[:9] == [
        "STRUCTURE",
        "STRUCTURE_ID",
        "ACTION",
        "FREQ",
        "REF_AREA",
        "INDICATOR",
        "SEX",
        "AGE",
        "ACCOMPANIMENT",
    ]
    assert "TIME_PERIOD" in header
    assert "OBS_VALUE" in header
    assert "OBS_STATUS" in header
    assert header[-1] == "VALIDATION_CODES"
    assert len(body) == 3
    assert body[0][:4] == ["dataprovision", "IDAC:PA_PAN_INE_TEST(1.0)", "R", "A"]
    assert body[0][header.index("REF_AREA")] == "PANX"
    assert "VAL-301" in body[0][-1]
    assert "VAL-303" in body[2][-1]
    assert body[2][header.index("OBS_VALUE")] == "<b>x</b>"


def test_rejected_rows_standard_columns_only() -> None:
    rows = _bad_rows()
    report = run(*rows)
    header = report.rejected_csv(chunks(*rows)).splitlines()[0]
    assert "VALIDATION_CODES" not in header


def test_valid_report_has_no_rejected_rows() -> None:
    report = run(*good_obs())
    assert report.rejected_csv(chunks(*good_obs())).count("\n") == 1
