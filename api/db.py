"""Binds the store to the app: one ``Database`` per app, one session per request."""

from __future__ import annotations

import logging

from flask import Flask, current_app, g
from sqlalchemy.orm import Session

from registry.config import Settings
from registry.store import migrate
from registry.store.db import Database

log = logging.getLogger("idac.db")


def init_db(app: Flask, settings: Settings) -> None:
    """Create the database object, migrate a new/empty database, seed IDAC content if configured."""
    if settings.database_url.startswith("sqlite:///"):
        from pathlib import Path

        Path(settings.database_url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    db = Database(settings.database_url)
    app.extensions["idac.db"] = db
    migrate.upgrade(db.engine)
    if settings.seed_content:
        from registry.structures.seed import seed_if_empty

        with db.transaction() as session:
            loaded = seed_if_empty(session, settings.content_path)
        if loaded:
            log.info("seeded %d IDAC artefacts", loaded)

    @app.teardown_appcontext
    def _close_session(exc: BaseException | None) -> None:
        session = g.pop("db_session", None)
        if session is not None:
            if exc is not None:
                session.rollback()
            session.close()


def database() -> Database:
    """The app's database."""
    return current_app.extensions["idac.db"]  # type: ignore[no-any-return]


def get_session() -> Session:
    """The request's session (created on first use, closed at the end of the request)."""
    if "db_session" not in g:
        g.db_session = database().sessions()
    return g.db_session  # type: ignore[no-any-return]
