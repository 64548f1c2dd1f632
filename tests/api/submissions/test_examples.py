"""Every example submission in examples/ through POST /api/submissions, with the documented outcome."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.api.submissions.conftest import CORE, all_observations, current, submit

ROOT = Path(__file__).resolve().parents[3]
EXAMPLES = ROOT / "examples"

#: file -> (dataflow, provider, observations) for the valid examples (examples/README.md).
VALID = {
    "core-pan-2024.csv": (CORE, "PAN_SNM", 105),
    "core-mex-2024.csv": (CORE, "MEX_INM", 35),
    "core-col-2024.xml": (CORE, "COL_MIGRACION", 30),
    "thematic-col-2023.xml": ("IDAC:DF_IDAC_THEMATIC(1.0)", "COL_DANE", 36),
}


@pytest.mark.parametrize("name", sorted(VALID))
def test_valid_example_loads(sub_app: Any, sub_client: Any, name: str) -> None:
    dataflow, provider, n = VALID[name]
    resp = submit(sub_client, (EXAMPLES / name).read_bytes(), dataflow=dataflow, provider=provider)
    assert resp.status_code == 202, resp.data
    body = resp.get_json()
    assert resp.headers["Location"] == f"/api/submissions/{body['id']}" == body["url"]
    status = sub_client.get(body["url"]).get_json()
    assert status["status"] == "loaded", status.get("report", {}).get("rules")
    assert status["summary"]["valid"] is True
    assert status["progress"] == {"observations_read": n, "observations_loaded": n}
    obs = current(sub_app, dataflow)
    assert len(obs) == n
    assert {o.provider for o in obs.values()} == {provider}
    assert {o.submission_id for o in obs.values()} == {body["id"]}
    assert all(o.period_start <= o.period_end for o in obs.values())


def test_invalid_example_is_rejected_with_documented_rules(sub_app: Any, sub_client: Any) -> None:
    resp = submit(sub_client, (EXAMPLES / "core-pan-2024-invalid.csv").read_bytes())
    assert resp.status_code == 202
    url = resp.get_json()["url"]
    status = sub_client.get(url).get_json()
    assert status["status"] == "rejected"
    report = sub_client.get(f"{url}/report.json").get_json()
    assert report["valid"] is False and report["observations"] == 31
    rules = report["rules"]
    # 1 code not in the codelist (VNZ); 4 the education indicator outside the constraints (VAL-4xx);
    # 2 the negative count, 3 additivity and 5 the missing TIME_DETAIL are content rules (VAL-7xx).
    assert rules.get("VAL-301", 0) >= 1
    assert any(code.startswith("VAL-4") for code in rules)
    assert sum(v for k, v in rules.items() if k.startswith("VAL-7")) >= 3
    vnz = [f for f in report["findings"] if f["code"] == "VAL-301"][0]
    assert vnz["location"]["value"] == "VNZ" and vnz["location"]["component"] == "COUNTERPART_AREA"
    assert vnz["location"]["line"] and vnz["location"]["row"]
    # nothing loaded, not even the valid rows
    assert current(sub_app) == {}
    assert all_observations(sub_app) == 0
    rejected = sub_client.get(f"{url}/rejected.csv")
    assert rejected.status_code == 200
    lines = rejected.data.decode().splitlines()
    assert lines[0].startswith("STRUCTURE,STRUCTURE_ID,ACTION,FREQ,REF_AREA")
    assert any(",VNZ," in line for line in lines[1:])
    assert 1 < len(lines) <= 32


def test_partial_loads_only_valid_observations(sub_app: Any, sub_client: Any) -> None:
    body = (EXAMPLES / "core-pan-2024-invalid.csv").read_bytes()
    resp = submit(sub_client, body, partial="true")
    status = sub_client.get(resp.get_json()["url"]).get_json()
    rejected = status["report"]["rejected_rows"]
    if status["status"] == "rejected":  # some error without a row (e.g. a set-level rule): all refused
        assert current(sub_app) == {}
        return
    assert status["status"] == "loaded"
    assert 0 < rejected < 31
    assert len(current(sub_app)) == 31 - rejected
    assert not any(k.split(".")[7] == "VNZ" for k, _p in current(sub_app))


def test_resend_is_idempotent(sub_app: Any, sub_client: Any) -> None:
    data = (EXAMPLES / "core-mex-2024.csv").read_bytes()
    first = submit(sub_client, data, provider="MEX_INM")
    again = submit(sub_client, data, provider="MEX_INM")
    assert first.status_code == 202 and again.status_code == 200
    assert again.get_json()["id"] == first.get_json()["id"]
    assert again.get_json()["duplicate"] is True
    assert again.headers["Location"] == first.headers["Location"]
    assert all_observations(sub_app) == 35
    listed = sub_client.get("/api/submissions?provider=MEX_INM").get_json()["submissions"]
    assert [s["id"] for s in listed] == [first.get_json()["id"]]
    # another action is another submission
    other = submit(sub_client, data, provider="MEX_INM", action="merge")
    assert other.status_code == 202 and other.get_json()["id"] != first.get_json()["id"]


def test_multipart_upload(sub_app: Any, sub_client: Any) -> None:
    import io

    data = {"file": (io.BytesIO((EXAMPLES / "core-col-2024.xml").read_bytes()), "core-col-2024.xml")}
    resp = sub_client.post(f"/api/submissions?dataflow={CORE}&provider=COL_MIGRACION", data=data,
                           content_type="multipart/form-data")
    assert resp.status_code == 202
    status = sub_client.get(resp.get_json()["url"]).get_json()
    assert status["status"] == "loaded" and status["filename"] == "core-col-2024.xml"
    assert status["format"] == "SDMX-ML 2.1 StructureSpecificData"
