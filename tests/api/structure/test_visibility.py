"""Drafts are visible to curators only; anonymous readers get 404, exactly as if they were absent."""

from __future__ import annotations

from typing import Any

from registry.sdmx import model as m
from registry.sdmx.refs import ArtefactType as T
from registry.sdmx.refs import Ref
from registry.store import artefacts as store
from tests.auth.helpers import add_user, bearer


def _codelist(cid: str, final: bool) -> m.Codelist:
    return m.Codelist(agency="TEST", id=cid, is_final=final, names={"en": cid}, items=[m.Code("A", names={"en": "a"})])


def _setup(app: Any) -> dict[str, str]:
    with app.extensions["idac.db"].transaction() as s:
        store.save(s, [_codelist("CL_FINAL", True), _codelist("CL_DRAFT", False),
                       m.DataStructure(agency="TEST", id="DSD_DRAFT", names={"en": "d"}, dimensions=[
                           m.Dimension("D", position=1, concept=Ref(T.CONCEPT_SCHEME, "TEST", "CS", "1.0", "D"),
                                       local_representation=m.Representation(
                               enumeration=Ref(T.CODELIST, "TEST", "CL_FINAL", "1.0")))],
                           measures=[m.Measure("OBS_VALUE", concept=Ref(T.CONCEPT_SCHEME, "TEST", "CS", "1.0", "V"))])],
                   require_references=False)
    token = add_user(app, "cur", ("curator", "TEST"))
    return bearer(token)


def test_anonymous_sees_final_only_and_drafts_do_not_leak(app: Any, client: Any) -> None:
    _setup(app)
    assert client.get("/sdmx/rest/codelist/TEST/CL_FINAL").status_code == 200
    assert client.get("/sdmx/rest/codelist/TEST/CL_DRAFT").status_code == 404
    assert client.get("/sdmx/v2/structure/datastructure/TEST/DSD_DRAFT").status_code == 404
    # A final codelist's parents must not reveal the draft DSD that uses it.
    body = client.get("/sdmx/rest/codelist/TEST/CL_FINAL?references=parents").data
    assert b"DSD_DRAFT" not in body
    listing = client.get("/sdmx/rest/codelist/TEST").data
    assert b"CL_FINAL" in listing and b"CL_DRAFT" not in listing


def test_curator_sees_drafts_and_answers_are_private(app: Any, client: Any) -> None:
    auth = _setup(app)
    resp = client.get("/sdmx/rest/codelist/TEST/CL_DRAFT", headers=auth)
    assert resp.status_code == 200
    assert "private" in resp.headers["Cache-Control"]
    body = client.get("/sdmx/rest/codelist/TEST/CL_FINAL?references=parents", headers=auth).data
    assert b"DSD_DRAFT" in body
    # The curator's answer (with drafts) is not served to anonymous readers from the body cache.
    assert client.get("/sdmx/rest/codelist/TEST/CL_DRAFT").status_code == 404
