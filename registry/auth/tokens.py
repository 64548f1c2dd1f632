"""API tokens: random secrets shown once, stored as SHA-256, with expiry and immediate revocation.

A token looks like ``idac_<43 url-safe characters>`` (256 random bits).  Because the secret has full
entropy, an unsalted SHA-256 is the right storage (it is what GitHub and PyPI do): a database leak
does not reveal usable tokens, and the look-up is one indexed equality.  Every use is checked
against the database, so revocation and expiry take effect on the next request.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from registry.auth.accounts import aware
from registry.errors import NotFound, Unauthorized, Unprocessable
from registry.store.base import utcnow
from registry.store.models_auth import ApiToken, User

PREFIX = "idac_"
DEFAULT_EXPIRY_DAYS = 90
MAX_EXPIRY_DAYS = 3650


def hash_token(secret: str) -> str:
    """The stored form of a token."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class IssuedToken:
    """A new token: ``secret`` is the only time the plain token exists."""

    token_id: str
    secret: str
    expires_at: datetime | None


class TokenRejected(Unauthorized):
    """A presented token is unknown, expired, revoked or belongs to a deactivated user."""

    code = "IDAC-401-TOKEN"

    def __init__(self, message: str, *, reason: str, token_id: str | None = None) -> None:
        super().__init__(message)
        self.reason = reason
        self.token_id = token_id


def issue_token(
    session: Session,
    user: User,
    *,
    expires_days: int | None = DEFAULT_EXPIRY_DAYS,
    label: str | None = None,
) -> IssuedToken:
    """Create a token for ``user``; ``expires_days`` None or 0 means no expiry."""
    if expires_days is not None and not 0 <= expires_days <= MAX_EXPIRY_DAYS:
        raise Unprocessable(
            f"expires must be between 0 and {MAX_EXPIRY_DAYS} days",
            details={"expires": [f"0..{MAX_EXPIRY_DAYS} days"]},
        )
    secret = PREFIX + secrets.token_urlsafe(32)
    now = utcnow()
    expires = now + timedelta(days=expires_days) if expires_days else None
    token_id = "tok_" + secrets.token_hex(6)
    session.add(
        ApiToken(
            token_id=token_id,
            user_pk=user.pk,
            token_hash=hash_token(secret),
            label=label,
            created_at=now,
            expires_at=expires,
        )
    )
    session.flush()
    return IssuedToken(token_id, secret, expires)


def authenticate_token(session: Session, secret: str, *, now: datetime | None = None) -> ApiToken:
    """The valid token row for ``secret``, or ``TokenRejected`` saying why."""
    now = now or utcnow()
    row = session.scalars(
        select(ApiToken).where(ApiToken.token_hash == hash_token(secret.strip()))
    ).one_or_none()
    if row is None:
        raise TokenRejected("The bearer token is not valid", reason="unknown")
    if row.revoked_at is not None:
        raise TokenRejected(
            "The bearer token has been revoked", reason="revoked", token_id=row.token_id
        )
    expires = aware(row.expires_at)
    if expires is not None and expires <= now:
        raise TokenRejected("The bearer token has expired", reason="expired", token_id=row.token_id)
    if not row.user.is_active:
        raise TokenRejected(
            "The bearer token's account is deactivated", reason="inactive", token_id=row.token_id
        )
    return row


def mark_used(
    session: Session, token: ApiToken, client_ip: str | None, *, now: datetime | None = None
) -> None:
    """Record the last use of a token."""
    session.execute(
        update(ApiToken)
        .where(ApiToken.pk == token.pk)
        .values(last_used_at=now or utcnow(), last_used_ip=(client_ip or "")[:64] or None)
    )


def get_token(session: Session, token_id: str) -> ApiToken:
    """A token by its public id (``NotFound`` otherwise)."""
    row = session.scalars(select(ApiToken).where(ApiToken.token_id == token_id)).one_or_none()
    if row is None:
        raise NotFound(f"No token {token_id!r}")
    return row


def revoke_token(session: Session, token_id: str) -> ApiToken:
    """Revoke one token (idempotent)."""
    row = get_token(session, token_id)
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        session.flush()
    return row


def revoke_user_tokens(session: Session, user: User) -> list[str]:
    """Revoke every live token of ``user``; the ids revoked."""
    rows = session.scalars(
        select(ApiToken).where(ApiToken.user_pk == user.pk, ApiToken.revoked_at.is_(None))
    ).all()
    now = utcnow()
    for row in rows:
        row.revoked_at = now
    session.flush()
    return [r.token_id for r in rows]


def list_tokens(session: Session, user: User | None = None) -> Sequence[ApiToken]:
    """Tokens (of one user, or all), newest first."""
    stmt = select(ApiToken).order_by(ApiToken.created_at.desc(), ApiToken.pk.desc())
    if user is not None:
        stmt = stmt.where(ApiToken.user_pk == user.pk)
    return session.scalars(stmt).all()


def token_state(token: ApiToken, now: datetime | None = None) -> str:
    """``active``, ``expired`` or ``revoked``."""
    now = now or utcnow()
    if token.revoked_at is not None:
        return "revoked"
    expires = aware(token.expires_at)
    if expires is not None and expires <= now:
        return "expired"
    return "active"


def describe_token(token: ApiToken) -> dict[str, object]:
    """A JSON-ready summary (never the secret or its hash)."""

    def iso(v: datetime | None) -> str | None:
        a = aware(v)
        return a.isoformat() if a else None

    return {
        "id": token.token_id,
        "user": token.user.name,
        "label": token.label,
        "state": token_state(token),
        "createdAt": iso(token.created_at),
        "expiresAt": iso(token.expires_at),
        "revokedAt": iso(token.revoked_at),
        "lastUsedAt": iso(token.last_used_at),
    }
