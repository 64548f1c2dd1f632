"""Schema migrations, driven programmatically (no alembic.ini needed at run time).

``idac db upgrade`` and the application's first start call ``upgrade``; ``/ready`` calls
``is_current``.  Migration files are named ``NNNN_<what>.py`` with fixed revision ids.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

_DIR = Path(__file__).parent / "migrations"


def alembic_config(url: str) -> Config:
    """An Alembic config pointing at our migrations and ``url``."""
    cfg = Config()
    cfg.set_main_option("script_location", str(_DIR))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    cfg.set_main_option("file_template", "%%(rev)s_%%(slug)s")
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply migrations up to ``revision`` on ``engine``'s database."""
    cfg = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def head_revisions(engine: Engine) -> set[str]:
    """The head revision ids of the migration scripts."""
    cfg = alembic_config(engine.url.render_as_string(hide_password=False))
    return set(ScriptDirectory.from_config(cfg).get_heads())


def current_revisions(engine: Engine) -> set[str]:
    """Revisions the database is at (empty for a new database)."""
    with engine.connect() as conn:
        return set(MigrationContext.configure(conn).get_current_heads())


def is_current(engine: Engine) -> bool:
    """True when the database is at the head revision(s)."""
    return current_revisions(engine) == head_revisions(engine)
