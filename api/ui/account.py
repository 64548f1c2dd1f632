"""Signing in and out of the web interface.

The forms post here, and these views call the authentication module's own ``/auth/login`` and
``/auth/logout`` views, so throttling, auditing, the session cookie and the CSRF rule are exactly
those of the API; these views only turn the JSON answers into redirects and form errors.
"""

from __future__ import annotations

from flask import Response, flash, g, redirect, request, url_for
from flask_babel import gettext as _

from api.ui.base import bp, page, principal, safe_next
from registry.errors import Forbidden, IdacError, TooManyRequests, Unauthorized, retry_headers


@bp.get("/login")
def login() -> Response:
    """The sign-in form."""
    g.ui_active = "login"
    if principal().is_authenticated:
        return redirect(safe_next(request.args.get("next")), code=303)  # type: ignore[return-value]
    return page("login.html", next=safe_next(request.args.get("next")), error=None)


@bp.post("/login")
def login_post() -> Response:
    """Check the password through the authentication module, then go back where the user was."""
    from api.auth.blueprint import login as auth_login

    g.ui_active = "login"
    target = safe_next(request.form.get("next"))
    try:
        auth_login()
    except TooManyRequests as exc:
        resp = page(
            "login.html",
            status=429,
            next=target,
            error=_("Too many attempts. Wait a few minutes and try again."),
        )
        resp.headers.update(retry_headers(exc))
        return resp
    except Unauthorized:
        return page("login.html", status=401, next=target, error=_("Wrong user name or password."))
    except Forbidden:
        return page(
            "login.html", status=403, next=target, error=_("The form expired. Please try again.")
        )
    except IdacError:
        return page(
            "login.html", status=422, next=target, error=_("Enter your user name and password.")
        )
    flash(_("Signed in."), "ok")
    return redirect(target, code=303)  # type: ignore[return-value]


@bp.post("/logout")
def logout() -> Response:
    """End the session (the CSRF token was checked by the authentication hook)."""
    from api.auth.blueprint import logout as auth_logout

    auth_logout()
    flash(_("Signed out."), "ok")
    return redirect(url_for("ui.home"), code=303)  # type: ignore[return-value]
