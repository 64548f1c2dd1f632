"""``idac validate DATA_FILE --structure STRUCTURE_FILE_OR_URN``: validate a data file offline.

With a structure *file* (any SDMX structure message holding the DSD, its codelists and constraints:
SDMX-ML 2.1/3.0 or SDMX-JSON 2.0) no server and no database are used.  With a *URN* (a DSD, dataflow
or provision agreement) the structure comes from the local store (``IDAC_DATABASE_URL``).

Exit codes: 0 valid, 1 invalid, 2 unusable input (not an SDMX data message, an SDMX error message, a
structure that cannot be found) or a usage error.  The summary goes to stdout; a progress bar is
drawn on stderr only when stderr is a terminal; ``--report`` writes the JSON report
(``registry.validation.report.ReportSchema``).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from registry.errors import IdacError
from registry.validation.report import Report

EXIT_VALID, EXIT_INVALID, EXIT_UNUSABLE = 0, 1, 2


def summary_lines(report: Report | dict[str, Any], lang: str = "en", *, limit: int = 20) -> list[str]:
    """A short human summary of a report (object or JSON)."""
    data = report.to_dict(lang) if isinstance(report, Report) else report
    es = lang == "es"
    verdict = ("VÁLIDO" if es else "VALID") if data.get("valid") else ("NO VÁLIDO" if es else "INVALID")
    lines = [
        f"{verdict}: {data.get('observations', 0):,} "
        f"{'observaciones' if es else 'observations'}, {data.get('series', 0):,} series, "
        f"{data.get('errors', 0):,} {'errores' if es else 'errors'}, "
        f"{data.get('warnings', 0):,} {'advertencias' if es else 'warnings'}"
        + (f" ({data['structure']})" if data.get("structure") else "")
    ]
    for code, count in (data.get("rules") or {}).items():
        lines.append(f"  {code}: {count:,}")
    for f in (data.get("findings") or [])[:limit]:
        loc = f.get("location") or {}
        where = ", ".join(f"{k}={v}" for k, v in loc.items() if k in ("line", "column", "row", "series_key",
                                                                       "time_period") and v is not None)
        message = (f.get("messages") or {}).get(lang) or f.get("message", "")
        lines.append(f"{f.get('severity', 'error')} {f.get('code')}" + (f" [{where}]" if where else "") + f": {message}")
    more = len(data.get("findings") or []) - limit
    if more > 0:
        lines.append(f"… {more} more findings in the report" if not es else f"… {more} hallazgos más en el informe")
    if data.get("partial"):
        lines.append("Validation stopped early: the file was not checked completely." if not es else
                     "La validación se detuvo antes de tiempo: el archivo no se revisó por completo.")
    return lines


def _structure_source(structure: str, dataflow: str | None) -> tuple[Any, Any, Any]:
    """(resolve, codelists, default) for a structure file or a URN."""
    from registry.submissions.structure import MessageStructures

    path = Path(structure)
    if path.is_file():
        from registry.formats.structures import default_codecs

        message = default_codecs().read(path.read_bytes())
        ms = MessageStructures(message, dataflow)
        return ms.resolve, lambda _st: ms.codelists, ms.default_structure
    if structure.startswith("urn:"):
        from registry.config import load_settings
        from registry.sdmx.refs import Ref
        from registry.store.db import Database
        from registry.submissions.structure import for_reference

        ref = Ref.parse_urn(structure)
        database = Database(load_settings().database_url)
        try:
            with database.sessions() as session:
                resolved = for_reference(session, ref)
        finally:
            database.dispose()
        return (lambda _ref: resolved.structure), (lambda _st: resolved.codelists), (lambda: resolved.structure)
    raise click.UsageError(f"--structure must be a structure file or an SDMX URN: {structure!r} is neither")


def _progress_callback(path: Path) -> tuple[Any, Any]:
    """A progress bar on stderr when it is a terminal (observations read, by bytes of the file)."""
    if not sys.stderr.isatty():
        return None, None
    bar = click.progressbar(length=None, label=f"Validating {path.name}", file=sys.stderr,
                            show_pos=True, item_show_func=lambda n: f"{n:,} obs" if n else "")
    last = [0]

    def update(n: int) -> None:
        bar.update(n - last[0], n)
        last[0] = n

    return bar, update


def register(main: click.Group) -> None:
    """Add ``idac validate`` to the command line."""

    @main.command("validate")
    @click.argument("data_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--structure", "structure", required=True, metavar="FILE_OR_URN",
                  help="SDMX structure message with the DSD, codelists and constraints, or a URN in the local store.")
    @click.option("--dataflow", default=None, help="Dataflow (id or AGENCY:ID(VERSION)) when the structure holds several.")
    @click.option("--report", "report_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
                  help="Write the JSON report to this file.")
    @click.option("--lang", type=click.Choice(["en", "es"]), default="en", show_default=True,
                  help="Language of messages.")
    @click.option("--rules", "rules_path", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
                  help="Content rules file (TOML); default: dsd/idac-rules.toml for IDAC structures.")
    @click.option("--max-size", type=int, default=2 * 1024 ** 3, show_default=True,
                  help="Largest decompressed size accepted (bytes).")
    def validate(data_file: Path, structure: str, dataflow: str | None, report_path: Path | None, lang: str,
                 rules_path: Path | None, max_size: int) -> None:
        """Validate DATA_FILE offline; exit 0 valid, 1 invalid, 2 unusable input."""
        from registry.submissions.pipeline import is_unusable, validate_file
        from registry.validation import load_rules

        try:
            resolve, codelists, default = _structure_source(structure, dataflow)
            rules = load_rules(rules_path) if rules_path else None
        except IdacError as exc:
            click.echo(f"error: {exc.message}", err=True)
            sys.exit(EXIT_UNUSABLE)
        content = Path(__file__).resolve().parents[2]
        bar, update = _progress_callback(data_file)
        try:
            result = validate_file(data_file, resolve, codelists, default=default, max_size=max_size,
                                   content_path=content, rules=rules, progress=update)
        finally:
            if bar is not None:
                bar.render_finish()
        report = result.report
        data = report.to_dict(lang)
        if report_path is not None:
            report_path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
        if is_unusable(report):
            click.echo(f"error: {data['findings'][0]['message']}", err=True)
            sys.exit(EXIT_UNUSABLE)
        if result.format_name:
            click.echo(f"{data_file.name}: {result.format_name}")
        for line in summary_lines(data, lang):
            click.echo(line)
        sys.exit(EXIT_VALID if report.valid else EXIT_INVALID)
