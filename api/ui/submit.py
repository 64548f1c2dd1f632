"""Submitting data: choose the dataflow and provider, upload (with progress), read the report.

The page uploads with a small script (``static/js/upload.js``): an XHR ``POST /api/submissions``
with upload progress, then polling ``GET /api/submissions/{id}`` until the submission is done, then
the report page.  Without JavaScript the form posts to ``/submit`` here, which calls the same
submission services and job runner as the API, and the report page refreshes itself until done.

The report page renders the stored report (``registry.submissions.reports``) grouped by rule, with
each kept example's message in the interface language and its location, and links the rejected rows
(``/api/submissions/{id}/rejected.csv``).
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from flask import Response, current_app, g, redirect, request, url_for
from werkzeug.wrappers import Response as WerkzeugResponse

from api.auth import current_principal
from api.db import get_session
from api.ratelimits import limited
from api.ui import catalogue
from api.ui.base import bp, page, principal
from api.ui.i18n import current_lang
from registry.errors import InvalidRequest
from registry.submissions.pipeline import DONE
from registry.submissions.reports import localised


def _choices() -> tuple[list[Any], list[dict[str, Any]]]:
    session = get_session()
    flows = catalogue.dataflows(session)
    provs = catalogue.providers(session)
    options = []
    for pa in catalogue.agreements(session):
        if pa.dataflow is None or pa.provider is None or pa.provider.item is None:
            continue
        flow_key = pa.dataflow.maintainable.short
        item = provs.get(pa.provider.item)
        options.append(
            {
                "flow": flow_key,
                "id": pa.provider.item,
                "names": item.names if item else {},
                "agreement": pa.id,
            }
        )
    options.sort(key=lambda o: (o["flow"], o["id"]))
    return flows, options


@bp.get("/submit")
def submit() -> Response:
    """The upload form."""
    g.ui_active = "submit"
    flows, options = _choices()
    chosen = request.args.get("flow") or (flows[0].ref.short if flows else "")
    from flask import current_app

    limit = current_app.extensions["idac.settings"].max_upload_bytes
    return page(
        "submit/form.html",
        flows=flows,
        options=options,
        chosen=chosen,
        chosen_provider=request.args.get("provider", ""),
        principal_name=principal().name,
        limit_mb=limit // (1024 * 1024),
    )


@bp.post("/submit")
@limited("uploads")
def submit_form() -> WerkzeugResponse:
    """Fallback without JavaScript: the multipart form, through the same services as the API."""
    from api.submissions.blueprint import current_actor, runner, settings
    from registry.submissions import services

    dataflow = (request.form.get("dataflow") or "").strip()
    provider = (request.form.get("provider") or "").strip() or None
    upload = request.files.get("file")
    if not dataflow:
        raise InvalidRequest("Choose a dataflow")
    if upload is None or not upload.filename:
        raise InvalidRequest("Choose a file to upload")
    jobs = runner()
    jobs.check_capacity()
    session = get_session()
    row, created = services.create_submission(
        session,
        settings(),
        upload.stream,
        dataflow=dataflow,
        provider=provider,
        action=request.form.get("action") or "replace",
        partial=request.form.get("partial") == "true",
        filename=upload.filename,
        media_type=upload.mimetype or None,
        actor=current_actor(), principal=current_principal(),
    )
    session.commit()
    sub_id = row.id
    if created or row.status == "received":
        if row.size_bytes <= settings().inline_validation_bytes:
            jobs.run_inline(sub_id)
        else:
            jobs.enqueue(sub_id)
    return redirect(url_for("ui.submission", sub_id=sub_id), code=303)


def group_findings(report: dict[str, Any], lang: str = "en") -> list[dict[str, Any]]:
    """Findings grouped by rule code (rules in report order), with counts and kept examples."""
    groups: OrderedDict[str, dict[str, Any]] = OrderedDict()
    for code, count in (report.get("rules") or {}).items():
        groups[code] = {
            "code": code,
            "count": count,
            "title": code,
            "severity": "error",
            "examples": [],
        }
    for f in report.get("findings") or []:
        grp = groups.setdefault(
            f.get("code", ""),
            {
                "code": f.get("code", ""),
                "count": f.get("count", 1),
                "title": "",
                "severity": "error",
                "examples": [],
            },
        )
        title = f.get("title_es") if lang == "es" and f.get("title_es") else f.get("title")
        grp["title"] = title or grp["title"]
        grp["severity"] = f.get("severity") or grp["severity"]
        grp["examples"].append(f)
    return sorted(groups.values(), key=lambda x: (x["severity"] != "error", x["code"]))


@bp.get("/submit/<sub_id>")
def submission(sub_id: str) -> Response:
    """Status, then the validation report of one submission."""
    from registry.submissions import services

    g.ui_active = "submit"
    row = services.get_submission(get_session(), sub_id, principal=current_principal(),
                                  allow_anonymous=current_app.extensions["idac.settings"].allow_anonymous_submissions)
    body = services.describe(row)
    report = localised(body["report"], current_lang()) if "report" in body else None
    done = row.status in DONE
    provs = catalogue.providers(get_session())
    from registry.submissions.compare import compare_submission

    changes = compare_submission(get_session(), sub_id) if row.status == "loaded" else None
    return page(
        "submit/report.html",
        changes=changes,
        sub=body,
        row=row,
        report=report,
        done=done,
        groups=group_findings(report, current_lang()) if report else [],
        provider=provs.get(row.provider or ""),
    )
