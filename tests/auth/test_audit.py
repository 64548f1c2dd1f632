"""The audit log: append-only in the database, queried, exported as CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import pytest
from sqlalchemy import delete, update
from sqlalchemy.exc import DatabaseError

from registry import audit
from registry.audit import AuditContext
from registry.sdmx.refs import ArtefactType, Ref
from registry.store import migrate
from registry.store.db import Database
from registry.store.models_auth import AuditEntry

CTX = AuditContext("alice", "192.0.2.1", "req1")


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = Database(db_url)
    migrate.upgrade(database.engine)
    yield database
    database.dispose()


def test_record_and_query(db: Database) -> None:
    ref = Ref(ArtefactType.CODELIST, "IDAC", "CL_SEX", "1.0")
    with db.transaction() as s:
        audit.record(s, CTX, "structure.create", target=ref, after_version="1.0")
        audit.record(s, CTX, "code.add", target=ref, before_version="1.0", after_version="1.0")
        audit.record(
            s,
            AuditContext("bob"),
            "structure.create",
            target=Ref(ArtefactType.CODELIST, "ECB", "CL_FREQ", "1.0"),
        )
    with db.transaction() as s:
        rows = audit.query(s, action="structure.")
        assert [r.actor for r in rows] == ["bob", "alice"]
        assert rows[1].agency == "IDAC"
        assert rows[1].target == "Codelist=IDAC:CL_SEX(1.0)"
        assert rows[1].client_ip == "192.0.2.1"
        assert rows[1].request_id == "req1"
        assert len(audit.query(s, agencies=["ECB"])) == 1
        assert len(audit.query(s, agencies=["ECB"], include_actor="alice")) == 3
        assert len(audit.query(s, target="CL_SEX")) == 2


def test_the_log_is_append_only(db: Database) -> None:
    with db.transaction() as s:
        audit.record(s, CTX, "auth.login", target="alice")
    for stmt in (update(AuditEntry).values(actor="mallory"), delete(AuditEntry)):
        with pytest.raises(DatabaseError, match="append-only"), db.transaction() as s:
            s.execute(stmt)
    with db.transaction() as s:
        assert [r.actor for r in audit.query(s)] == ["alice"]


def test_record_apart_survives_a_rollback(db: Database) -> None:
    with db.transaction() as s:
        audit.query(s)  # the request's own (read) transaction is open meanwhile
        audit.record_apart(db, CTX, "structure.submit", outcome="failure", message="refused")
        s.rollback()
    with db.transaction() as s:
        assert [(r.action, r.outcome) for r in audit.query(s)] == [("structure.submit", "failure")]


def test_csv_export_is_spreadsheet_safe(db: Database) -> None:
    with db.transaction() as s:
        audit.record(
            s, AuditContext("=cmd|' /C calc'!A0"), "auth.login", target="x", message='+1, "quoted"'
        )
        rows = list(csv.reader(io.StringIO("".join(audit.export_csv(audit.query(s))))))
    assert rows[0] == list(audit.CSV_COLUMNS)
    assert rows[1][2] == "'=cmd|' /C calc'!A0"
    assert rows[1][12] == '\'+1, "quoted"'
