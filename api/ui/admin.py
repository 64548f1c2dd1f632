"""Administration (admins only): users and their roles, API tokens, the audit log.

Changes go through ``registry.auth`` (the services behind ``/api/admin``) and are audited the same
way.  A new token's secret is shown once, on the page that answers its creation, and never again.
"""

from __future__ import annotations

from flask import Response, flash, g, redirect, request, url_for
from flask_babel import gettext as _

from api.db import get_session
from api.ui.base import bp, page, principal
from registry import audit
from registry.auth import accounts, tokens
from registry.auth.principal import Role
from registry.errors import IdacError


def _admin() -> None:
    p = principal()
    p.require(p.can_manage_users(), "administer users and tokens")


def _ctx() -> audit.AuditContext:
    from api.auth import audit_context

    return audit_context()


def _admin_page(secret: dict[str, str] | None = None) -> Response:
    s = get_session()
    users = [accounts.describe_user(u) for u in accounts.list_users(s)]
    all_tokens = [tokens.describe_token(t) for t in tokens.list_tokens(s)]
    action = (request.args.get("action") or "").strip()[:100] or None
    actor = (request.args.get("actor") or "").strip()[:100] or None
    entries = [audit.as_dict(e) for e in audit.query(s, action=action, actor=actor, limit=100)]
    resp = page(
        "admin/index.html",
        users=users,
        tokens=all_tokens,
        entries=entries,
        roles=[r.value for r in Role],
        action=action or "",
        actor=actor or "",
        secret=secret,
    )
    resp.headers["Cache-Control"] = "no-store"
    return resp


@bp.get("/admin")
def admin() -> Response:
    """Users, tokens and the latest audit entries."""
    _admin()
    g.ui_active = "admin"
    return _admin_page()


@bp.post("/admin/users")
def create_user() -> Response:
    """Create an account with one role."""
    _admin()
    s = get_session()
    name = (request.form.get("name") or "").strip()
    role = request.form.get("role") or "reader"
    scope = (request.form.get("scope") or "").strip() or None
    try:
        user = accounts.create_user(
            s,
            name,
            password=request.form.get("password") or None,
            grants=[(role, scope)] if role != "reader" else [],
            display_name=(request.form.get("display_name") or "").strip() or None,
        )
        audit.record(
            s,
            _ctx(),
            "user.create",
            target=user.name,
            details={"grants": [[gr.role, gr.scope] for gr in user.grants]},
        )
        s.commit()
        flash(_("User %(name)s created.", name=name), "ok")
    except IdacError as exc:
        s.rollback()
        flash(exc.message, "error")
    return redirect(url_for("ui.admin") + "#users", code=303)  # type: ignore[return-value]


@bp.post("/admin/users/<name>/active")
def set_active(name: str) -> Response:
    """Activate or deactivate an account (deactivation revokes its tokens)."""
    _admin()
    s = get_session()
    active = request.form.get("active") == "true"
    try:
        user = accounts.get_user(s, name)
        accounts.set_active(s, user, active)
        if not active:
            tokens.revoke_user_tokens(s, user)
        audit.record(
            s,
            _ctx(),
            "user.update",
            target=user.name,
            details={"changed": ["active"], "active": active},
        )
        s.commit()
        flash(
            _("User %(name)s activated.", name=name)
            if active
            else _("User %(name)s deactivated.", name=name),
            "ok",
        )
    except IdacError as exc:
        s.rollback()
        flash(exc.message, "error")
    return redirect(url_for("ui.admin") + "#users", code=303)  # type: ignore[return-value]


@bp.post("/admin/users/<name>/tokens")
def issue_token(name: str) -> Response:
    """Issue a token; the page shows its secret once."""
    _admin()
    s = get_session()
    try:
        days = int(request.form.get("days") or 30)
        user = accounts.get_user(s, name)
        issued = tokens.issue_token(
            s, user, expires_days=days, label=(request.form.get("label") or "").strip() or None
        )
        audit.record(
            s,
            _ctx(),
            "token.issue",
            target=issued.token_id,
            message=f"token for {user.name}",
            details={"user": user.name, "expiresDays": days},
        )
        s.commit()
    except (IdacError, ValueError) as exc:
        s.rollback()
        flash(getattr(exc, "message", str(exc)), "error")
        return redirect(url_for("ui.admin") + "#tokens", code=303)  # type: ignore[return-value]
    g.ui_active = "admin"
    return _admin_page({"id": issued.token_id, "user": name, "token": issued.secret})


@bp.post("/admin/tokens/<token_id>/revoke")
def revoke_token(token_id: str) -> Response:
    """Revoke a token."""
    _admin()
    s = get_session()
    try:
        row = tokens.revoke_token(s, token_id)
        audit.record(s, _ctx(), "token.revoke", target=token_id, details={"user": row.user.name})
        s.commit()
        flash(_("Token %(id)s revoked.", id=token_id), "ok")
    except IdacError as exc:
        s.rollback()
        flash(exc.message, "error")
    return redirect(url_for("ui.admin") + "#tokens", code=303)  # type: ignore[return-value]
