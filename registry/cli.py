"""The ``idac`` command line (click).

``idac serve`` runs the service, ``idac db upgrade`` migrates, ``idac load`` stores structure files;
``idac validate`` checks a data file offline and ``idac users`` manages accounts (added by their
modules under ``registry.commands``).
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys
from pathlib import Path

import click


@click.group()
@click.version_option(package_name="idac-registry")
def main() -> None:
    """IDAC SDMX registry and data exchange service."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--production", is_flag=True, help="Run under gunicorn (2 workers) instead of the dev server.")
@click.option("--workers", default=2, show_default=True, type=int, help="gunicorn workers (with --production).")
def serve(host: str, port: int, production: bool, workers: int) -> None:
    """Run the service (migrates and seeds the IDAC content on first start)."""
    from api import create_app

    app = create_app()  # migrate + seed once, before forking workers
    if production:
        args = ["gunicorn", "-w", str(workers), "-b", f"{host}:{port}", "--access-logfile", "-", "api:create_app()"]
        os.execvp(args[0], args)  # noqa: S606 - fixed argument list
    click.echo(f"IDAC registry on http://{host}:{port}/ (database: {app.extensions['idac.db'].engine.url.render_as_string()})")
    app.run(host=host, port=port, debug=False, threaded=True)


@main.group()
def db() -> None:
    """Database maintenance."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Apply pending schema migrations."""
    from registry.config import load_settings
    from registry.store import migrate
    from registry.store.db import Database

    settings = load_settings()
    database = Database(settings.database_url)
    migrate.upgrade(database.engine)
    click.echo(f"database at {', '.join(sorted(migrate.current_revisions(database.engine)))}")


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--allow-dangling", is_flag=True, help="Store artefacts whose references are not in the registry.")
def load(files: tuple[Path, ...], allow_dangling: bool) -> None:
    """Load SDMX structure files (SDMX-ML 2.1/3.0, SDMX-JSON 2.0) into the store, atomically."""
    from registry.config import load_settings
    from registry.errors import IdacError
    from registry.store import migrate
    from registry.store.db import Database
    from registry.structures.loader import load_files

    settings = load_settings()
    database = Database(settings.database_url)
    migrate.upgrade(database.engine)
    try:
        with database.transaction() as session:
            results = load_files(session, files, actor="cli", require_references=not allow_dangling)
    except IdacError as exc:
        click.echo(f"error: {exc.message}", err=True)
        sys.exit(1)
    for r in results:
        click.echo(f"{r.action:9} {r.ref}")


def _add_optional_commands() -> None:
    for name in ("registry.commands.validate", "registry.commands.users", "registry.commands.submit"):
        if importlib.util.find_spec(name) is not None:
            module = importlib.import_module(name)
            module.register(main)


_add_optional_commands()
