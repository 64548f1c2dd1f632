"""Who may submit: submitters for their own provider, admins for any; anonymous callers are refused."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sqlalchemy import func, select

from registry.store.data_models import Submission
from tests.auth.helpers import add_user, bearer
from tests.conftest import make_test_app

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"


@pytest.fixture
def secure_app(db_url: str, tmp_path: Path) -> Iterator[Any]:
    application = make_test_app(db_url, tmp_path / "instance", seed_content=True, allow_anonymous_submissions=False)
    yield application
    application.extensions["idac.jobs"].shutdown()
    application.extensions["idac.db"].dispose()


def _post(client: Any, provider: str, headers: dict[str, str]) -> Any:
    body = (EXAMPLES / "core-pan-2024.csv").read_bytes()
    return client.post(f"/api/submissions?dataflow=IDAC:DF_IDAC_CORE(1.0)&provider={provider}", data=body,
                       content_type="application/octet-stream", headers={"Accept": "application/json", **headers})


def test_anonymous_submission_is_401(secure_app: Any) -> None:
    resp = _post(secure_app.test_client(), "PAN_SNM", {})
    assert resp.status_code == 401


def test_submitter_submits_for_own_provider_only(secure_app: Any) -> None:
    auth = bearer(add_user(secure_app, "pan", ("submitter", "PAN_SNM")))
    client = secure_app.test_client()
    ok = _post(client, "PAN_SNM", auth)
    assert ok.status_code in (200, 201, 202), ok.data[:300]
    other = _post(client, "COL_DANE", auth)
    assert other.status_code == 403
    assert b"COL_DANE" in other.data


def test_submitter_cannot_write_structures(secure_app: Any) -> None:
    auth = bearer(add_user(secure_app, "pan", ("submitter", "PAN_SNM")))
    body = (Path(__file__).resolve().parents[3] / "codelists" / "SDMX-CL_SEX-2.1.xml").read_bytes()
    resp = secure_app.test_client().post("/sdmx/v2/structure", data=body, content_type="application/xml", headers=auth)
    assert resp.status_code == 403


def test_nothing_is_stored_when_refused(secure_app: Any) -> None:
    auth = bearer(add_user(secure_app, "pan", ("submitter", "PAN_SNM")))
    _post(secure_app.test_client(), "PAN_SNM", {})
    _post(secure_app.test_client(), "COL_DANE", auth)
    with secure_app.extensions["idac.db"].sessions() as session:
        assert session.scalar(select(func.count()).select_from(Submission)) == 0
    uploads = Path(secure_app.instance_path) / "uploads"
    assert not uploads.exists() or not any(uploads.iterdir())


def test_submissions_are_read_by_their_provider_only(secure_app: Any) -> None:
    pan = bearer(add_user(secure_app, "pan", ("submitter", "PAN_SNM")))
    col = bearer(add_user(secure_app, "col", ("submitter", "COL_DANE")))
    client = secure_app.test_client()
    url = _post(client, "PAN_SNM", pan).headers["Location"]
    assert client.get(url, headers={"Accept": "application/json", **pan}).status_code == 200
    # Another provider and anonymous readers cannot tell the submission exists.
    assert client.get(url, headers={"Accept": "application/json", **col}).status_code == 404
    assert client.get(url, headers={"Accept": "application/json"}).status_code == 404
    assert client.get(url + "/report.json", headers=col).status_code == 404
    assert client.get("/submit/" + url.rsplit("/", 1)[1], headers=col).status_code == 404
    listed = client.get("/api/submissions", headers={"Accept": "application/json", **col}).json
    assert listed["submissions"] == []
    mine = client.get("/api/submissions", headers={"Accept": "application/json", **pan}).json
    assert len(mine["submissions"]) == 1
