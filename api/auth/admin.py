"""Administration of users and tokens (``/api/admin``), for admins only.

Every change is audited.  Token secrets appear once, in the answer that creates them.
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from api.auth import audit_context, current_principal, json_errors, load_json
from api.auth.schemas import NewTokenSchema, NewUserSchema, UserChangeSchema
from api.db import get_session
from registry import audit
from registry.auth import accounts, tokens

bp = Blueprint("auth_admin", __name__, url_prefix="/api/admin")
json_errors(bp)


@bp.before_request
def _admins_only() -> None:
    principal = current_principal()
    principal.require(principal.can_manage_users(), "administer users and tokens")


def _grants(items: list[dict[str, str | None]]) -> list[tuple[str, str | None]]:
    return [(g["role"], g.get("scope")) for g in items]  # type: ignore[misc]


@bp.get("/users")
def list_users() -> Response:
    """Every account."""
    return jsonify(
        {"users": [accounts.describe_user(u) for u in accounts.list_users(get_session())]}
    )


@bp.post("/users")
def create_user() -> tuple[Response, int]:
    """Create an account (``password`` omitted: a token-only machine account)."""
    data = load_json(NewUserSchema())
    s = get_session()
    user = accounts.create_user(
        s,
        data["name"],
        password=data["password"],
        grants=_grants(data["grants"]),
        display_name=data["displayName"],
        email=data["email"],
    )
    audit.record(
        s,
        audit_context(),
        "user.create",
        target=user.name,
        details={"grants": [[g.role, g.scope] for g in user.grants]},
    )
    s.commit()
    return jsonify(accounts.describe_user(user)), 201


@bp.get("/users/<name>")
def get_user(name: str) -> Response:
    """One account with its tokens."""
    s = get_session()
    user = accounts.get_user(s, name)
    doc = accounts.describe_user(user)
    doc["tokens"] = [tokens.describe_token(t) for t in tokens.list_tokens(s, user)]
    return jsonify(doc)


@bp.patch("/users/<name>")
def change_user(name: str) -> Response:
    """Change password, active flag, grants, display name or e-mail."""
    data = load_json(UserChangeSchema())
    s = get_session()
    user = accounts.get_user(s, name)
    changed: list[str] = []
    if "grants" in data:
        accounts.set_grants(s, user, _grants(data["grants"]))
        changed.append("grants")
    if "password" in data:
        accounts.set_password(s, user, data["password"])
        changed.append("password")
    if "active" in data:
        accounts.set_active(s, user, data["active"])
        if not data["active"]:
            tokens.revoke_user_tokens(s, user)
        changed.append("active")
    for field, attr in (("displayName", "display_name"), ("email", "email")):
        if field in data:
            setattr(user, attr, data[field])
            changed.append(field)
    audit.record(
        s,
        audit_context(),
        "user.update",
        target=user.name,
        details={
            "changed": changed,
            "grants": [[g.role, g.scope] for g in user.grants],
            "active": user.is_active,
        },
    )
    s.commit()
    return jsonify(accounts.describe_user(user))


@bp.get("/users/<name>/tokens")
def user_tokens(name: str) -> Response:
    """An account's tokens."""
    s = get_session()
    return jsonify(
        {
            "tokens": [
                tokens.describe_token(t) for t in tokens.list_tokens(s, accounts.get_user(s, name))
            ]
        }
    )


@bp.post("/users/<name>/tokens")
def issue_user_token(name: str) -> tuple[Response, int]:
    """Issue a token to an account; the secret is in this answer only."""
    data = load_json(NewTokenSchema())
    s = get_session()
    user = accounts.get_user(s, name)
    issued = tokens.issue_token(s, user, expires_days=data["expiresDays"], label=data["label"])
    audit.record(
        s,
        audit_context(),
        "token.issue",
        target=issued.token_id,
        message=f"token for {user.name}",
        details={"user": user.name, "expiresDays": data["expiresDays"]},
    )
    s.commit()
    return jsonify(
        {
            "id": issued.token_id,
            "token": issued.secret,
            "expiresAt": issued.expires_at.isoformat() if issued.expires_at else None,
        }
    ), 201


@bp.get("/tokens")
def all_tokens() -> Response:
    """Every token."""
    return jsonify(
        {"tokens": [tokens.describe_token(t) for t in tokens.list_tokens(get_session())]}
    )


@bp.delete("/tokens/<token_id>")
def revoke(token_id: str) -> Response:
    """Revoke a token; it stops working on the next request."""
    s = get_session()
    row = tokens.revoke_token(s, token_id)
    audit.record(
        s, audit_context(), "token.revoke", target=token_id, details={"user": row.user.name}
    )
    s.commit()
    return jsonify(tokens.describe_token(row))
