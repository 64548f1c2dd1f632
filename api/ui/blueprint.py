"""Registers the web interface on the app (``api.create_app`` loads it when present)."""

from __future__ import annotations

from flask import Flask

from api.ui.i18n import init_babel


def register(app: Flask) -> None:
    """Translations, then the pages (one module per page family, all on ``api.ui.base.bp``)."""
    from api.ui import account, admin, curation, explore, home, structures, submit  # noqa: F401 - routes
    from api.ui.base import bp

    init_babel(app)
    if "csrf_token" not in app.jinja_env.globals:  # a build without the auth module
        app.jinja_env.globals["csrf_token"] = lambda: ""
    app.register_blueprint(bp)
