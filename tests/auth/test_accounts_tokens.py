"""Accounts, password hashing and tokens in the store (SQLite and PostgreSQL)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import select

from registry.auth import accounts, tokens
from registry.errors import Conflict, NotFound, Unprocessable
from registry.store import migrate
from registry.store.base import utcnow
from registry.store.db import Database
from registry.store.models_auth import ApiToken, User


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = Database(db_url)
    migrate.upgrade(database.engine)
    yield database
    database.dispose()


def test_migration_is_at_head(db: Database) -> None:
    from sqlalchemy import inspect

    assert migrate.is_current(db.engine)
    tables = set(inspect(db.engine).get_table_names())
    assert {"auth_user", "auth_grant", "auth_token", "audit_log"} <= tables


def test_passwords_are_scrypt_hashed(db: Database) -> None:
    with db.transaction() as s:
        accounts.create_user(s, "alice", password="a long passphrase", grants=[("curator", "IDAC")])  # noqa: S106
    with db.transaction() as s:
        user = s.scalars(select(User)).one()
        assert user.password_hash.startswith("scrypt:")
        assert "a long passphrase" not in user.password_hash
        assert accounts.authenticate_password(s, "alice", "a long passphrase") is not None
        assert accounts.authenticate_password(s, "alice", "wrong") is None
        assert accounts.authenticate_password(s, "bob", "a long passphrase") is None


def test_account_rules(db: Database) -> None:
    with db.transaction() as s:
        accounts.create_user(s, "alice", password=None)
        with pytest.raises(Conflict):
            accounts.create_user(s, "alice")
        for name in ("anonymous", "system", "", "bad name", "x" * 101):
            with pytest.raises(Unprocessable):
                accounts.create_user(s, name)
        with pytest.raises(Unprocessable, match="needs an agency"):
            accounts.create_user(s, "c", grants=[("curator", None)])
        with pytest.raises(Unprocessable, match="takes no agency"):
            accounts.create_user(s, "d", grants=[("admin", "IDAC")])
        with pytest.raises(Unprocessable, match="Unknown role"):
            accounts.create_user(s, "e", grants=[("boss", None)])
        with pytest.raises(Unprocessable, match="at least 10"):
            accounts.create_user(s, "f", password="short")  # noqa: S106
        with pytest.raises(NotFound):
            accounts.get_user(s, "nobody")
        # A token-only account cannot log in with a password.
        assert accounts.authenticate_password(s, "alice", "") is None


def test_grants_make_the_principal(db: Database) -> None:
    with db.transaction() as s:
        user = accounts.create_user(
            s, "multi", grants=[("curator", "IDAC"), ("submitter", "PAN_SNM")]
        )
        accounts.set_grants(s, user, [("curator", "IDAC"), ("curator", "UNICEF")])
        p = accounts.principal_for(user)
        assert p.can_write_structure("UNICEF")
        assert not p.can_submit_for("PAN_SNM")


def test_tokens_are_stored_as_sha256_only(db: Database) -> None:
    with db.transaction() as s:
        user = accounts.create_user(s, "bot")
        issued = tokens.issue_token(s, user, expires_days=1)
    with db.transaction() as s:
        row = s.scalars(select(ApiToken)).one()
        assert row.token_hash == hashlib.sha256(issued.secret.encode()).hexdigest()
        assert issued.secret not in (row.token_hash, row.token_id, row.label or "")
        assert tokens.authenticate_token(s, issued.secret).user.name == "bot"


def test_token_expiry_and_revocation(db: Database) -> None:
    with db.transaction() as s:
        user = accounts.create_user(s, "bot")
        forever = tokens.issue_token(s, user, expires_days=0)
        short = tokens.issue_token(s, user, expires_days=1)
    assert forever.expires_at is None
    with db.transaction() as s:
        with pytest.raises(tokens.TokenRejected) as exc:
            tokens.authenticate_token(s, short.secret, now=utcnow() + timedelta(days=2))
        assert exc.value.reason == "expired"
        assert exc.value.http_status == 401
        tokens.revoke_token(s, short.token_id)
    with db.transaction() as s:
        with pytest.raises(tokens.TokenRejected, match="revoked"):
            tokens.authenticate_token(s, short.secret)
        assert tokens.revoke_user_tokens(s, accounts.get_user(s, "bot")) == [forever.token_id]
        with pytest.raises(tokens.TokenRejected, match="not valid"):
            tokens.authenticate_token(s, "idac_guess")
        with pytest.raises(Unprocessable):
            tokens.issue_token(s, accounts.get_user(s, "bot"), expires_days=99999)
