"""What every page shares: the blueprint, the principal, rendering, navigation and HTML errors."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, Response, current_app, g, make_response, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response as WerkzeugResponse

from api.ui.i18n import COOKIE, LANGUAGE_NAMES, LANGUAGES, current_lang, label
from api.ui.labels import attachment_label, status_label
from registry.auth.principal import Principal
from registry.errors import IdacError, retry_headers

log = logging.getLogger("idac.ui")

bp = Blueprint(
    "ui",
    __name__,
    template_folder="../templates",
    static_folder="../static",
    static_url_path="/assets",
)

#: Response headers of every page (and of the static files the pages load).
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; "
        "form-action 'self'; "
        "frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


def principal() -> Principal:
    """Who is looking at the page (anonymous when the auth module is absent)."""
    try:
        from api.auth import current_principal
    except ImportError:  # pragma: no cover - a build without authentication
        return Principal.anonymous()
    return current_principal()


def feature(name: str) -> bool:
    """True when the app has the blueprint of a backend (``submissions``, ``data``, ``auth``, …)."""
    return name in current_app.blueprints


def nav_items() -> list[tuple[str, str, Any]]:
    """(endpoint, id, label) of the navigation, limited to what exists and what the user may use."""
    p = principal()
    items: list[tuple[str, str, Any]] = [
        ("ui.home", "home", _l("Home")),
        ("ui.structures", "structures", _l("Structures")),
    ]
    if feature("data"):
        items.append(("ui.explore", "explore", _l("Explore data")))
    if feature("submissions"):
        items.append(("ui.submit", "submit", _l("Submit data")))
    if feature("curation_json") and p.is_curator:
        items.append(("ui.curation", "curation", _l("Curation")))
    if feature("auth_admin") and p.can_manage_users():
        items.append(("ui.admin", "admin", _l("Administration")))
    return items


def safe_next(target: str | None, default: str = "/") -> str:
    """A local path to go back to (never another site)."""
    if not target:
        return default
    parts = urlsplit(target)
    if (
        parts.scheme
        or parts.netloc
        or not target.startswith("/")
        or target.startswith("//")
        or "\\" in target
    ):
        return default
    return target


def page(template: str, status: int = 200, **context: Any) -> Response:
    """Render a page."""
    resp = make_response(render_template(template, **context), status)
    return resp


@bp.context_processor
def _page_globals() -> dict[str, Any]:
    lang = current_lang()
    return {
        "lang": lang,
        "languages": [(code, LANGUAGE_NAMES[code]) for code in LANGUAGES],
        "label": label,
        "principal": principal(),
        "nav": nav_items(),
        "active": getattr(g, "ui_active", None),
        "feature": feature,
        "here": request.full_path.rstrip("?"),
        "status_label": status_label,
        "attachment_label": attachment_label,
    }


@bp.after_request
def _headers(resp: Response) -> Response:
    for k, v in SECURITY_HEADERS.items():
        resp.headers.setdefault(k, v)
    if resp.mimetype == "text/html":
        resp.headers["Content-Language"] = current_lang()
        resp.vary.add("Accept-Language")
        resp.vary.add("Cookie")
        resp.headers.setdefault(
            "Cache-Control", "no-store" if principal().is_authenticated else "no-cache"
        )
    return resp


def _error_page(status: int, message: str) -> Response:
    titles = {
        400: _("The request is not valid"),
        401: _("Please sign in"),
        403: _("Not allowed"),
        404: _("Not found"),
        405: _("Not allowed"),
        409: _("Conflict"),
        413: _("The file is too large"),
        422: _("The request cannot be processed"),
        429: _("Too many requests"),
        503: _("Temporarily unavailable"),
        507: _("The service has no room to store this file"),
    }
    title = titles.get(status, _("Something went wrong"))
    return page("error.html", status=status, title=title, status_code=status, message=message)


@bp.errorhandler(IdacError)
def _idac_error(exc: IdacError) -> Response:
    resp = _error_page(exc.http_status, exc.message)
    resp.headers.update(retry_headers(exc))
    return resp


@bp.errorhandler(HTTPException)
def _http_error(exc: HTTPException) -> Response:
    return _error_page(exc.code or 500, exc.description or exc.name)


@bp.errorhandler(Exception)
def _unexpected(exc: Exception) -> Response:
    log.exception("page failed")
    rid = getattr(g, "request_id", None)
    msg = _("An unexpected error occurred.") + (f" (request id {rid})" if rid else "")
    return _error_page(500, msg)


__all__ = ["COOKIE", "bp", "feature", "page", "principal", "safe_next"]


@bp.get("/lang/<code>")
def set_language(code: str) -> WerkzeugResponse:
    """Switch the interface language and remember the choice (cookie, one year)."""
    from flask import abort, redirect

    if code not in LANGUAGES:
        abort(404)
    resp = redirect(safe_next(request.args.get("next")), code=303)
    resp.set_cookie(
        COOKIE,
        code,
        max_age=365 * 24 * 3600,
        samesite="Lax",
        httponly=True,
        secure=request.is_secure,
    )
    return resp
