"""Request limits and hygiene enforced before any routing work.

* URI length (414);
* control characters (NUL and other C0 characters) in the path or query string are refused with 400:
  no SDMX identifier, key or parameter contains them, and PostgreSQL cannot store NUL in text;
* ``X-Content-Type-Options: nosniff`` on every answer, so browsers never sniff SDMX bodies as HTML.
"""

from __future__ import annotations

import re

from flask import Flask, Response, request

from registry.config import Settings
from registry.errors import InvalidRequest, UriTooLong

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def install_limits(app: Flask, settings: Settings) -> None:
    """Install the request checks and the common response headers."""
    limit = settings.max_uri_length

    @app.before_request
    def _uri_checks() -> None:
        # full_path is the decoded path plus the raw query string: what a hostile client controls.
        if len(request.full_path) > limit:
            raise UriTooLong(f"The request URI is longer than {limit} characters")
        if _CONTROL.search(request.path) or any(
            _CONTROL.search(k) or _CONTROL.search(v) for k, v in request.args.items(multi=True)
        ):
            raise InvalidRequest("Control characters are not allowed in the request path or query parameters")

    @app.after_request
    def _common_headers(resp: Response) -> Response:
        resp.headers.setdefault("X-Content-Type-Options", "nosniff")
        return resp
