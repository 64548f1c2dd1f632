"""Structured (JSON lines) logging with a request id on every record."""

from __future__ import annotations

import json
import logging
import time
import uuid

from flask import Flask, Response, g, has_request_context, request


class _JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        doc = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        if has_request_context():
            doc["request_id"] = getattr(g, "request_id", None)
            doc["method"] = request.method
            doc["path"] = request.path
        for key in ("code", "status", "duration_ms"):
            if hasattr(record, key):
                doc[key] = getattr(record, key)
        if record.exc_info:
            doc["exc"] = self.formatException(record.exc_info)
        return json.dumps(doc, ensure_ascii=False)


def configure_logging(app: Flask, level: str) -> None:
    """JSON logs on stderr; a request id per request, echoed in ``X-Request-Id``."""
    logger = logging.getLogger("idac")
    if not any(getattr(h, "_idac", False) for h in logger.handlers):
        handler = logging.StreamHandler()
        handler.setFormatter(_JsonFormatter())
        handler._idac = True  # type: ignore[attr-defined]
        logger.addHandler(handler)
    logger.setLevel(level)
    logger.propagate = False
    access = logging.getLogger("idac.access")

    @app.before_request
    def _start() -> None:
        incoming = request.headers.get("X-Request-Id", "")
        # Accept a caller's id only if it is short and plain (it is echoed into headers and logs).
        g.request_id = incoming if 0 < len(incoming) <= 64 and incoming.replace("-", "").isalnum() else uuid.uuid4().hex
        g.started = time.perf_counter()

    @app.after_request
    def _finish(resp: Response) -> Response:
        resp.headers.setdefault("X-Request-Id", getattr(g, "request_id", ""))
        started = getattr(g, "started", None)
        if started is not None:
            access.info("%s %s", request.method, request.full_path.rstrip("?"), extra={
                "status": resp.status_code, "duration_ms": round((time.perf_counter() - started) * 1000, 2)})
        return resp
