"""Authentication endpoints and the hook that sets every request's ``Principal``.

* ``Authorization: Bearer <token>`` (API clients): checked against the database on every request,
  so revocation and expiry apply at once.  A bad token is a 401 — never a silent downgrade to
  anonymous, which would hide the client's mistake.  Token use is audited (every state-changing
  request; read requests at most once a minute per token and address).
* Browser sessions (``POST /auth/login``): a signed Flask session cookie (HttpOnly, SameSite=Lax,
  Secure outside testing) holding the user id and the account's ``session_version`` — changing the
  password or deactivating the account ends every session.  Session-authenticated unsafe requests
  need the CSRF token; so does the login itself (no login CSRF).
* Login throttling: per client address through flask-limiter (``IDAC_LOGIN_RATE``, default
  10/minute) and per account from the audit log (``IDAC_LOGIN_MAX_FAILURES`` failures within
  ``IDAC_LOGIN_FAILURE_WINDOW`` seconds, default 10 in 900 s) — the latter also stops attacks
  spread over many addresses.  Failed logins are audited.
* 401 means "authenticate (again)"; 403 means "authenticated, not allowed".
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Blueprint, Flask, Response, current_app, g, jsonify, request, session
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from api.auth import (
    SAFE_METHODS,
    audit_context,
    client_ip,
    csrf_token,
    csrf_valid,
    current_principal,
    json_errors,
    load_json,
)
from api.auth.schemas import LoginSchema, NewTokenSchema
from api.db import database, get_session
from registry import audit
from registry.audit import AuditContext
from registry.auth import accounts, tokens
from registry.auth.principal import Principal
from registry.errors import Forbidden, TooManyRequests, Unauthorized
from registry.store.base import utcnow
from registry.store.models_auth import User

bp = Blueprint("auth", __name__, url_prefix="/auth")
json_errors(bp)

LOGIN_RATE = "10 per minute"
LOGIN_MAX_FAILURES = 10
LOGIN_FAILURE_WINDOW = 900
#: Read requests with the same token and address are audited at most this often.
TOKEN_USE_AUDIT_INTERVAL = timedelta(seconds=60)


class CsrfFailure(Forbidden):
    """A session-authenticated change without the session's CSRF token."""

    code = "IDAC-403-CSRF"


# --- the per-request hook ----------------------------------------------------------------------


def _bearer(header: str) -> str:
    scheme, _, value = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        g.auth_error = "invalid_request"
        raise Unauthorized("Only 'Authorization: Bearer <token>' is accepted")
    return value.strip()


def _from_token(secret: str) -> Principal:
    ip = client_ip()
    db = database()
    with db.transaction() as s:
        failure: tokens.TokenRejected | None = None
        try:
            row = tokens.authenticate_token(s, secret)
        except tokens.TokenRejected as exc:
            failure = exc
        else:
            principal = accounts.principal_for(row.user, method="token", token_id=row.token_id)
            last = accounts.aware(row.last_used_at)
            due = (
                request.method not in SAFE_METHODS
                or last is None
                or row.last_used_ip != ip
                or utcnow() - last >= TOKEN_USE_AUDIT_INTERVAL
            )
            if due:
                audit.record(
                    s,
                    AuditContext(principal.name, ip, getattr(g, "request_id", None)),
                    "token.use",
                    target=row.token_id,
                    message=f"{request.method} {request.path}",
                )
                tokens.mark_used(s, row, ip)
    if failure is not None:
        audit.record_apart(
            db,
            AuditContext("anonymous", ip, getattr(g, "request_id", None)),
            "token.use",
            target=failure.token_id,
            outcome="failure",
            message=failure.message,
            details={"reason": failure.reason, "path": request.path},
        )
        g.auth_error = "invalid_token"
        raise failure
    return principal


def _from_session() -> Principal:
    uid = session.get("uid")
    if uid is None:
        return Principal.anonymous()
    user = get_session().get(User, uid)
    if user is None or not user.is_active or user.session_version != session.get("sv"):
        session.pop("uid", None)
        session.pop("sv", None)
        return Principal.anonymous()
    return accounts.principal_for(user, method="session")


def _authenticate() -> None:
    g.principal = Principal.anonymous()
    header = request.headers.get("Authorization")
    if header:
        g.principal = _from_token(_bearer(header))
        return
    g.principal = _from_session()
    if g.principal.method == "session" and request.method not in SAFE_METHODS and not csrf_valid():
        raise CsrfFailure("The CSRF token is missing or wrong (send it in the X-CSRF-Token header)")


def _challenge(resp: Response) -> Response:
    if resp.status_code == 401 and "WWW-Authenticate" not in resp.headers:
        error = getattr(g, "auth_error", None)
        resp.headers["WWW-Authenticate"] = 'Bearer realm="IDAC"' + (
            f', error="{error}"' if error else ""
        )
    return resp


# --- endpoints -----------------------------------------------------------------------------------


def _limiter() -> Limiter:
    return current_app.extensions["idac.limiter"]  # type: ignore[no-any-return]


def _login_rate() -> str:
    return str(current_app.config.get("IDAC_LOGIN_RATE", LOGIN_RATE))


def _login_data() -> dict[str, Any]:
    if request.is_json:
        return load_json(LoginSchema())
    form = {
        k: request.form.get(k) for k in ("username", "password") if request.form.get(k) is not None
    }
    from marshmallow import ValidationError

    from registry.errors import Unprocessable

    try:
        return LoginSchema().load(form)  # type: ignore[no-any-return]
    except ValidationError as exc:
        raise Unprocessable("Invalid request fields", details={"fields": exc.messages}) from None


@bp.get("/csrf")
def get_csrf() -> Response:
    """The session's CSRF token (and the session cookie that carries it)."""
    return jsonify({"csrfToken": csrf_token()})


@bp.post("/login")
def login() -> Response:
    """Open a browser session: JSON or form ``username``/``password``, plus the CSRF token."""
    with _limiter().limit(_login_rate, key_func=get_remote_address, scope="idac-login"):
        if not csrf_valid():
            raise CsrfFailure("The CSRF token is missing or wrong (GET /auth/csrf first)")
        data = _login_data()
        name = data["username"]
        s = get_session()
        window = int(current_app.config.get("IDAC_LOGIN_FAILURE_WINDOW", LOGIN_FAILURE_WINDOW))
        limit = int(current_app.config.get("IDAC_LOGIN_MAX_FAILURES", LOGIN_MAX_FAILURES))
        ctx = AuditContext(name[:100], client_ip(), getattr(g, "request_id", None))
        if (
            audit.count_failures(s, "auth.login", name, utcnow() - timedelta(seconds=window))
            >= limit
        ):
            audit.record_apart(
                database(),
                ctx,
                "auth.login",
                target=name,
                outcome="failure",
                message="refused: too many failed logins",
                details={"throttled": True},
            )
            raise TooManyRequests(
                f"Too many failed logins for this account; try again in {window // 60} minutes",
                retry_after=window,
            )
        user = accounts.authenticate_password(s, name, data["password"])
        if user is None:
            s.rollback()
            audit.record_apart(
                database(),
                ctx,
                "auth.login",
                target=name,
                outcome="failure",
                message="wrong user name or password",
            )
            raise Unauthorized("Wrong user name or password")
        session.clear()
        session.permanent = True
        session["uid"] = user.pk
        session["sv"] = user.session_version
        token = csrf_token()
        principal = accounts.principal_for(user)
        audit.record(
            s,
            AuditContext(user.name, client_ip(), getattr(g, "request_id", None)),
            "auth.login",
            target=user.name,
            message="session opened",
        )
        s.commit()
        return jsonify({"user": principal.describe(), "csrfToken": token})


@bp.post("/logout")
def logout() -> Response:
    """End the browser session (CSRF-protected like every session-authenticated change)."""
    principal = current_principal()
    if principal.method == "session":
        s = get_session()
        audit.record(s, audit_context(), "auth.logout", target=principal.name)
        s.commit()
    session.clear()
    return jsonify({"loggedOut": True})


@bp.get("/me")
def me() -> Response:
    """Who the request is authenticated as."""
    return jsonify(current_principal().describe())


def _own_user() -> User:
    principal = current_principal()
    principal.require(principal.user_pk is not None, "manage tokens")
    user = get_session().get(User, principal.user_pk)
    if user is None:
        raise Unauthorized("The account no longer exists")
    return user


@bp.get("/tokens")
def my_tokens() -> Response:
    """The caller's own tokens (never their secrets)."""
    user = _own_user()
    return jsonify(
        {"tokens": [tokens.describe_token(t) for t in tokens.list_tokens(get_session(), user)]}
    )


@bp.post("/tokens")
def new_token() -> tuple[Response, int]:
    """Issue a token to the caller; the secret is in this answer only."""
    user = _own_user()
    data = load_json(NewTokenSchema())
    s = get_session()
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


@bp.delete("/tokens/<token_id>")
def revoke_own_token(token_id: str) -> Response:
    """Revoke one of the caller's tokens (admins: any token)."""
    principal = current_principal()
    user = _own_user()
    s = get_session()
    row = tokens.get_token(s, token_id)
    if row.user_pk != user.pk and not principal.can_manage_users():
        from registry.errors import NotFound

        raise NotFound(f"No token {token_id!r}")
    tokens.revoke_token(s, token_id)
    audit.record(
        s, audit_context(), "token.revoke", target=token_id, details={"user": row.user.name}
    )
    s.commit()
    return jsonify(tokens.describe_token(row))


def register(app: Flask) -> None:
    """Hooks, limiter, cookie flags and blueprints."""
    from api.auth.admin import bp as admin_bp
    from api.ratelimits import install_limiter

    settings = app.extensions["idac.settings"]
    install_limiter(app, settings)
    app.config["SESSION_COOKIE_SECURE"] = not app.testing
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config["SESSION_COOKIE_SAMESITE"] = app.config.get("SESSION_COOKIE_SAMESITE") or "Lax"
    app.config.setdefault("PERMANENT_SESSION_LIFETIME", timedelta(hours=8))
    app.before_request(_authenticate)
    app.after_request(_challenge)
    app.jinja_env.globals.setdefault("csrf_token", csrf_token)
    app.jinja_env.globals.setdefault("current_principal", current_principal)
    app.register_blueprint(bp)
    app.register_blueprint(admin_bp)
