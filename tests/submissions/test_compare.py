"""The comparison of a submission with the data before it (new series, revised and removed values)."""

from __future__ import annotations

from typing import Any

from registry.submissions.compare import compare_submission
from tests.api.submissions.conftest import sub_app, sub_client, submit  # noqa: F401  (fixtures)

HEADER = (
    "STRUCTURE,STRUCTURE_ID,ACTION,FREQ,REF_AREA,INDICATOR,SEX,AGE,ACCOMPANIMENT,ORIGIN_BASIS,COUNTERPART_AREA,"
    "DISPL_CAUSE,URBANISATION,TIME_PERIOD,OBS_VALUE,OBS_STATUS,CONF_STATUS,UNIT_MEASURE,UNIT_MULT,SOURCE_TYPE,"
    "TIME_DETAIL\n"
)


def _row(age: str, value: int, action: str = "I", period: str = "2024") -> str:
    # Single age bands with no total beside them: no additivity rule applies, so values may change freely.
    return (f"dataflow,IDAC:DF_IDAC_CORE(1.0),{action},A,PAN,IDAC_STK_REF,_T,{age},_T,ORIGIN,_T,_Z,_T,{period},"
            f"{value},A,F,PS,0,ADMIN_ASYLUM,{period}-12-31\n")


def _send(client: Any, body: str) -> str:
    resp = submit(client, body.encode(), provider="PAN_SNM")
    status = client.get(resp.headers["Location"], headers={"Accept": "application/json"}).json
    assert status["status"] == "loaded", status
    return status["id"]


def test_first_submission_is_all_new_then_revisions_are_found(sub_app: Any, sub_client: Any) -> None:
    first = _send(sub_client, HEADER + _row("Y0T4", 100) + _row("Y5T9", 200) + _row("Y10T14", 300))
    with sub_app.extensions["idac.db"].sessions() as s:
        c1 = compare_submission(s, first)
    assert c1 is not None
    assert c1.previous_submission is None
    assert (c1.new_values, c1.new_series, c1.revised_values, c1.removed_values) == (3, 3, 0, 0)

    # Revise Y0T4, keep Y5T9, delete Y10T14, add a new period of Y0T4 and a new series Y15T17.
    second = _send(sub_client, HEADER + _row("Y0T4", 101) + _row("Y5T9", 200) + _row("Y10T14", 300, "D")
                   + _row("Y0T4", 90, period="2023") + _row("Y15T17", 50))
    with sub_app.extensions["idac.db"].sessions() as s:
        c2 = compare_submission(s, second)
    assert c2 is not None
    assert c2.previous_submission == first
    assert c2.revised_values == 1
    assert (c2.examples["revised"][0].old, c2.examples["revised"][0].new) == ("100", "101")
    assert c2.unchanged_values == 1
    assert c2.removed_values == 1
    assert c2.examples["removed"][0].series_key.split(".")[4] == "Y10T14"
    assert c2.new_values == 2
    assert c2.new_series == 1
