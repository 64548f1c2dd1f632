"""SDMX actions through the API: replace, merge and delete, with history and provenance."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.api.submissions.conftest import all_observations, csv_rows, current, submit, to_csv

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
PAN = EXAMPLES / "core-pan-2024.csv"
KEY_DIMS = ["FREQ", "REF_AREA", "INDICATOR", "SEX", "AGE", "ACCOMPANIMENT", "ORIGIN_BASIS", "COUNTERPART_AREA",
            "DISPL_CAUSE", "URBANISATION"]


def _key(row: dict[str, str]) -> str:
    return ".".join(row[d] for d in KEY_DIMS)


def _load_pan(client: Any) -> str:
    resp = submit(client, PAN.read_bytes())
    status = client.get(resp.get_json()["url"]).get_json()
    assert status["status"] == "loaded"
    return str(status["id"])


def _status(client: Any, resp: Any) -> dict[str, Any]:
    return client.get(resp.get_json()["url"]).get_json()  # type: ignore[no-any-return]


def test_replace_updates_values_and_keeps_history(sub_app: Any, sub_client: Any) -> None:
    first = _load_pan(sub_client)
    header, rows = csv_rows(PAN)
    for r in rows:  # doubling every value keeps every additivity rule true
        r["OBS_VALUE"] = str(2 * int(r["OBS_VALUE"]))
        r["SOURCE_DETAIL"] = ""
    resp = submit(sub_client, to_csv(header, rows), action="replace")
    status = _status(sub_client, resp)
    assert status["status"] == "loaded", status["report"]["rules"]
    obs = current(sub_app)
    assert len(obs) == 105
    assert all_observations(sub_app) == 210  # the first values are history now
    for r in rows:
        o = obs[(_key(r), "2024")]
        assert o.value == float(r["OBS_VALUE"])
        assert o.submission_id == status["id"] != first
        assert "SOURCE_DETAIL" not in o.attrs  # replace: attributes not sent are gone
        assert o.attrs["OBS_STATUS"] == "A"


def test_merge_keeps_attributes_not_given(sub_app: Any, sub_client: Any) -> None:
    _load_pan(sub_client)
    header, rows = csv_rows(PAN)
    for r in rows:
        r["SOURCE_DETAIL"] = ""
        r["COMMENT_OBS"] = "revised"
    header = [*header, "COMMENT_OBS"]
    resp = submit(sub_client, to_csv(header, rows), action="merge")
    status = _status(sub_client, resp)
    assert status["status"] == "loaded", status["report"]["rules"]
    obs = current(sub_app)
    for r in rows:
        o = obs[(_key(r), "2024")]
        assert o.attrs["COMMENT_OBS"] == "revised"
        assert o.attrs["SOURCE_DETAIL"].startswith("Synthetic example")  # kept from the first load
        assert o.value == float(r["OBS_VALUE"])
    assert all_observations(sub_app) == 210


def test_delete_observations_series_and_wildcards(sub_app: Any, sub_client: Any) -> None:
    _load_pan(sub_client)
    header, rows = csv_rows(PAN)
    entries = [r for r in rows if r["INDICATOR"] == "IDAC_FLW_ENTRY"]
    assert len(entries) == 30
    one = dict(entries[0], OBS_VALUE="", OBS_STATUS="", CONF_STATUS="")
    # a whole series: key without period
    series = dict(entries[1], TIME_PERIOD="", OBS_VALUE="")
    # a wildcard: every IDAC_FLW_ASY_APP series of Panama (SEX and AGE left empty)
    wildcard = {k: "" for k in header}
    wildcard.update({k: v for k, v in rows[-1].items() if k in ("STRUCTURE", "STRUCTURE_ID", "ACTION", "FREQ",
                                                                "REF_AREA", "INDICATOR", "TIME_PERIOD")})
    assert wildcard["INDICATOR"] == "IDAC_FLW_ASY_APP"
    before = current(sub_app)
    resp = submit(sub_client, to_csv(header, [one, series, wildcard]), action="delete")
    status = _status(sub_client, resp)
    assert status["status"] == "loaded", [(f["code"], f["severity"], f["message"]) for f in status["report"]["findings"]]
    after = current(sub_app)
    gone = set(before) - set(after)
    assert (_key(one), "2024") in gone
    assert (_key(series), "2024") in gone
    assert {k for k, _p in gone if "IDAC_FLW_ASY_APP" in k} == {k for k, _p in before if "IDAC_FLW_ASY_APP" in k}
    assert len(gone) == 2 + 15
    assert status["progress"]["observations_loaded"] == 17
    assert all_observations(sub_app) == 105  # history kept: rows are closed, not removed


def test_delete_rows_in_a_replace_file(sub_app: Any, sub_client: Any) -> None:
    _load_pan(sub_client)
    header, rows = csv_rows(PAN)
    row = dict(rows[0], ACTION="D")
    resp = submit(sub_client, to_csv(header, [row]), action="replace")
    status = _status(sub_client, resp)
    assert status["status"] == "loaded", status["report"]["rules"]
    assert (_key(row), "2024") not in current(sub_app)
    assert len(current(sub_app)) == 104
