"""Service settings, read from ``IDAC_*`` environment variables.

Precedence (the flaskr pattern): built-in defaults → ``instance/config.py`` (if present) → environment
→ explicit overrides passed to ``create_app`` (tests).  Everything that differs between a laptop and
production is here; nothing else reads the environment.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any


def _default_instance() -> Path:
    return Path(os.environ.get("IDAC_INSTANCE_PATH", Path.cwd() / "instance")).resolve()


@dataclass(slots=True)
class Settings:
    """All settings of one service instance."""

    instance_path: Path = field(default_factory=_default_instance)
    #: SQLAlchemy URL; default: SQLite file in the instance folder.
    database_url: str = ""
    secret_key: str = ""
    #: Largest accepted upload (bytes) and largest decompressed size of a gzip/zip upload.
    max_upload_bytes: int = 512 * 1024 * 1024
    max_decompressed_bytes: int = 2 * 1024 * 1024 * 1024
    #: Largest structure submission body.
    max_structure_bytes: int = 64 * 1024 * 1024
    #: Longest accepted request URI (path + query string) before 414.
    max_uri_length: int = 8192
    #: Load the IDAC content (dsd/ and codelists/) into an empty store on start.
    seed_content: bool = True
    #: Folder holding the IDAC SDMX files (``dsd/`` and ``codelists/`` below it).
    content_path: Path = field(default_factory=lambda: Path(__file__).resolve().parents[1])
    #: Redis URL for the production job queue; empty means an in-process thread pool.
    redis_url: str = ""
    #: Uploads at most this size are validated inside the request.
    inline_validation_bytes: int = 8 * 1024 * 1024
    #: Default disclosure threshold: counts 1..N are suppressed for the public.
    disclosure_threshold: int = 4
    #: Public base URL used in links and stubs' structureURL (empty: derived from the request).
    public_url: str = ""
    #: Agencies whose non-final (draft) structures anonymous readers may see, comma-separated
    #: (``*`` for all): e.g. third-party agencies mirrored as published by their owners.  Drafts
    #: of other agencies are visible to curators only.
    public_draft_agencies: str = ""
    #: Accept data submissions without credentials (closed test installations only).
    allow_anonymous_submissions: bool = False
    log_level: str = "INFO"
    #: Rate limit storage for flask-limiter ("memory://" counts per process; a redis URL is shared
    #: by all workers).
    ratelimit_storage_url: str = "memory://"
    #: Budget per API token (else user, else client address) for data queries, availability and
    #: lineage; flask-limiter rate strings separated by ";" (empty: unlimited).
    rate_limit_queries: str = "300 per minute;5000 per hour"
    #: Budget for data and structure submissions, deletions and aggregate recomputation.
    rate_limit_uploads: str = "30 per minute;300 per hour"
    testing: bool = False

    def resolved(self) -> Settings:
        """Fill derived defaults (database in the instance folder, a random dev secret)."""
        if not self.database_url:
            self.database_url = f"sqlite:///{self.instance_path / 'registry.db'}"
        if not self.secret_key:
            key_file = self.instance_path / "secret_key"
            if key_file.exists():
                self.secret_key = key_file.read_text().strip()
            else:
                self.secret_key = secrets.token_hex(32)
                self.instance_path.mkdir(parents=True, exist_ok=True)
                key_file.write_text(self.secret_key)
                key_file.chmod(0o600)
        return self


def _coerce(current: Any, raw: str) -> Any:
    if isinstance(current, bool):
        return raw.strip().lower() in ("1", "true", "yes", "on")
    if isinstance(current, int):
        return int(raw)
    if isinstance(current, Path):
        return Path(raw)
    return raw


def load_settings(overrides: dict[str, Any] | None = None) -> Settings:
    """Settings from defaults, the instance file, ``IDAC_*`` variables and ``overrides``."""
    settings = Settings()
    if overrides and "instance_path" in overrides:
        settings.instance_path = Path(overrides["instance_path"])
    instance_file = settings.instance_path / "config.py"
    values: dict[str, Any] = {}
    if instance_file.exists():
        ns: dict[str, Any] = {}
        exec(compile(instance_file.read_text(), str(instance_file), "exec"), ns)  # noqa: S102 - operator-owned file
        values.update({k.lower(): v for k, v in ns.items() if k.isupper()})
    for f in fields(Settings):
        env = os.environ.get(f"IDAC_{f.name.upper()}")
        if env is not None:
            values[f.name] = _coerce(getattr(settings, f.name), env)
    values.update(overrides or {})
    for k, v in values.items():
        if hasattr(settings, k):
            if isinstance(getattr(settings, k), Path) and isinstance(v, str):
                v = Path(v)
            setattr(settings, k, v)
    return settings.resolved()
