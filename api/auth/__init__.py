"""Authentication for the web layer: the request's ``Principal``, CSRF tokens, JSON error answers.

Other blueprints use:

* ``current_principal()`` — who is asking (an anonymous reader unless a Bearer token or a browser
  session says otherwise); decide with its methods, e.g.
  ``p.require(p.can_submit_for(provider), f"submit data for {provider}")``;
* ``audit_context()`` — the actor, client IP and request id for ``registry.audit.record``;
* ``csrf_token()`` — the session's CSRF token, for forms (also a Jinja global):
  session-authenticated
  POST/PUT/PATCH/DELETE requests must echo it in ``X-CSRF-Token`` or a ``csrf_token`` form field;
  Bearer-token requests are exempt (no ambient credentials);
* ``load_json(schema)`` — a marshmallow-validated JSON body (400 not JSON, 422 field messages).
"""

from __future__ import annotations

import hmac
import secrets
from typing import Any

from flask import Blueprint, Flask, Response, g, request, session
from marshmallow import Schema, ValidationError
from werkzeug.exceptions import HTTPException

from registry.audit import AuditContext
from registry.auth.principal import Principal
from registry.errors import IdacError, InvalidRequest, Unprocessable, retry_headers

CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


def current_principal() -> Principal:
    """The principal of the current request (anonymous outside authenticated requests)."""
    principal = getattr(g, "principal", None)
    return principal if isinstance(principal, Principal) else Principal.anonymous()


def client_ip() -> str | None:
    """The client address as seen by the application (configure ProxyFix behind a proxy)."""
    return request.remote_addr


def audit_context() -> AuditContext:
    """Who and where, for audit entries written during this request."""
    return AuditContext(
        actor=current_principal().name,
        client_ip=client_ip(),
        request_id=getattr(g, "request_id", None),
    )


def csrf_token() -> str:
    """The browser session's CSRF token (created on first use)."""
    token = session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        session["csrf"] = token
    return str(token)


def csrf_valid() -> bool:
    """True when the request echoes the session's CSRF token (header or form field)."""
    expected = session.get("csrf")
    given = request.headers.get(CSRF_HEADER) or (
        request.form.get(CSRF_FIELD) if request.form else None
    )
    return bool(expected and given and hmac.compare_digest(str(expected), str(given)))


def load_json(schema: Schema) -> dict[str, Any]:
    """The request's JSON object validated by ``schema``."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise InvalidRequest("The body must be a JSON object (Content-Type: application/json)")
    try:
        return schema.load(data)  # type: ignore[no-any-return]
    except ValidationError as exc:
        raise Unprocessable("Invalid request fields", details={"fields": exc.messages}) from None


def json_error(
    status: int, sdmx_code: int, message: str, details: dict[str, Any] | None = None
) -> Response:
    """The SDMX-JSON error body (same shape as ``api.errors``), for the JSON ``/api`` endpoints."""
    import json

    body: dict[str, Any] = {"errors": [{"code": sdmx_code, "title": message, "status": status}]}
    if details:
        body["errors"][0]["detail"] = details
    rid = getattr(g, "request_id", None)
    if rid:
        body["meta"] = {"requestId": rid}
    return Response(
        json.dumps(body, ensure_ascii=False), status=status, mimetype="application/json"
    )


def json_errors(bp: Blueprint) -> None:
    """Answer every error of ``bp``'s endpoints in JSON, whatever the Accept header."""
    from api.errors import _HTTP_TO_SDMX

    @bp.errorhandler(IdacError)
    def _idac(exc: IdacError) -> Response:
        resp = json_error(exc.http_status, exc.sdmx_code, exc.message, exc.details or None)
        resp.headers.update(retry_headers(exc))
        return resp

    @bp.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> Response | HTTPException:
        status = exc.code or 500
        if status < 400:
            return exc
        return json_error(status, _HTTP_TO_SDMX.get(status, 500), exc.description or exc.name)


def register(app: Flask) -> None:
    """Install authentication (hooks, login, tokens, admin endpoints) on ``app``."""
    from api.auth.blueprint import register as _register

    _register(app)
