"""Request limits enforced before any routing work: URI length (414)."""

from __future__ import annotations

from flask import Flask, request

from registry.config import Settings
from registry.errors import UriTooLong


def install_limits(app: Flask, settings: Settings) -> None:
    """Refuse over-long request URIs with 414 (SDMX-REST status code table)."""
    limit = settings.max_uri_length

    @app.before_request
    def _uri_length() -> None:
        # full_path is the decoded path plus the raw query string: what a hostile client controls.
        if len(request.full_path) > limit:
            raise UriTooLong(f"The request URI is longer than {limit} characters")
