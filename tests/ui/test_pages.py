"""Pages without a browser: security headers, escaping, languages, forms, disclosure, catalogues."""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from babel.messages.pofile import read_po

from registry.sdmx import model as m
from tests.ui.conftest import EXAMPLES, PASSWORD, add_user, close_app, load_examples, new_app

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = '<script>alert("x")</script>'


@pytest.fixture(scope="module")
def app() -> Iterator[Any]:
    with tempfile.TemporaryDirectory(prefix="idac-pages-") as tmp:
        application, handle = new_app(Path(tmp))
        load_examples(application)
        add_user(application, "curadora", ("curator", "IDAC"))
        from registry.store import artefacts as store

        with application.extensions["idac.db"].transaction() as s:
            store.save(
                s,
                [
                    m.Codelist(
                        agency="IDAC",
                        id="CL_HOSTILE",
                        version="1.0",
                        names={"en": HOSTILE, "es": HOSTILE},
                        items=[m.Code(id="X", names={"en": HOSTILE, "es": HOSTILE})],
                    )
                ],
            )
        yield application
        close_app(application, handle)


def csrf(client: Any, path: str = "/login") -> str:
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]*)"', page).group(1)


def login(client: Any, user: str) -> None:
    resp = client.post(
        "/login",
        data={"username": user, "password": PASSWORD, "csrf_token": csrf(client), "next": "/"},
    )
    assert resp.status_code == 303


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/structures",
        "/explore",
        "/submit",
        "/login",
        "/structures/codelist/IDAC/CL_HOSTILE/1.0",
        "/assets/js/upload.js",
    ],
)
def test_security_headers(app: Any, path: str) -> None:
    resp = app.test_client().get(path)
    assert resp.status_code == 200
    csp = resp.headers["Content-Security-Policy"]
    script_src = re.search(r"script-src ([^;]*)", csp).group(1)
    assert "unsafe-inline" not in csp
    assert script_src.strip() == "'self'"
    assert "frame-ancestors 'none'" in csp
    assert resp.headers["X-Content-Type-Options"] == "nosniff"


def test_pages_have_no_inline_script_or_external_resource() -> None:
    for path in (ROOT / "api" / "templates").rglob("*.html"):
        text = path.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), path  # scripts only from files
        assert not re.search(r"\son[a-z]+=", text), path  # no inline event handlers
        assert not re.search(r'(?:src|href)="(?:https?:)?//', text), (
            path
        )  # nothing from another host
    for path in (ROOT / "api" / "static").rglob("*"):
        if path.is_file():
            assert not re.search(r"https?://", path.read_text()), path


def test_hostile_names_render_as_text(app: Any) -> None:
    client = app.test_client()
    for path in (
        "/structures/codelist/IDAC/CL_HOSTILE/1.0",
        "/structures?q=HOSTILE",
        "/structures/codelist",
    ):
        body = client.get(path).get_data(as_text=True)
        assert HOSTILE not in body
        assert "&lt;script&gt;alert(" in body
    login(client, "curadora")
    body = client.get("/curation/codelist/IDAC/CL_HOSTILE/1.0/codes/X").get_data(as_text=True)
    assert HOSTILE not in body
    assert "&lt;script&gt;" in body


def test_language_negotiation_cookie_and_safe_redirect(app: Any) -> None:
    client = app.test_client()
    assert '<html lang="en">' in client.get(
        "/", headers={"Accept-Language": "en-GB,en;q=0.9"}
    ).get_data(as_text=True)
    es = client.get("/", headers={"Accept-Language": "es-PA,es;q=0.9"})
    assert '<html lang="es">' in es.get_data(as_text=True)
    assert es.headers["Content-Language"] == "es"
    assert '<html lang="es">' in client.get("/", headers={"Accept-Language": "de"}).get_data(
        as_text=True
    )
    resp = client.get("/lang/en?next=/structures")
    assert resp.status_code == 303
    assert resp.headers["Location"].endswith("/structures")
    assert "idac_lang=en" in resp.headers["Set-Cookie"]
    body = client.get("/structures", headers={"Accept-Language": "es"}).get_data(as_text=True)
    assert '<html lang="en">' in body  # the remembered choice wins over Accept-Language
    assert ">Structures</h1>" in body
    for target in ("//evil.example/", "https://evil.example/", "/\\evil.example"):
        assert client.get(f"/lang/es?next={target}").headers["Location"].endswith("/")
    assert client.get("/lang/fr").status_code == 404


def test_structure_labels_follow_the_language(app: Any) -> None:
    client = app.test_client()
    es = client.get(
        "/structures/codelist/SDMX/CL_SEX/2.1", headers={"Accept-Language": "es"}
    ).get_data(as_text=True)
    en = client.get(
        "/structures/codelist/SDMX/CL_SEX/2.1", headers={"Accept-Language": "en"}
    ).get_data(as_text=True)
    assert "<h1>Sexo</h1>" in es
    assert "<h1>Sex</h1>" in en


def test_catalogues_are_complete_and_compiled() -> None:
    folder = ROOT / "api" / "translations"
    pot = {msg.id for msg in read_po((folder / "messages.pot").open("rb")) if msg.id}
    for lang in ("es", "en"):
        po = folder / lang / "LC_MESSAGES" / "messages.po"
        catalog = read_po(po.open("rb"), locale=lang)
        ids = {msg.id for msg in catalog if msg.id}
        assert pot <= ids, f"{lang}: untranslated {sorted(map(str, pot - ids))[:5]}"
        empty = [
            msg.id
            for msg in catalog
            if msg.id and not (all(msg.string) if isinstance(msg.string, tuple) else msg.string)
        ]
        assert not empty, f"{lang}: empty translations {empty[:5]}"
        assert po.with_suffix(".mo").exists()


def test_submission_without_javascript(app: Any) -> None:
    client = app.test_client()
    token = csrf(client, "/submit")
    data = {
        "dataflow": "IDAC:DF_IDAC_CORE(1.0)",
        "provider": "PAN_SNM",
        "action": "replace",
        "csrf_token": token,
        "file": ((EXAMPLES / "core-pan-2024-invalid.csv").open("rb"), "core-pan-2024-invalid.csv"),
    }
    resp = client.post("/submit", data=data, content_type="multipart/form-data")
    assert resp.status_code == 303
    report = client.get(resp.headers["Location"], headers={"Accept-Language": "es"}).get_data(
        as_text=True
    )
    for code in ("VAL-301", "VAL-401", "VAL-701", "VAL-711", "VAL-731"):
        assert f'id="rule-{code}"' in report
    assert "no está en la lista de códigos" in report
    assert "/rejected.csv" in report


def test_explorer_never_shows_a_suppressed_value(app: Any) -> None:
    body = (
        app.test_client()
        .get(
            "/explore?flow=IDAC:DF_IDAC_CORE(1.0)&REF_AREA=MEX&COUNTERPART_AREA=CAN",
            headers={"Accept-Language": "en"},
        )
        .get_data(as_text=True)
    )
    table = body[body.index('id="data-table"') :]
    assert 'class="num suppressed"' in table
    assert re.search(r">\s*3\s*<", table) is None  # the small count sent with CONF_STATUS=A
    assert "<svg" in body


def test_curation_and_admin_need_the_right_role(app: Any) -> None:
    client = app.test_client()
    assert client.get("/curation").status_code == 401
    assert client.get("/admin").status_code == 401
    login(client, "curadora")
    assert client.get("/curation").status_code == 200
    assert client.get("/admin").status_code == 403
    # Changes need the session's CSRF token.
    resp = client.post("/curation/codelist/IDAC/CL_HOSTILE/1.0/codes/X", data={"name_en": "Plain"})
    assert resp.status_code == 403
    token = csrf(client, "/curation/codelist/IDAC/CL_HOSTILE/1.0/codes/X")
    resp = client.post(
        "/curation/codelist/IDAC/CL_HOSTILE/1.0/codes/X",
        data={"name_en": "Plain", "name_es": "Simple", "csrf_token": token},
    )
    assert resp.status_code == 303
    api = client.get("/api/structures/codelist/IDAC/CL_HOSTILE/1.0/codes").json
    assert api["codes"][0]["names"] == {"en": "Plain", "es": "Simple"}
