"""``idac submit FILE --url URL --dataflow FLOW --provider ID``: send a data file to a registry.

The file is streamed to ``POST {url}/api/submissions`` (standard library ``urllib``, no extra
dependency), then the submission is polled until it is done and the summary is printed.  Exit codes
are those of ``idac validate``: 0 valid and loaded, 1 invalid (rejected, or loaded partially), 2
unusable input, a refused request, a failed submission or a usage error.  ``--token`` is sent as
``Authorization: Bearer …`` for registries that require it.
"""

from __future__ import annotations

import json
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import click

from registry.commands.validate import EXIT_INVALID, EXIT_UNUSABLE, EXIT_VALID, summary_lines


class SubmitError(Exception):
    """The registry refused the request or could not be reached."""


def _request(url: str, *, token: str | None, data: Any = None, headers: dict[str, str] | None = None,
             method: str = "GET", timeout: float = 300) -> tuple[int, dict[str, str], Any]:
    hdrs = {"Accept": "application/json", **(headers or {})}
    if token:
        hdrs["Authorization"] = f"Bearer {token}"
    req = urllib.request.Request(url, data=data, headers=hdrs, method=method)  # noqa: S310 - user-given URL
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310
            return resp.status, dict(resp.headers), json.loads(resp.read() or b"{}")
    except urllib.error.HTTPError as exc:
        body = exc.read()
        try:
            errors = json.loads(body).get("errors") or []
            message = "; ".join(str(e.get("title")) for e in errors) or body.decode(errors="replace")[:500]
        except ValueError:
            message = body.decode(errors="replace")[:500]
        raise SubmitError(f"HTTP {exc.code}: {message}") from None
    except urllib.error.URLError as exc:
        raise SubmitError(f"cannot reach {url}: {exc.reason}") from None


def submit_file(path: Path, base_url: str, *, dataflow: str, provider: str | None, action: str, partial: bool,
                embargo: str | None, token: str | None, poll: float = 1.0, timeout: float = 6 * 3600,
                on_progress: Any = None) -> dict[str, Any]:
    """Send ``path`` and wait for the outcome; returns the final submission description."""
    params = {"dataflow": dataflow, "action": action}
    if provider:
        params["provider"] = provider
    if partial:
        params["partial"] = "true"
    if embargo:
        params["embargo"] = embargo
    base = base_url.rstrip("/")
    url = f"{base}/api/submissions?{urllib.parse.urlencode(params)}"
    with path.open("rb") as fh:
        _status, headers, body = _request(url, token=token, data=fh, method="POST", headers={
            "Content-Type": "application/octet-stream", "Content-Length": str(path.stat().st_size)})
    location = headers.get("Location") or body.get("url")
    if not location:
        raise SubmitError("the registry answered without the submission's location")
    status_url = urllib.parse.urljoin(base + "/", location)
    deadline = time.monotonic() + timeout
    delay = min(poll, 0.2)
    while not body.get("done") or "report" not in body and body.get("status") != "failed":
        if time.monotonic() > deadline:
            raise SubmitError(f"submission {body.get('id')} is still {body.get('status')} after {timeout:.0f} s")
        time.sleep(delay)
        delay = min(delay * 1.5, max(poll, 5.0))
        _status, _h, body = _request(status_url, token=token)
        if on_progress is not None:
            on_progress(body)
        if body.get("status") == "failed":
            break
    return body  # type: ignore[no-any-return]


def exit_code(body: dict[str, Any]) -> int:
    """The exit code for a final submission."""
    report = body.get("report") or {}
    if body.get("status") == "failed" or "VAL-101" in (report.get("rules") or {}):
        return EXIT_UNUSABLE
    if body.get("status") == "loaded" and report.get("valid"):
        return EXIT_VALID
    return EXIT_INVALID


def register(main: click.Group) -> None:
    """Add ``idac submit`` to the command line."""

    @main.command("submit")
    @click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--url", required=True, envvar="IDAC_URL", help="Base URL of the registry, e.g. https://idac.example.org")
    @click.option("--token", envvar="IDAC_TOKEN", default=None, help="API token (sent as a Bearer token).")
    @click.option("--dataflow", required=True, help="AGENCY:ID(VERSION), e.g. IDAC:DF_IDAC_CORE(1.0).")
    @click.option("--provider", default=None, help="Data provider id, e.g. PAN_SNM.")
    @click.option("--action", type=click.Choice(["replace", "merge", "delete"]), default="replace", show_default=True)
    @click.option("--partial", is_flag=True, help="Load the valid observations even if some are rejected.")
    @click.option("--embargo", default=None, help="ISO 8601 date-time before which the data are not published.")
    @click.option("--lang", type=click.Choice(["en", "es"]), default="en", show_default=True)
    def submit(file: Path, url: str, token: str | None, dataflow: str, provider: str | None, action: str,
               partial: bool, embargo: str | None, lang: str) -> None:
        """Send FILE to the registry, wait for validation and loading, print the summary."""
        tty = sys.stderr.isatty()

        def show(body: dict[str, Any]) -> None:
            if tty:
                p = body.get("progress") or {}
                click.echo(f"\r{body.get('status')}: {p.get('observations_read', 0):,} observations read",
                           err=True, nl=False)

        try:
            body = submit_file(file, url, dataflow=dataflow, provider=provider, action=action, partial=partial,
                               embargo=embargo, token=token, on_progress=show)
        except SubmitError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(EXIT_UNUSABLE)
        if tty:
            click.echo("", err=True)
        click.echo(f"submission {body.get('id')}: {body.get('status')} ({urllib.parse.urljoin(url.rstrip('/') + '/', body.get('url', ''))})")
        if body.get("error"):
            click.echo(f"error: {body['error']}", err=True)
        report = body.get("report")
        if report:
            if lang == "es":
                report = {**report, "findings": [{**f, "message": (f.get("messages") or {}).get("es", f.get("message"))}
                                                 for f in report.get("findings") or []]}
            for line in summary_lines(report, lang):
                click.echo(line)
        sys.exit(exit_code(body))
