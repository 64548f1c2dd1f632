"""The Flask application: ``create_app`` wires settings, the store, blueprints and error handling."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

# sdmx1 quirk: once a 2.1 structure-specific message has been read, a lazy import of the 3.0 reader
# fails process-wide.  Importing it at start-up, before anything is read, avoids that (see STYLE.md).
import sdmx.reader.xml.v30  # noqa: F401
from flask import Flask

from api.db import init_db
from api.errors import register_error_handlers
from api.limits import install_limits
from api.logging_setup import configure_logging
from api.ratelimits import install_limiter
from registry.config import Settings, load_settings
from registry.structures.cache import GenerationCache

log = logging.getLogger("idac.app")


def create_app(config: dict[str, Any] | Settings | None = None) -> Flask:
    """Build an application.  ``config`` overrides settings (a dict of ``Settings`` fields)."""
    settings = config if isinstance(config, Settings) else load_settings(config)
    app = Flask(__name__, instance_path=str(Path(settings.instance_path).resolve()))
    app.config.update(
        SECRET_KEY=settings.secret_key,
        MAX_CONTENT_LENGTH=settings.max_upload_bytes,
        TESTING=settings.testing,
        JSON_SORT_KEYS=False,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
    )
    # SDMX clients (pysdmx among them) add a trailing slash to REST paths.
    app.url_map.strict_slashes = False
    app.extensions["idac.settings"] = settings
    app.extensions["idac.structure_cache"] = GenerationCache()
    configure_logging(app, settings.log_level)
    register_error_handlers(app)
    install_limits(app, settings)
    install_limiter(app, settings)
    init_db(app, settings)

    from api.health import bp as health_bp

    app.register_blueprint(health_bp)
    # Authentication first: its before_request hook sets the Principal the other modules use.
    for name in ("api.auth.blueprint", "api.openapi", "api.structure.blueprint", "api.submissions.blueprint",
                 "api.data.blueprint", "api.curation.blueprint", "api.ui.blueprint",
                 "api.aggregates.blueprint"):
        _register_optional(app, name)
    return app


def _register_optional(app: Flask, module: str) -> None:
    """Register a blueprint module's ``register(app)`` if the module exists."""
    import importlib
    import importlib.util

    try:
        spec = importlib.util.find_spec(module)
    except ModuleNotFoundError:  # the parent package does not exist (yet)
        spec = None
    if spec is None:
        return
    importlib.import_module(module).register(app)
