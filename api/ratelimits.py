"""Rate limits on expensive endpoints, per token (or user, or client address).

Two budgets, each a flask-limiter rate string from the settings (empty disables it):

* ``queries`` (``IDAC_RATE_LIMIT_QUERIES``): data queries, availability and lineage — each one
  reads observations from the store, so a runaway harvester can starve everyone else;
* ``uploads`` (``IDAC_RATE_LIMIT_UPLOADS``): data submissions (API and web form), structure
  submissions, replacements and deletions, and aggregate recomputation — each one parses a body
  and writes.

Cheap answers (structure queries served from the answer cache, health, the UI's pages) are not
limited.  The budget is counted per *principal*: per API token when one is presented (two tokens
of the same user have separate budgets, so a batch job cannot starve its owner's browser), per
user for browser sessions, and per client address for anonymous readers.  A breach answers 429
with ``Retry-After`` and the usual SDMX error body (see ``api.errors``).

Counters live in ``IDAC_RATELIMIT_STORAGE_URL``: ``memory://`` counts per worker process, so a
production deployment with several gunicorn workers should point it at Redis (it does when
``IDAC_REDIS_URL`` is set and the storage is left at ``memory://``).
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

from flask import Flask, current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits import parse_many

from api.auth import current_principal
from registry.config import Settings
from registry.errors import TooManyRequests

log = logging.getLogger("idac.ratelimits")

P = ParamSpec("P")
R = TypeVar("R")

#: Budget name → the ``Settings`` field holding its rate string.
BUDGETS = {"queries": "rate_limit_queries", "uploads": "rate_limit_uploads"}


def install_limiter(app: Flask, settings: Settings) -> Limiter:
    """Create the application's limiter (one per app: no global state)."""
    limiter = app.extensions.get("idac.limiter")
    if limiter is None:
        storage = settings.ratelimit_storage_url
        if storage == "memory://" and settings.redis_url:
            # With a Redis queue configured, the workers share their counters there too.
            storage = settings.redis_url
        limiter = Limiter(
            get_remote_address,
            app=app,
            storage_uri=storage,
            headers_enabled=True,
            key_prefix="idac",
        )
        app.extensions["idac.limiter"] = limiter
    return limiter


def principal_key() -> str:
    """Whose budget a request spends: the token, else the user, else the client address."""
    principal = current_principal()
    if principal.token_id:
        return f"token:{principal.token_id}"
    if not principal.is_anonymous:
        return f"user:{principal.name}"
    return f"addr:{get_remote_address()}"


def _rate(budget: str) -> str:
    settings: Settings = current_app.extensions["idac.settings"]
    return str(getattr(settings, BUDGETS[budget]) or "")


def spend(budget: str) -> None:
    """Spend one unit of ``budget`` for the current principal, or raise ``TooManyRequests``.

    Every rate in the budget's string (e.g. ``"60 per minute;1000 per hour"``) is checked; the
    first exhausted one refuses the request with the seconds until it refills.  If the counter
    storage is unreachable the request is let through (and logged): a Redis outage must not take
    the data API down with it.
    """
    rate = _rate(budget)
    if not rate:
        return
    limiter: Limiter = current_app.extensions["idac.limiter"]
    key = principal_key()
    try:
        for item in parse_many(rate):
            if not limiter.limiter.hit(item, "idac", budget, key):
                stats = limiter.limiter.get_window_stats(item, "idac", budget, key)
                wait = max(1, math.ceil(stats.reset_time - time.time()))
                raise TooManyRequests(
                    f"Rate limit for {budget} exceeded ({item}); retry in {wait} s",
                    details={"budget": budget, "limit": str(item)},
                    retry_after=wait,
                )
    except TooManyRequests:
        raise
    except Exception:  # noqa: BLE001 - storage outage: fail open, loudly
        log.exception("rate-limit storage unavailable; %s budget not enforced", budget)


def limited(budget: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Decorate a view so that each call spends one unit of ``budget`` for its principal.

    The check runs inside the view, after authentication (a ``before_request`` hook), so the
    principal is known.
    """
    if budget not in BUDGETS:
        raise ValueError(f"unknown rate-limit budget {budget!r}")

    def decorate(view: Callable[P, R]) -> Callable[P, R]:
        @wraps(view)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            spend(budget)
            return view(*args, **kwargs)

        return wrapper

    return decorate
