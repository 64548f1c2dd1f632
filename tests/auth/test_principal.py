"""The Principal API other modules call: roles, scopes, and 401 vs 403."""

from __future__ import annotations

import pytest

from registry.auth import (
    Principal,
    can_read_structure,
    drafts_visible,
    ensure_readable,
    filter_readable,
)
from registry.errors import Forbidden, NotFound, Unauthorized
from registry.sdmx import model as m

PAN = Principal.of("pan", [("submitter", "PAN_SNM")], method="token")
CURATOR = Principal.of("cur", [("curator", "IDAC")])
ADMIN = Principal.of("root", [("admin", "")])
ANON = Principal.anonymous()


def test_submitter_for_pan_snm() -> None:
    assert PAN.can_submit_for("PAN_SNM")
    assert not PAN.can_submit_for("COL_DANE")
    assert PAN.can_see_confidential("PAN_SNM")
    assert not PAN.can_see_confidential("COL_DANE")
    assert not PAN.can_see_confidential(None)
    assert not PAN.can_write_structure("IDAC")
    assert not PAN.can_see_drafts()
    assert not PAN.can_read_audit()


def test_curator_is_scoped_to_its_agency() -> None:
    assert CURATOR.can_write_structure("IDAC")
    assert not CURATOR.can_write_structure("ECB")
    assert not CURATOR.can_submit_for("PAN_SNM")
    assert not CURATOR.can_see_confidential("PAN_SNM")
    assert CURATOR.can_see_drafts()
    assert CURATOR.can_read_audit()
    assert CURATOR.can_read_audit("IDAC")
    assert not CURATOR.can_read_audit("ECB")
    assert not CURATOR.can_manage_users()


def test_wildcard_scopes() -> None:
    everywhere = Principal.of("x", [("curator", "*"), ("submitter", "*")])
    assert everywhere.can_write_structure("ECB")
    assert everywhere.can_submit_for("COL_DANE")


def test_admin_and_system_may_do_everything() -> None:
    for p in (ADMIN, Principal.system()):
        assert p.can_write_structure("ECB")
        assert p.can_submit_for("COL_DANE")
        assert p.can_see_confidential("COL_DANE")
        assert p.can_manage_users()
        assert p.is_admin
        assert p.is_authenticated


def test_anonymous_reader() -> None:
    assert ANON.is_anonymous
    assert ANON.roles == frozenset({"reader"})
    assert not any(
        (
            ANON.can_write_structure("IDAC"),
            ANON.can_submit_for("PAN_SNM"),
            ANON.can_see_confidential("PAN_SNM"),
            ANON.can_see_drafts(),
        )
    )


def test_require_distinguishes_401_and_403() -> None:
    with pytest.raises(Unauthorized):
        ANON.require(False, "submit data")
    with pytest.raises(Forbidden, match="pan is not allowed to submit data for COL_DANE"):
        PAN.require(PAN.can_submit_for("COL_DANE"), "submit data for COL_DANE")
    PAN.require(PAN.can_submit_for("PAN_SNM"))


def test_principal_is_immutable_and_hashable() -> None:
    with pytest.raises(AttributeError):
        PAN.name = "other"  # type: ignore[misc]
    assert len({PAN, Principal.of("pan", [("submitter", "PAN_SNM")], method="token")}) == 1


def test_drafts_are_visible_to_curators_only() -> None:
    draft = m.Codelist(agency="IDAC", id="CL", is_final=False)
    final = m.Codelist(agency="IDAC", id="CL2", is_final=True)
    assert can_read_structure(ANON, final)
    assert not can_read_structure(ANON, draft)
    assert can_read_structure(CURATOR, draft)
    assert not can_read_structure(PAN, draft)
    assert drafts_visible(CURATOR)
    assert not drafts_visible(ANON)
    assert filter_readable(ANON, [draft, final]) == [final]
    with pytest.raises(NotFound):
        ensure_readable(PAN, draft)
    assert ensure_readable(ADMIN, draft) is draft


def test_describe() -> None:
    assert PAN.describe() == {
        "name": "pan",
        "authenticated": True,
        "method": "token",
        "roles": ["reader", "submitter"],
        "grants": [{"role": "submitter", "scope": "PAN_SNM"}],
        "tokenId": None,
    }
