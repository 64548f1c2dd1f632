"""User accounts and their role grants.

Every function takes the SQLAlchemy session (the caller owns the transaction).  Names are ids
(letters, digits, ``._@-``), so they can be shown in the audit log and typed on the command line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.auth.passwords import hash_password, verify_password
from registry.auth.principal import ANY, Principal, Role
from registry.errors import Conflict, NotFound, Unprocessable
from registry.store.base import utcnow
from registry.store.models_auth import Grant, User

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@\-]{0,99}$")
_SCOPE = re.compile(r"^(\*|[A-Za-z0-9_@$\-.]{1,100})$")
#: Names that would be ambiguous in the audit log.
RESERVED_NAMES = frozenset({"anonymous", "system", "cli"})


def aware(value: datetime | None) -> datetime | None:
    """SQLite hands back naive UTC datetimes; make them aware so they compare with ``utcnow()``."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


def parse_grant(role: str, scope: str | None) -> tuple[str, str]:
    """Validate one ``(role, scope)`` pair (422 with field messages when wrong)."""
    try:
        r = Role(role.strip().lower())
    except ValueError:
        raise Unprocessable(
            f"Unknown role {role!r}; roles are {', '.join(x.value for x in Role)}",
            details={"role": [f"one of {', '.join(x.value for x in Role)}"]},
        ) from None
    scope = (scope or "").strip()
    if r.scoped:
        if not scope:
            what = (
                "an agency id (--agency)"
                if r is Role.CURATOR
                else "a data provider id (--provider)"
            )
            raise Unprocessable(
                f"The {r.value} role needs {what}", details={"scope": [f"required for {r.value}"]}
            )
        if not _SCOPE.match(scope):
            raise Unprocessable(f"Invalid scope {scope!r}", details={"scope": ["an SDMX id or *"]})
    elif scope:
        raise Unprocessable(
            f"The {r.value} role takes no agency or provider",
            details={"scope": [f"not allowed for {r.value}"]},
        )
    return r.value, scope


def check_name(name: str) -> str:
    """Validate a user name."""
    if not _NAME.match(name or ""):
        raise Unprocessable(
            f"Invalid user name {name!r}",
            details={"name": ["1-100 characters: letters, digits and . _ @ -"]},
        )
    if name.lower() in RESERVED_NAMES:
        raise Unprocessable(f"{name!r} is reserved", details={"name": ["reserved name"]})
    return name


def find_user(session: Session, name: str) -> User | None:
    """The user called ``name``, or None."""
    return session.scalars(select(User).where(User.name == name)).one_or_none()


def get_user(session: Session, name: str) -> User:
    """The user called ``name`` (``NotFound`` otherwise)."""
    user = find_user(session, name)
    if user is None:
        raise NotFound(f"No user {name!r}")
    return user


def list_users(session: Session) -> Sequence[User]:
    """Every user, by name."""
    return session.scalars(select(User).order_by(User.name)).all()


def create_user(
    session: Session,
    name: str,
    *,
    password: str | None = None,
    grants: Iterable[tuple[str, str | None]] = (),
    display_name: str | None = None,
    email: str | None = None,
) -> User:
    """Create an account.  ``password`` None makes a token-only (machine) account."""
    check_name(name)
    if find_user(session, name) is not None:
        raise Conflict(f"User {name!r} already exists")
    parsed = [parse_grant(r, s) for r, s in grants]
    now = utcnow()
    user = User(
        name=name,
        display_name=display_name,
        email=email,
        is_active=True,
        session_version=1,
        password_hash=hash_password(password) if password is not None else None,
        created_at=now,
        updated_at=now,
    )
    user.grants = [Grant(role=r, scope=s, created_at=now) for r, s in dict.fromkeys(parsed)]
    session.add(user)
    session.flush()
    return user


def set_grants(session: Session, user: User, grants: Iterable[tuple[str, str | None]]) -> None:
    """Replace the user's grants."""
    parsed = list(dict.fromkeys(parse_grant(r, s) for r, s in grants))
    current = {(g.role, g.scope): g for g in user.grants}
    now = utcnow()
    user.grants = [current.get(p) or Grant(role=p[0], scope=p[1], created_at=now) for p in parsed]
    user.updated_at = now
    session.flush()


def set_password(session: Session, user: User, password: str | None) -> None:
    """Change (or remove, with None) the password; existing browser sessions end."""
    user.password_hash = hash_password(password) if password is not None else None
    user.session_version += 1
    user.updated_at = utcnow()
    session.flush()


def set_active(session: Session, user: User, active: bool) -> None:
    """Activate or deactivate; a deactivated user's sessions and tokens stop working at once."""
    user.is_active = active
    user.session_version += 1
    user.updated_at = utcnow()
    session.flush()


def authenticate_password(session: Session, name: str, password: str) -> User | None:
    """The active user whose password matches, or None (constant work for unknown names)."""
    user = find_user(session, name) if name else None
    ok = verify_password(user.password_hash if user is not None else None, password)
    if not ok or user is None or not user.is_active:
        return None
    user.last_login_at = utcnow()
    return user


def principal_for(user: User, *, method: str = "session", token_id: str | None = None) -> Principal:
    """The principal acting as ``user``."""
    return Principal.of(
        user.name,
        [(g.role, g.scope) for g in user.grants],
        method=method,
        token_id=token_id,
        user_pk=user.pk,
    )


def describe_user(user: User) -> dict[str, object]:
    """A JSON-ready summary of an account (never the password hash)."""
    return {
        "name": user.name,
        "displayName": user.display_name,
        "email": user.email,
        "active": user.is_active,
        "hasPassword": user.password_hash is not None,
        "grants": [{"role": g.role, "scope": g.scope or None} for g in user.grants],
        "createdAt": _iso(user.created_at),
        "lastLoginAt": _iso(user.last_login_at),
    }


def _iso(value: datetime | None) -> str | None:
    v = aware(value)
    return v.isoformat() if v is not None else None


__all__ = [
    "ANY",
    "RESERVED_NAMES",
    "authenticate_password",
    "aware",
    "check_name",
    "create_user",
    "describe_user",
    "find_user",
    "get_user",
    "list_users",
    "parse_grant",
    "principal_for",
    "set_active",
    "set_grants",
    "set_password",
]
