"""HTTP API of data submissions (JSON; reports also as HTML and the rejected rows as SDMX-CSV).

``POST /api/submissions?dataflow=AGENCY:ID(VERSION)&provider=ID&action=replace|merge|delete
[&partial=true][&embargo=ISO-date-time]`` with the data file as the raw body (any SDMX data media
type or ``application/octet-stream``: the format is detected from the content; gzip and zip are
unwrapped) or as multipart field ``file``.  The answer is ``202 Accepted`` with ``Location:
/api/submissions/{id}`` and ``{id, status, url, …}``; files up to ``inline_validation_bytes`` are
processed inside the request, so their answer already has the final status.  Re-sending the same
file (same content, dataflow, provider and action) answers ``200`` with the existing submission.

``GET /api/submissions/{id}`` status and progress (and the report when done);
``GET /api/submissions/{id}/report.json`` | ``report.html`` (``lang=en|es`` or ``Accept-Language``);
``GET /api/submissions/{id}/rejected.csv`` the rejected rows (SDMX-CSV 2.0, with a non-standard
``VALIDATION_CODES`` column); ``GET /api/submissions?dataflow=&provider=&status=&limit=`` lists.

The actor is the request's principal (``anonymous`` without credentials), taken in one place
(``current_actor()``); ``registry.submissions.services.authorize_submission`` is where the permission
check attaches: submitters for their own providers, admins for any.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from flask import Blueprint, Flask, Response, current_app, request, send_file

from api.auth import current_principal
from api.db import get_session
from api.ratelimits import limited
from registry.config import Settings
from registry.errors import Conflict, InvalidRequest, NotFound
from registry.submissions import services
from registry.submissions.jobs import JobRunner
from registry.submissions.pipeline import DONE, rejected_file
from registry.submissions.reports import LANGS, localised, report_from_dict

log = logging.getLogger("idac.api.submissions")

bp = Blueprint("submissions", __name__, url_prefix="/api/submissions")


def register(app: Flask) -> None:
    """Register the blueprint, start the job runner and recover submissions left by a dead process."""
    settings: Settings = app.extensions["idac.settings"]
    runner = JobRunner(app.extensions["idac.db"], settings)
    app.extensions["idac.jobs"] = runner
    app.register_blueprint(bp)
    try:
        result = runner.recover()
        if result.failed or result.requeued:
            log.info("recovered submissions: %d failed, %d queued again", len(result.failed), len(result.requeued))
    except Exception:  # noqa: BLE001 - the service must start even if recovery cannot run
        log.warning("submission recovery did not run", exc_info=True)


def runner() -> JobRunner:
    """The app's job runner."""
    return current_app.extensions["idac.jobs"]  # type: ignore[no-any-return]


def settings() -> Settings:
    """The app's settings."""
    return current_app.extensions["idac.settings"]  # type: ignore[no-any-return]


def _reader() -> dict[str, Any]:
    """Who reads submissions: the request's principal, and whether anonymous access is enabled."""
    return {"principal": current_principal(), "allow_anonymous": settings().allow_anonymous_submissions}


def current_actor() -> str:
    """Who is making the request: the authenticated principal's name, else ``anonymous``."""
    return current_principal().name or "anonymous"


def _json(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    resp = Response(json.dumps(body, ensure_ascii=False, default=str), status=status, mimetype="application/json")
    for k, v in (headers or {}).items():
        resp.headers[k] = v
    return resp


def _flag(name: str) -> bool:
    value = request.args.get(name, "false").strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off", ""):
        return False
    raise InvalidRequest(f"{name} must be true or false (got {value!r})")


_KNOWN = frozenset({"dataflow", "provider", "action", "partial", "embargo"})


@bp.post("")
@limited("uploads")
def create() -> Response:
    """Receive a data file."""
    unknown = sorted(set(request.args) - _KNOWN)
    if unknown:
        raise InvalidRequest(f"unknown parameter(s): {', '.join(unknown)} (allowed: {', '.join(sorted(_KNOWN))})")
    dataflow = request.args.get("dataflow", "").strip()
    if not dataflow:
        raise InvalidRequest("dataflow is required, e.g. ?dataflow=IDAC:DF_IDAC_CORE(1.0)&provider=PAN_SNM")
    partial = _flag("partial")
    jobs = runner()
    jobs.check_capacity()
    filename = None
    if request.mimetype == "multipart/form-data":
        upload = request.files.get("file")
        if upload is None:
            raise InvalidRequest("multipart uploads must carry the data file in the field 'file'")
        stream: Any = upload.stream
        filename = upload.filename
        media_type = upload.mimetype or None
    else:
        stream = request.stream
        media_type = request.content_type or None
    session = get_session()
    row, created = services.create_submission(
        session, settings(), stream, dataflow=dataflow, provider=request.args.get("provider"),
        action=request.args.get("action"), partial=partial, embargo=request.args.get("embargo"),
        filename=filename, media_type=media_type, actor=current_actor(), principal=current_principal(),
    )
    session.commit()
    sub_id = row.id
    if created or row.status == "received":
        if row.size_bytes <= settings().inline_validation_bytes:
            jobs.run_inline(sub_id)
        else:
            jobs.enqueue(sub_id)
    session.expire_all()
    row = services.get_submission(session, sub_id)
    body = services.describe(row, with_report=False)
    body["duplicate"] = not created
    return _json(body, 202 if created else 200, {"Location": body["url"]})


@bp.get("")
def index() -> Response:
    """List submissions, newest first."""
    try:
        limit = int(request.args.get("limit", "100"))
    except ValueError:
        raise InvalidRequest("limit must be an integer") from None
    rows = services.list_submissions(get_session(), request.args.get("dataflow") or None,
                                     request.args.get("provider") or None, request.args.get("status") or None, limit,
                                     **_reader())
    return _json({"submissions": [services.describe(r, with_report=False) for r in rows]})


@bp.get("/<sub_id>")
def show(sub_id: str) -> Response:
    """Status, progress and (when done) the report of one submission."""
    row = services.get_submission(get_session(), sub_id, **_reader())
    body = services.describe(row)
    if "report" in body:
        body["report"] = localised(body["report"], _lang())
    return _json(body)


def _report(sub_id: str) -> dict[str, Any]:
    row = services.get_submission(get_session(), sub_id, **_reader())
    if row.report is None:
        if row.status in DONE:
            raise NotFound(f"Submission {sub_id} has no report: {row.error or row.status}")
        raise Conflict(f"Submission {sub_id} is {row.status}; its report is not ready yet")
    return row.report


def _lang() -> str:
    lang = request.args.get("lang")
    if lang:
        if lang not in LANGS:
            raise InvalidRequest(f"lang must be one of {', '.join(LANGS)}")
        return lang
    return request.accept_languages.best_match(LANGS, default="en") or "en"


@bp.get("/<sub_id>/report.json")
def report_json(sub_id: str) -> Response:
    """The validation report as JSON."""
    return _json(localised(_report(sub_id), _lang()))


@bp.get("/<sub_id>/report.html")
def report_html(sub_id: str) -> Response:
    """The validation report as a self-contained HTML page (escaped), in English or Spanish."""
    lang = _lang()
    html = report_from_dict(_report(sub_id)).to_html(lang)
    resp = Response(html, mimetype="text/html")
    resp.headers["Content-Language"] = lang
    resp.headers["Vary"] = "Accept-Language"
    resp.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return resp


@bp.get("/<sub_id>/rejected.csv")
def rejected_csv(sub_id: str) -> Response:
    """The rejected rows as SDMX-CSV 2.0."""
    rep = _report(sub_id)
    path = rejected_file(settings(), sub_id)
    if not path.exists():
        if not rep.get("rejected_rows"):
            raise NotFound(f"Submission {sub_id} has no rejected rows")
        raise NotFound(f"The rejected rows of submission {sub_id} are not available")
    resp = send_file(path, mimetype="application/vnd.sdmx.data+csv; version=2.0.0; charset=utf-8",
                     as_attachment=True, download_name=f"{sub_id}-rejected.csv")
    return resp


