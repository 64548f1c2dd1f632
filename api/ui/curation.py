"""Curation pages (curators only): edit a codelist's codes, create a new version, finalise.

Every change goes through ``registry.curation`` (the services behind ``/api/structures``), with the
signed-in principal and the request's audit context, so permissions, store rules (final artefacts
keep their structure), history and the audit log are the API's.  Forms carry the session's CSRF
token, checked by the authentication hook before any of these views runs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Response, flash, g, redirect, request, url_for
from flask_babel import gettext as _

from api.db import get_session
from api.ui.base import bp, page, principal
from api.ui.structures import is_deprecated, tree
from registry.errors import IdacError
from registry.sdmx.model import Codelist
from registry.sdmx.refs import ArtefactType, Ref
from registry.store import artefacts as store

LANGS = ("es", "en", "fr", "pt")


def _curator() -> None:
    p = principal()
    p.require(p.is_curator, "curate structures")


def _ref(agency: str, resource_id: str, version: str) -> Ref:
    return Ref(ArtefactType.CODELIST, agency, resource_id, version)


def _edit_url(ref: Ref, **anchor: Any) -> str:
    return url_for(
        "ui.edit_codelist", agency=ref.agency, resource_id=ref.id, version=ref.version, **anchor
    )


def _apply(ref: Ref, change: Callable[[], Any], done: str, back: str | None = None) -> Response:
    """Run a curation service call, commit, and go back with a message (errors become messages)."""
    session = get_session()
    try:
        change()
        session.commit()
    except IdacError as exc:
        session.rollback()
        flash(exc.message, "error")
    else:
        flash(done, "ok")
    return redirect(back or _edit_url(ref), code=303)  # type: ignore[return-value]


@bp.get("/curation")
def curation() -> Response:
    """Codelists to curate (those the user may edit first)."""
    _curator()
    g.ui_active = "curation"
    p = principal()
    found = [s.artefact for s in store.find(get_session(), [ArtefactType.CODELIST])]
    found.sort(key=lambda a: (not p.can_write_structure(a.agency), a.is_final, a.agency, a.id))
    return page("curation/index.html", codelists=found)


@bp.get("/curation/codelist/<agency>/<resource_id>/<version>")
def edit_codelist(agency: str, resource_id: str, version: str) -> Response:
    """A codelist's codes with links to edit each one, and the version actions."""
    from registry.curation.codes import load_codelist

    _curator()
    g.ui_active = "curation"
    ref = _ref(agency, resource_id, version)
    cl = load_codelist(get_session(), ref)
    p = principal()
    return page(
        "curation/codelist.html",
        cl=cl,
        items=tree(cl.items),
        may_edit=p.can_write_structure(agency),
        is_deprecated=is_deprecated,
        versions=store.versions_of(get_session(), ArtefactType.CODELIST, agency, resource_id),
        langs=LANGS,
    )


@bp.get("/curation/codelist/<agency>/<resource_id>/<version>/codes/<code>")
def edit_code(agency: str, resource_id: str, version: str, code: str) -> Response:
    """The form of one code: names per language, parent, deprecation."""
    from registry.curation.codes import load_codelist

    _curator()
    g.ui_active = "curation"
    cl = load_codelist(get_session(), _ref(agency, resource_id, version))
    item = cl.item_map().get(code)
    if item is None:
        from registry.errors import NotFound

        raise NotFound(f"{cl.ref} has no code {code!r}")
    return page(
        "curation/code.html",
        cl=cl,
        item=item,
        langs=LANGS,
        is_deprecated=is_deprecated,
        others=[i for i in cl.items if i.id != code],
    )


def _texts(prefix: str) -> dict[str, str | None]:
    return {
        lang: (request.form.get(f"{prefix}_{lang}") or "").strip() or None
        for lang in LANGS
        if f"{prefix}_{lang}" in request.form
    }


@bp.post("/curation/codelist/<agency>/<resource_id>/<version>/codes/<code>")
def save_code(agency: str, resource_id: str, version: str, code: str) -> Response:
    """Rename (per language) and/or re-parent one code."""
    from api.auth import audit_context
    from registry.curation import codes

    _curator()
    ref = _ref(agency, resource_id, version)
    names = _texts("name")
    parent = request.form.get("parent")

    def change() -> None:
        s, p, ctx = get_session(), principal(), audit_context()
        current = codes.load_codelist(s, ref).item_map()[code]
        if {k: v for k, v in names.items() if v} != {
            k: v for k, v in current.names.items() if k in names
        }:
            codes.rename_code(s, ref, code, names=names, principal=p, ctx=ctx)
        if parent is not None and (parent or None) != current.parent:
            codes.reparent_code(s, ref, code, parent or None, principal=p, ctx=ctx)

    return _apply(
        ref, change, _("Code %(code)s saved.", code=code), _edit_url(ref) + f"#code-{code}"
    )


@bp.post("/curation/codelist/<agency>/<resource_id>/<version>/codes/<code>/deprecate")
def deprecate(agency: str, resource_id: str, version: str, code: str) -> Response:
    """Mark a code deprecated (with a reason and an optional replacement)."""
    from api.auth import audit_context
    from registry.curation import codes

    _curator()
    ref = _ref(agency, resource_id, version)
    reason = {k: v for k, v in _texts("reason").items() if v}
    replaced = request.form.get("replaced_by") or None
    return _apply(
        ref,
        lambda: codes.deprecate_code(
            get_session(),
            ref,
            code,
            reason=reason or None,
            replaced_by=replaced,
            principal=principal(),
            ctx=audit_context(),
        ),
        _("Code %(code)s deprecated.", code=code),
    )


@bp.post("/curation/codelist/<agency>/<resource_id>/<version>/codes")
def add_code(agency: str, resource_id: str, version: str) -> Response:
    """Add a code to a draft codelist."""
    from api.auth import audit_context
    from registry.curation import codes

    _curator()
    ref = _ref(agency, resource_id, version)
    code = (request.form.get("id") or "").strip()
    names = {k: v for k, v in _texts("name").items() if v}
    parent = request.form.get("parent") or None
    return _apply(
        ref,
        lambda: codes.add_code(
            get_session(),
            ref,
            code,
            names=names,
            parent=parent,
            principal=principal(),
            ctx=audit_context(),
        ),
        _("Code %(code)s added.", code=code),
    )


@bp.post("/curation/codelist/<agency>/<resource_id>/<version>/next-version")
def next_version(agency: str, resource_id: str, version: str) -> Response:
    """Create the next version as a draft copy and open it."""
    from api.auth import audit_context
    from registry.curation import versioning

    _curator()
    ref = _ref(agency, resource_id, version)
    created: list[Any] = []

    def change() -> None:
        created.append(
            versioning.next_version(
                get_session(),
                ref,
                version=request.form.get("version") or None,
                principal=principal(),
                ctx=audit_context(),
            )
        )

    resp = _apply(ref, change, _("New draft version created."))
    if created:
        return redirect(_edit_url(created[0].ref), code=303)  # type: ignore[return-value]
    return resp


@bp.post("/curation/codelist/<agency>/<resource_id>/<version>/finalise")
def finalise(agency: str, resource_id: str, version: str) -> Response:
    """Make a draft final."""
    from api.auth import audit_context
    from registry.curation import versioning

    _curator()
    ref = _ref(agency, resource_id, version)
    return _apply(
        ref,
        lambda: versioning.finalise(get_session(), ref, principal=principal(), ctx=audit_context()),
        _("The codelist is now final."),
    )


__all__ = ["Codelist"]
