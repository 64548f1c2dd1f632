"""Every link reachable from the home page answers without a server error (test client).

The crawler follows the links of every HTML page of the interface, as an anonymous reader (in
Spanish and English) and signed in as an administrator (who also sees curation and administration).
Links into the APIs (``/sdmx``, ``/api``, ``/auth``) are requested and checked, not followed.
"""

from __future__ import annotations

import re
import tempfile
from collections import deque
from collections.abc import Iterator
from html import unescape
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest

from tests.ui.conftest import PASSWORD, add_user, close_app, load_examples, new_app

_HREF = re.compile(r'(?:href|src|action)="([^"]+)"')
_API = ("/sdmx/", "/api/", "/auth/")
LIMIT = 5000


@pytest.fixture(scope="module")
def crawl_app() -> Iterator[Any]:
    with tempfile.TemporaryDirectory(prefix="idac-crawl-") as tmp:
        app, handle = new_app(Path(tmp))
        load_examples(app)
        client = app.test_client()
        resp = client.post(
            "/api/submissions?dataflow=IDAC:DF_IDAC_CORE(1.0)&provider=PAN_SNM",
            data=(
                Path(__file__).resolve().parents[2] / "examples" / "core-pan-2024-invalid.csv"
            ).read_bytes(),
            content_type="text/csv",
        )
        assert resp.json["status"] == "rejected"
        add_user(app, "admin1", ("admin", None))
        yield app
        close_app(app, handle)


def crawl(
    client: Any, headers: dict[str, str]
) -> tuple[dict[str, int], list[tuple[str, int, str]]]:
    """Breadth-first crawl from ``/``; returns the status of every URL and the server errors."""
    seen: dict[str, int] = {}
    errors: list[tuple[str, int, str]] = []
    queue = deque(["/"])
    while queue:
        url = queue.popleft()
        if url in seen:
            continue
        assert len(seen) < LIMIT, (
            f"more than {LIMIT} distinct URLs: the crawl does not converge ({url})"
        )
        resp = client.get(url, headers=headers)
        body = resp.get_data(as_text=True)  # consumes streamed answers before closing them
        resp.close()
        seen[url] = resp.status_code
        if resp.status_code >= 500:
            errors.append((url, resp.status_code, body[:300]))
            continue
        if resp.mimetype != "text/html" or url.startswith(_API) or resp.status_code >= 300:
            continue
        for raw in _HREF.findall(body):
            target = urlsplit(urljoin("http://localhost" + url, unescape(raw)))
            if target.netloc != "localhost" or target.scheme not in ("http", "https"):
                continue
            path = target.path + (f"?{target.query}" if target.query else "")
            if path.startswith(("/logout", "/lang/")) or path in seen:
                continue
            queue.append(path)
    return seen, errors


@pytest.mark.parametrize("lang", ["es", "en"])
def test_no_server_error_for_anonymous_readers(crawl_app: Any, lang: str) -> None:
    seen, errors = crawl(crawl_app.test_client(), {"Accept-Language": lang})
    assert not errors, errors
    pages = [u for u in seen if not u.startswith(_API)]
    assert len(pages) > 50  # home, structures, every artefact, history, explorer, submit, reports…
    assert any(u.startswith("/structures/datastructure/") for u in seen)
    assert any(u.startswith("/submit/") for u in seen)
    assert any(u.startswith("/explore") for u in seen)
    assert not any(u.startswith(("/curation", "/admin")) for u in seen)


def test_no_server_error_for_an_administrator(crawl_app: Any) -> None:
    client = crawl_app.test_client()
    login = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', login.get_data(as_text=True)).group(1)
    resp = client.post(
        "/login",
        data={"username": "admin1", "password": PASSWORD, "csrf_token": token, "next": "/"},
    )
    assert resp.status_code == 303
    seen, errors = crawl(client, {"Accept-Language": "es"})
    assert not errors, errors
    assert any(u.startswith("/curation/codelist/") for u in seen)
    assert seen.get("/admin") == 200
