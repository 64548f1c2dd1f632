"""``idac users``: add, token, revoke, list — and the tokens work over HTTP."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from registry.cli import main
from tests.auth.helpers import bearer
from tests.conftest import make_test_app


@pytest.fixture
def env(db_url: str, tmp_path: Path) -> dict[str, str]:
    return {
        "IDAC_DATABASE_URL": db_url,
        "IDAC_INSTANCE_PATH": str(tmp_path / "instance"),
        "IDAC_SEED_CONTENT": "false",
        "IDAC_SECRET_KEY": "test",
    }


def idac(env: dict[str, str], *args: str, stdin: str | None = None) -> Any:
    return CliRunner().invoke(main, list(args), env=env, input=stdin)


def test_add_token_list_revoke(env: dict[str, str], db_url: str, tmp_path: Path) -> None:
    res = idac(
        env,
        "users",
        "add",
        "pan",
        "--role",
        "submitter",
        "--provider",
        "PAN_SNM",
        "--password-stdin",
        stdin="a long enough password\n",
    )
    assert res.exit_code == 0, res.output
    res = idac(env, "users", "token", "pan", "--expires", "7")
    assert res.exit_code == 0, res.output
    token = res.output.strip().splitlines()[-1]
    assert token.startswith("idac_")
    assert " " not in token
    listing = idac(env, "users", "list").output
    assert "pan" in listing
    assert "submitter:PAN_SNM" in listing
    assert "tok_" in listing

    app = make_test_app(db_url, tmp_path / "app")
    try:
        client = app.test_client()
        me = client.get("/auth/me", headers=bearer(token)).json
        assert me["name"] == "pan"
        assert me["grants"] == [{"role": "submitter", "scope": "PAN_SNM"}]
        res = idac(env, "users", "revoke", "pan")
        assert res.exit_code == 0
        assert "revoked 1 token(s)" in res.output
        assert client.get("/auth/me", headers=bearer(token)).status_code == 401
    finally:
        app.extensions["idac.db"].dispose()


def test_prompted_password_and_token_id_revocation(env: dict[str, str]) -> None:
    res = idac(
        env,
        "users",
        "add",
        "cur",
        "--role",
        "curator",
        "--agency",
        "IDAC",
        stdin="a long enough password\na long enough password\n",
    )
    assert res.exit_code == 0, res.output
    first = idac(env, "users", "token", "cur").output.strip().splitlines()
    token_id = first[0].split()[1]
    assert token_id.startswith("tok_")
    res = idac(env, "users", "revoke", token_id)
    assert res.exit_code == 0
    assert token_id in res.output
    assert "tokens: -" in idac(env, "users", "list").output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("users", "add", "x", "--role", "curator", "--no-password"), "needs an agency"),
        (("users", "add", "x", "--role", "boss", "--no-password"), "Invalid value"),
        (
            ("users", "add", "x", "--role", "submitter", "--agency", "IDAC", "--no-password"),
            "use --provider",
        ),
        (("users", "add", "anonymous", "--role", "admin", "--no-password"), "reserved"),
        (("users", "token", "nobody"), "No user"),
        (("users", "revoke", "tok_000000000000"), "No token"),
    ],
)
def test_refusals(env: dict[str, str], args: tuple[str, ...], message: str) -> None:
    res = idac(env, *args)
    assert res.exit_code != 0
    assert message in res.output + (res.stderr if hasattr(res, "stderr") else "")


def test_short_password_is_refused(env: dict[str, str]) -> None:
    res = idac(env, "users", "add", "x", "--role", "admin", "--password-stdin", stdin="short\n")
    assert res.exit_code == 1
    assert "at least 10" in res.output + res.stderr
