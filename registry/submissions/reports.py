"""Stored reports: a submission keeps its validation report as JSON; this rebuilds the ``Report``.

The HTML page and the Spanish JSON are rendered from the stored JSON (which carries every kept
finding's message in English and Spanish), so a report is never recomputed by re-reading the upload.
"""

from __future__ import annotations

from typing import Any

from registry.validation.findings import CATALOGUE, Finding, Rule
from registry.validation.report import RejectedRows, Report

LANGS = ("en", "es")


def _literal(text: str) -> str:
    """A message as a template that renders to itself."""
    return text.replace("{", "{{").replace("}", "}}")


def report_from_dict(data: dict[str, Any]) -> Report:
    """The ``Report`` of a stored ``Report.to_dict()`` (findings with fixed messages)."""
    findings = []
    catalogue: dict[str, Rule] = {}
    for f in data.get("findings") or []:
        code = f.get("code", "")
        messages = f.get("messages") or {}
        en = messages.get("en") or f.get("message", "")
        rule = Rule(code, f.get("severity", "error"), f.get("title") or code, _literal(en),
                    _literal(messages.get("es") or en))
        loc = {k: v for k, v in (f.get("location") or {}).items() if v is not None}
        findings.append(Finding(rule, {}, rule.severity, count=int(f.get("count", 1)), **loc))
        catalogue.setdefault(code, rule)
    for code in data.get("rules") or {}:
        if code not in catalogue and code in CATALOGUE:
            catalogue[code] = CATALOGUE[code]
    rejected = RejectedRows()
    rejected.count = int(data.get("rejected_rows") or 0)
    return Report(
        valid=bool(data.get("valid")), observations=int(data.get("observations") or 0),
        series=int(data.get("series") or 0), datasets=int(data.get("datasets") or 0),
        periods=int(data.get("periods") or 0), errors=int(data.get("errors") or 0),
        warnings=int(data.get("warnings") or 0), rules=dict(data.get("rules") or {}), findings=findings,
        duration=float(data.get("duration") or 0.0), partial=bool(data.get("partial")),
        truncated=bool(data.get("truncated")), structure=data.get("structure") or "", catalogue=catalogue,
        rejected=rejected,
    )


def localised(data: dict[str, Any], lang: str) -> dict[str, Any]:
    """The stored JSON with each finding's ``message`` in ``lang``."""
    if lang not in LANGS or lang == "en":
        return data
    out = dict(data)
    out["findings"] = [{**f, "message": (f.get("messages") or {}).get(lang) or f.get("message")}
                       for f in data.get("findings") or []]
    return out
