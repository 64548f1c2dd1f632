"""``idac users``: manage accounts and API tokens from the server's shell.

    idac users add NAME --role curator --agency IDAC        # prompts for a password
    idac users add NAME --role submitter --provider PAN_SNM --password-stdin < pw.txt
    idac users add NAME --role admin --no-password          # token-only account
    idac users token NAME [--expires DAYS] [--label TEXT]   # the token alone on the last line
    idac users revoke NAME|TOKEN_ID                         # a user's tokens, or one token
    idac users list

Every change is written to the audit log with actor ``cli``.  Exit code 1 on refusal (unknown user,
invalid role or password) with the reason on stderr.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import click
from sqlalchemy.orm import Session

from registry.audit import AuditContext
from registry.errors import IdacError

_CTX = AuditContext(actor="cli")


@contextmanager
def _transaction() -> Iterator[Session]:
    from registry.config import load_settings
    from registry.store import migrate
    from registry.store.db import Database

    database = Database(load_settings().database_url)
    try:
        migrate.upgrade(database.engine)
        with database.transaction() as session:
            yield session
    finally:
        database.dispose()


def _run(action: Callable[[Session], Any]) -> Any:
    try:
        with _transaction() as session:
            return action(session)
    except IdacError as exc:
        fields = exc.details.get("fields") if exc.details else None
        click.echo(f"error: {exc.message}" + (f" {fields}" if fields else ""), err=True)
        sys.exit(1)


@click.group("users")
def users() -> None:
    """Accounts, roles and API tokens."""


@users.command("add")
@click.argument("name")
@click.option(
    "--role", required=True, type=click.Choice(["admin", "curator", "submitter", "reader"])
)
@click.option("--agency", help="Maintenance agency a curator works for (or * for all).")
@click.option("--provider", help="Data provider a submitter reports for (or * for all).")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.option("--no-password", is_flag=True, help="A token-only account (no browser login).")
@click.option("--display-name", default=None)
@click.option("--email", default=None)
def add(
    name: str,
    role: str,
    agency: str | None,
    provider: str | None,
    password_stdin: bool,
    no_password: bool,
    display_name: str | None,
    email: str | None,
) -> None:
    """Create the account NAME with one role (more grants: the admin API)."""
    from registry import audit
    from registry.auth import accounts, passwords

    if agency and provider:
        raise click.UsageError("give --agency (curators) or --provider (submitters), not both")
    scope = (
        agency if role == "curator" else provider if role == "submitter" else (agency or provider)
    )
    if role == "curator" and provider:
        raise click.UsageError("a curator works for an agency: use --agency")
    if role == "submitter" and agency:
        raise click.UsageError("a submitter reports for a data provider: use --provider")
    password: str | None = None
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    elif not no_password:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    if password is not None:
        try:
            passwords.check_policy(password)
        except IdacError as exc:
            click.echo(f"error: {exc.message}", err=True)
            sys.exit(1)

    def create(session: Session) -> None:
        user = accounts.create_user(
            session,
            name,
            password=password,
            grants=[(role, scope)],
            display_name=display_name,
            email=email,
        )
        audit.record(
            session,
            _CTX,
            "user.create",
            target=user.name,
            details={"grants": [[g.role, g.scope] for g in user.grants]},
        )

    _run(create)
    click.echo(f"created {name} ({role}{' ' + scope if scope else ''})")


@users.command("token")
@click.argument("name")
@click.option(
    "--expires",
    "expires",
    type=int,
    default=90,
    show_default=True,
    help="Days until the token expires (0: never).",
)
@click.option("--label", default=None, help="What the token is for.")
def token(name: str, expires: int, label: str | None) -> None:
    """Issue an API token to NAME; the token is printed once, alone on the last line."""
    from registry import audit
    from registry.auth import accounts, tokens

    def issue(session: Session) -> tokens.IssuedToken:
        user = accounts.get_user(session, name)
        issued = tokens.issue_token(session, user, expires_days=expires, label=label)
        audit.record(
            session,
            _CTX,
            "token.issue",
            target=issued.token_id,
            message=f"token for {user.name}",
            details={"user": user.name, "expiresDays": expires},
        )
        return issued

    issued = _run(issue)
    until = issued.expires_at.strftime("%Y-%m-%d") if issued.expires_at else "never"
    click.echo(
        f"token {issued.token_id} for {name}, expires {until}; store it now, it is not shown again:"
    )
    click.echo(issued.secret)


@users.command("revoke")
@click.argument("target")
def revoke(target: str) -> None:
    """Revoke one token (TOKEN_ID, e.g. tok_…) or every token of a user (NAME)."""
    from registry import audit
    from registry.auth import accounts, tokens

    def do(session: Session) -> list[str]:
        if target.startswith("tok_"):
            row = tokens.revoke_token(session, target)
            revoked = [row.token_id]
            who = row.user.name
        else:
            user = accounts.get_user(session, target)
            revoked = tokens.revoke_user_tokens(session, user)
            who = user.name
        for tid in revoked:
            audit.record(session, _CTX, "token.revoke", target=tid, details={"user": who})
        return revoked

    revoked = _run(do)
    click.echo(f"revoked {len(revoked)} token(s)" + (f": {', '.join(revoked)}" if revoked else ""))


@users.command("list")
def list_users() -> None:
    """Accounts with their roles and live tokens."""
    from registry.auth import accounts, tokens

    def rows(session: Session) -> list[str]:
        out = []
        for user in accounts.list_users(session):
            grants = (
                ", ".join(f"{g.role}{':' + g.scope if g.scope else ''}" for g in user.grants)
                or "reader"
            )
            live = [
                t.token_id
                for t in tokens.list_tokens(session, user)
                if tokens.token_state(t) == "active"
            ]
            state = "" if user.is_active else " [inactive]"
            out.append(f"{user.name}{state}\t{grants}\ttokens: {', '.join(live) or '-'}")
        return out

    for line in _run(rows):
        click.echo(line)


def register(main: click.Group) -> None:
    """Attach ``idac users`` to the command line."""
    main.add_command(users)
