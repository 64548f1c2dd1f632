"""ORM models of accounts and the audit trail: users, role grants, API tokens, audit log.

Design decisions:

* **Roles are grants.**  A user holds any number of ``(role, scope)`` grants: ``admin`` (scope
  empty), ``curator`` (scope = a maintenance agency id, or ``*`` for every agency), ``submitter``
  (scope = a data provider id, or ``*``).  ``reader`` is what everybody is, anonymous included, so
  it needs no grant (it may still be granted, to record a read-only account).  Scope is ``""``
  rather than NULL so the unique constraint also holds for admin grants on PostgreSQL.
* **Tokens are stored as a SHA-256 of the secret only.**  The secret is shown once, when created.
  ``token_id`` is a short public handle for listing and revoking.  Revocation sets ``revoked_at``;
  every request looks the token up, so it takes effect at once.
* **The audit log is append-only.**  Nothing in the code updates or deletes rows, and migration
  ``0003_auth`` adds database triggers that refuse UPDATE and DELETE on both SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.store.base import Base, utcnow

BigPk = BigInteger().with_variant(Integer(), "sqlite")


class User(Base):
    """An account: a person (browser login) or a machine client (tokens only, no password)."""

    __tablename__ = "auth_user"

    pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    display_name: Mapped[str | None] = mapped_column(String(200), default=None)
    email: Mapped[str | None] = mapped_column(String(320), default=None)
    #: werkzeug scrypt hash; NULL for token-only accounts (password login refused).
    password_hash: Mapped[str | None] = mapped_column(String(300), default=None)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    #: Bumped on password change / deactivation: browser sessions carrying an older value end.
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)

    grants: Mapped[list[Grant]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin", order_by="Grant.pk"
    )


class Grant(Base):
    """One role of one user, within a scope (agency or provider id; ``""`` for admin)."""

    __tablename__ = "auth_grant"

    pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_pk: Mapped[int] = mapped_column(ForeignKey("auth_user.pk", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    scope: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    user: Mapped[User] = relationship(back_populates="grants")

    __table_args__ = (UniqueConstraint("user_pk", "role", "scope"),)


class ApiToken(Base):
    """A bearer token: only the SHA-256 of its secret is kept."""

    __tablename__ = "auth_token"

    pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: Public handle (``tok_`` + 12 hex digits), shown in listings and used to revoke.
    token_id: Mapped[str] = mapped_column(String(40), unique=True)
    user_pk: Mapped[int] = mapped_column(ForeignKey("auth_user.pk", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str | None] = mapped_column(String(200), default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    last_used_ip: Mapped[str | None] = mapped_column(String(64), default=None)

    user: Mapped[User] = relationship(lazy="joined")


class AuditEntry(Base):
    """One line of the append-only audit trail."""

    __tablename__ = "audit_log"

    pk: Mapped[int] = mapped_column(BigPk, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    #: User name, ``anonymous``, ``system`` or ``cli``.
    actor: Mapped[str] = mapped_column(String(100))
    #: Dotted verb, e.g. ``structure.create``, ``code.rename``, ``auth.login``, ``token.use``.
    action: Mapped[str] = mapped_column(String(60))
    #: ``success`` or ``failure``.
    outcome: Mapped[str] = mapped_column(String(20), default="success")
    #: ``Codelist=IDAC:CL_AGE(1.0)``, a submission id, a user name, a token id.
    target: Mapped[str | None] = mapped_column(String(400), default=None)
    #: Maintenance agency of a structure target (lets curators see their agencies' entries).
    agency: Mapped[str | None] = mapped_column(String(100), default=None)
    #: Data provider of a submission target.
    provider: Mapped[str | None] = mapped_column(String(100), default=None)
    before_version: Mapped[str | None] = mapped_column(String(50), default=None)
    after_version: Mapped[str | None] = mapped_column(String(50), default=None)
    client_ip: Mapped[str | None] = mapped_column(String(64), default=None)
    request_id: Mapped[str | None] = mapped_column(String(64), default=None)
    message: Mapped[str | None] = mapped_column(Text, default=None)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    __table_args__ = (
        Index("ix_audit_log_at", "at"),
        Index("ix_audit_log_actor_at", "actor", "at"),
        Index("ix_audit_log_target", "target"),
        Index("ix_audit_log_action_at", "action", "at"),
    )
