"""Authentication over HTTP: bearer tokens, sessions, CSRF, throttling, cookie flags, 401 vs 403."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import update

from registry.store.base import utcnow
from registry.store.models_auth import ApiToken
from tests.auth.helpers import PASSWORD, add_user, bearer, codelist, login, message
from tests.conftest import make_test_app


def audit_entries(app: Any, **filters: str) -> list[dict[str, Any]]:
    from registry import audit

    with app.extensions["idac.db"].transaction() as s:
        return [audit.as_dict(e) for e in audit.query(s, limit=1000, **filters)]


def test_anonymous_is_a_reader(client: Any) -> None:
    me = client.get("/auth/me").json
    assert me["name"] == "anonymous"
    assert me["authenticated"] is False
    assert me["roles"] == ["reader"]


def test_bearer_token_authenticates(app: Any, client: Any) -> None:
    token = add_user(app, "cur", ("curator", "IDAC"))
    me = client.get("/auth/me", headers=bearer(token)).json
    assert me["name"] == "cur"
    assert me["method"] == "token"
    assert me["grants"] == [{"role": "curator", "scope": "IDAC"}]


def test_bad_tokens_are_401_with_a_challenge(app: Any, client: Any) -> None:
    for headers in (
        {"Authorization": "Bearer idac_nope"},
        {"Authorization": "Basic dXNlcjpwdw=="},
        {"Authorization": "Bearer "},
    ):
        resp = client.get("/auth/me", headers=headers)
        assert resp.status_code == 401
        assert resp.headers["WWW-Authenticate"].startswith('Bearer realm="IDAC"')
    failures = audit_entries(app, action="token.use", outcome="failure")
    assert [f["details"]["reason"] for f in failures] == ["unknown"]


def test_a_bad_token_is_401_even_on_public_reads(app: Any, client: Any) -> None:
    assert (
        client.get("/sdmx/rest/codelist", headers={"Authorization": "Bearer wrong"}).status_code
        == 401
    )


def test_revocation_is_immediate(app: Any, client: Any) -> None:
    admin = bearer(add_user(app, "admin", ("admin", None)))
    token = add_user(app, "cur", ("curator", "IDAC"))
    assert (
        client.post(
            "/sdmx/v2/structure", data=message(codelist()), headers=bearer(token)
        ).status_code
        == 201
    )
    tokens = client.get("/api/admin/users/cur/tokens", headers=admin).json["tokens"]
    assert client.delete(f"/api/admin/tokens/{tokens[0]['id']}", headers=admin).status_code == 200
    resp = client.post("/sdmx/v2/structure", data=message(codelist("CL_2")), headers=bearer(token))
    assert resp.status_code == 401
    assert 'error="invalid_token"' in resp.headers["WWW-Authenticate"]
    assert b"revoked" in resp.data


def test_expired_token_is_401(app: Any, client: Any) -> None:
    token = add_user(app, "cur", ("curator", "IDAC"))
    with app.extensions["idac.db"].transaction() as s:
        s.execute(update(ApiToken).values(expires_at=utcnow() - timedelta(seconds=1)))
    resp = client.get("/auth/me", headers=bearer(token))
    assert resp.status_code == 401
    assert b"expired" in resp.data
    assert (
        audit_entries(app, action="token.use", outcome="failure")[0]["details"]["reason"]
        == "expired"
    )


def test_deactivated_user_token_stops_working(app: Any, client: Any) -> None:
    admin = bearer(add_user(app, "admin", ("admin", None)))
    token = add_user(app, "cur", ("curator", "IDAC"))
    assert (
        client.patch("/api/admin/users/cur", json={"active": False}, headers=admin).status_code
        == 200
    )
    assert client.get("/auth/me", headers=bearer(token)).status_code == 401


def test_401_versus_403(app: Any, client: Any) -> None:
    reader = bearer(add_user(app, "reader", ("reader", None)))
    assert client.get("/api/audit").status_code == 401
    assert client.get("/api/audit", headers=reader).status_code == 403
    assert client.get("/api/admin/users").status_code == 401
    assert client.get("/api/admin/users", headers=reader).status_code == 403


def test_submitter_cannot_write_structures(app: Any, client: Any) -> None:
    token = bearer(add_user(app, "pan", ("submitter", "PAN_SNM")))
    resp = client.post("/sdmx/v2/structure", data=message(codelist()), headers=token)
    assert resp.status_code == 403
    assert (
        client.post(
            "/api/structures/codelist/IDAC/CL_TEST/1.0/codes",
            json={"id": "X", "names": {"en": "x"}},
            headers=token,
        ).status_code
        == 403
    )


def test_token_use_is_audited(app: Any, client: Any) -> None:
    token = add_user(app, "cur", ("curator", "IDAC"))
    client.get("/auth/me", headers=bearer(token))
    client.get("/auth/me", headers=bearer(token))  # a read within a minute: not audited again
    client.post("/sdmx/v2/structure", data=message(codelist()), headers=bearer(token))
    uses = audit_entries(app, action="token.use")
    assert len(uses) == 2
    assert {u["actor"] for u in uses} == {"cur"}
    assert uses[0]["message"] == "POST /sdmx/v2/structure"


def test_login_session_and_logout(app: Any, client: Any) -> None:
    add_user(app, "cur", ("curator", "IDAC"))
    csrf = login(client, "cur")
    assert client.get("/auth/me").json["method"] == "session"
    resp = client.post(
        "/sdmx/v2/structure", data=message(codelist()), headers={"X-CSRF-Token": csrf}
    )
    assert resp.status_code == 201
    assert client.post("/auth/logout", headers={"X-CSRF-Token": csrf}).status_code == 200
    assert client.get("/auth/me").json["name"] == "anonymous"
    actions = [e["action"] for e in audit_entries(app, actor="cur")]
    assert "auth.login" in actions
    assert "auth.logout" in actions
    assert "structure.create" in actions


def test_csrf_is_required_on_session_authenticated_changes(app: Any, client: Any) -> None:
    add_user(app, "cur", ("curator", "IDAC"))
    csrf = login(client, "cur")
    resp = client.post("/sdmx/v2/structure", data=message(codelist()))
    assert resp.status_code == 403
    assert b"CSRF" in resp.data
    resp = client.post(
        "/sdmx/v2/structure", data=message(codelist()), headers={"X-CSRF-Token": csrf + "x"}
    )
    assert resp.status_code == 403
    assert client.post("/auth/logout").status_code == 403
    # Reads need no token; bearer requests are exempt (no ambient credentials).
    assert client.get("/auth/me").status_code == 200


def test_login_itself_needs_the_csrf_token(app: Any, client: Any) -> None:
    add_user(app, "cur", ("curator", "IDAC"))
    resp = client.post("/auth/login", json={"username": "cur", "password": PASSWORD})
    assert resp.status_code == 403


def test_wrong_password_is_401_and_audited(app: Any, client: Any) -> None:
    add_user(app, "cur", ("curator", "IDAC"))
    csrf = client.get("/auth/csrf").json["csrfToken"]
    for name in ("cur", "nobody"):
        resp = client.post(
            "/auth/login",
            json={"username": name, "password": "wrong password!"},
            headers={"X-CSRF-Token": csrf},
        )
        assert resp.status_code == 401
        assert resp.json["errors"][0]["title"] == "Wrong user name or password"
    failed = audit_entries(app, action="auth.login", outcome="failure")
    assert sorted(f["target"] for f in failed) == ["cur", "nobody"]
    assert all(f["clientIp"] == "127.0.0.1" for f in failed)


def test_login_body_is_validated(app: Any, client: Any) -> None:
    csrf = client.get("/auth/csrf").json["csrfToken"]
    resp = client.post("/auth/login", json={"username": "cur"}, headers={"X-CSRF-Token": csrf})
    assert resp.status_code == 422
    assert resp.json["errors"][0]["detail"]["fields"] == {
        "password": ["Missing data for required field."]
    }
    resp = client.post(
        "/auth/login", data="[]", content_type="application/json", headers={"X-CSRF-Token": csrf}
    )
    assert resp.status_code == 400


def test_login_is_throttled_per_address(app: Any, client: Any) -> None:
    app.config["IDAC_LOGIN_RATE"] = "3 per minute"
    add_user(app, "cur", ("curator", "IDAC"))
    csrf = client.get("/auth/csrf").json["csrfToken"]
    codes = [
        client.post(
            "/auth/login",
            json={"username": "cur", "password": "wrong password!"},
            headers={"X-CSRF-Token": csrf},
        ).status_code
        for _ in range(5)
    ]
    assert codes == [401, 401, 401, 429, 429]
    # Even the right password is refused while throttled.
    resp = client.post(
        "/auth/login",
        json={"username": "cur", "password": PASSWORD},
        headers={"X-CSRF-Token": csrf},
    )
    assert resp.status_code == 429


def test_login_is_throttled_per_account_across_addresses(app: Any, client: Any) -> None:
    app.config["IDAC_LOGIN_MAX_FAILURES"] = 3
    add_user(app, "cur", ("curator", "IDAC"))
    codes = []
    for n in range(5):
        env = {"REMOTE_ADDR": f"10.0.0.{n}"}
        csrf = client.get("/auth/csrf", environ_base=env).json["csrfToken"]
        codes.append(
            client.post(
                "/auth/login",
                json={"username": "cur", "password": "wrong password!"},
                headers={"X-CSRF-Token": csrf},
                environ_base=env,
            ).status_code
        )
    assert codes == [401, 401, 401, 429, 429]
    resp = client.post(
        "/auth/login",
        json={"username": "cur", "password": PASSWORD},
        headers={"X-CSRF-Token": client.get("/auth/csrf").json["csrfToken"]},
    )
    assert resp.status_code == 429
    assert 890 <= int(resp.headers["Retry-After"]) <= 900


def test_password_change_ends_sessions(app: Any, client: Any) -> None:
    admin = bearer(add_user(app, "admin", ("admin", None)))
    add_user(app, "cur", ("curator", "IDAC"))
    login(client, "cur")
    other = app.test_client()
    assert (
        other.patch(
            "/api/admin/users/cur", json={"password": "a brand new passphrase"}, headers=admin
        ).status_code
        == 200
    )
    assert client.get("/auth/me").json["name"] == "anonymous"


def test_session_cookie_flags_in_testing(app: Any, client: Any) -> None:
    add_user(app, "cur", ("curator", "IDAC"))
    csrf = client.get("/auth/csrf").json["csrfToken"]
    resp = client.post(
        "/auth/login",
        json={"username": "cur", "password": PASSWORD},
        headers={"X-CSRF-Token": csrf},
    )
    cookie = resp.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie


def test_session_cookie_is_secure_outside_testing(db_url: str, tmp_path: Path) -> None:
    app = make_test_app(db_url, tmp_path / "prod", testing=False)
    try:
        resp = app.test_client().get("/auth/csrf")
        cookie = resp.headers["Set-Cookie"]
        assert "Secure" in cookie
        assert "HttpOnly" in cookie
        assert "SameSite=Lax" in cookie
    finally:
        app.extensions["idac.db"].dispose()


def test_self_service_tokens(app: Any, client: Any) -> None:
    token = add_user(app, "cur", ("curator", "IDAC"))
    resp = client.post(
        "/auth/tokens", json={"label": "laptop", "expiresDays": 7}, headers=bearer(token)
    )
    assert resp.status_code == 201
    new = resp.json
    assert new["token"].startswith("idac_")
    assert new["expiresAt"]
    listed = client.get("/auth/tokens", headers=bearer(new["token"])).json["tokens"]
    assert {t["label"] for t in listed} == {"laptop", None}
    assert all("token" not in t for t in listed)
    assert client.delete(f"/auth/tokens/{new['id']}", headers=bearer(token)).status_code == 200
    assert client.get("/auth/me", headers=bearer(new["token"])).status_code == 401
    resp = client.post("/auth/tokens", json={"expiresDays": -1}, headers=bearer(token))
    assert resp.status_code == 422
    assert "expiresDays" in resp.json["errors"][0]["detail"]["fields"]


def test_admin_manages_users(app: Any, client: Any) -> None:
    admin = bearer(add_user(app, "admin", ("admin", None)))
    resp = client.post(
        "/api/admin/users",
        json={
            "name": "pan",
            "password": "long enough password",
            "grants": [{"role": "submitter", "scope": "PAN_SNM"}],
        },
        headers=admin,
    )
    assert resp.status_code == 201
    assert resp.json["grants"] == [{"role": "submitter", "scope": "PAN_SNM"}]
    assert "password" not in resp.json
    assert client.post("/api/admin/users", json={"name": "pan"}, headers=admin).status_code == 409
    bad = client.post(
        "/api/admin/users", json={"name": "x", "grants": [{"role": "curator"}]}, headers=admin
    )
    assert bad.status_code == 422
    bad = client.post(
        "/api/admin/users", json={"name": "y", "grants": [{"role": "boss"}]}, headers=admin
    )
    assert bad.status_code == 422
    assert "grants" in bad.json["errors"][0]["detail"]["fields"]
    short = client.post("/api/admin/users", json={"name": "z", "password": "short"}, headers=admin)
    assert short.status_code == 422
    issued = client.post("/api/admin/users/pan/tokens", json={}, headers=admin).json
    me = client.get("/auth/me", headers=bearer(issued["token"])).json
    assert me["name"] == "pan"
    changes = [e["action"] for e in audit_entries(app, actor="admin")]
    assert "user.create" in changes
    assert "token.issue" in changes
