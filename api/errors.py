"""The one place where exceptions become HTTP answers.

Every error answer is an SDMX error message: SDMX-ML 2.1 ``Error`` by default, SDMX-JSON
(``{"errors": [...]}``) when the client prefers JSON.  Unexpected exceptions are logged with the
request id and answered with 500 and that id, never a stack trace.
"""

from __future__ import annotations

import json
import logging
from xml.sax.saxutils import escape

from flask import Flask, Response, g, request
from werkzeug.exceptions import HTTPException

from registry.errors import IdacError, retry_headers

log = logging.getLogger("idac.api")

_HTTP_TO_SDMX = {400: 140, 401: 110, 403: 150, 404: 100, 405: 140, 406: 406, 409: 150, 413: 510, 414: 140,
                 415: 140, 422: 150, 429: 503, 500: 500, 501: 501, 503: 503, 507: 503}


def _wants_json() -> bool:
    accept = request.accept_mimetypes
    best = accept.best_match(["application/xml", "application/json", "text/html"], default="application/xml")
    if best == "application/json":
        return True
    return any("json" in mt for mt, _q in accept if _q > 0) and not any("xml" in mt for mt, _q in accept if _q > 0)


def error_response(status: int, sdmx_code: int, message: str, details: dict | None = None,
                   headers: dict[str, str] | None = None) -> Response:
    """Build an SDMX error message answer."""
    rid = getattr(g, "request_id", None)
    if _wants_json():
        body: dict = {"errors": [{"code": sdmx_code, "title": message, "status": status}]}
        if details:
            body["errors"][0]["detail"] = details
        if rid:
            body["meta"] = {"requestId": rid}
        resp = Response(json.dumps(body, ensure_ascii=False), status=status, mimetype="application/json")
    else:
        text = message if not rid or status < 500 else f"{message} (request id {rid})"
        xml = (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<mes:Error xmlns:mes="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message" '
            'xmlns:com="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common">'
            f'<mes:ErrorMessage code="{sdmx_code}"><com:Text xml:lang="en">{escape(text)}</com:Text>'
            "</mes:ErrorMessage></mes:Error>"
        )
        resp = Response(xml, status=status, content_type="application/xml")
    if rid:
        resp.headers["X-Request-Id"] = rid
    for k, v in (headers or {}).items():
        resp.headers[k] = v
    return resp


def register_error_handlers(app: Flask) -> None:
    """Install the handlers on the app."""

    @app.errorhandler(IdacError)
    def _idac(exc: IdacError) -> Response:
        headers = retry_headers(exc)
        if exc.http_status >= 500:
            log.error("request failed: %s", exc.message, extra={"code": exc.code})
        return error_response(exc.http_status, exc.sdmx_code, exc.message, exc.details or None, headers)

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> Response:
        status = exc.code or 500
        headers = {}
        if status == 405 and exc.valid_methods:  # type: ignore[attr-defined]
            headers["Allow"] = ", ".join(exc.valid_methods)  # type: ignore[attr-defined]
        return error_response(status, _HTTP_TO_SDMX.get(status, 500), exc.description or exc.name, headers=headers)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Response:
        from sqlalchemy.exc import DataError, InterfaceError, OperationalError

        if isinstance(exc, DataError):
            # The database refused a value the request carried (e.g. out of range): the client's input.
            log.warning("database refused a request value: %s", exc.orig.__class__.__name__ if exc.orig else exc)
            return error_response(400, 140, "A value in the request cannot be processed")
        if isinstance(exc, (OperationalError, InterfaceError)):
            log.error("database unavailable: %s", exc.__class__.__name__)
            return error_response(503, 503, "The database is unavailable; retry later", headers={"Retry-After": "30"})
        log.exception("unhandled error")
        return error_response(500, 500, "Internal error")
