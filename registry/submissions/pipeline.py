"""The submission pipeline: open upload -> detect format -> resolve structure -> validate -> load.

Two passes over the stored upload, both streaming (memory does not grow with the file):

1. **Validate** (``validate_file``): the upload is unwrapped (gzip/zip, with the decompression limit),
   its reader is chosen from the content, the reader asks for the structure it needs and the
   ``Validator`` runs its checks over the chunks.  Anything that makes the file unusable (not SDMX, an
   SDMX error message, too large once decompressed, a structure that cannot be resolved) becomes a
   ``VAL-101`` finding of a partial report, so every outcome is a report with a location.
2. **Load** (``load_file``): only when the report is valid (or, for partial submissions, when the file
   was read to the end): the stored file is read again and the ``Loader`` writes the observations in
   the caller's transaction, skipping the rejected ones (their ordinals are in the report's bitmap).

``process_submission`` runs both for one ``submission`` row and keeps its state (status, progress,
report, error) up to date in short transactions of their own, while the load has one transaction of
its own: a crash or a kill during loading rolls it back, and the recovery step of
``registry.submissions.jobs`` marks the row failed.  Nothing here knows about HTTP or threads.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from itertools import chain
from pathlib import Path
from typing import Any

from sqlalchemy import update

from registry.config import Settings
from registry.errors import IdacError, MessageSyntaxError, is_out_of_space
from registry.formats.base import DataChunk, ResolvedStructure, StructureResolver
from registry.sdmx.model import Codelist
from registry.sdmx.refs import Ref
from registry.store.base import utcnow
from registry.store.data_models import Submission
from registry.store.db import Database
from registry.submissions.detect import open_data
from registry.submissions.loader import Loader, LoadStats
from registry.submissions.structure import for_submission
from registry.validation import ValidationOptions, Validator, load_rules
from registry.validation.findings import CATALOGUE, Finding
from registry.validation.report import Report
from registry.validation.rules import RuleSet
from registry.aggregation.compute import on_submission_loaded
from registry.harmonisation.lookup import harmonise
from registry.structures.resolve import resolve_structure

#: Maps a stream of chunks into the target structure (harmonisation of national data).
ChunkTransform = Callable[[Iterator[DataChunk]], Iterator[DataChunk]]

log = logging.getLogger("idac.submissions")

#: Terminal states of a submission.
DONE = frozenset({"loaded", "rejected", "failed"})
#: Rules that do not apply to deletions: a delete names keys (empty dimensions are wildcards) and
#: needs neither values nor attributes; a wildcard key may touch an excluded region, where nothing is
#: stored anyway.  The allowed regions (VAL-401/403) still apply, and the loader only closes the
#: provider's own observations.
_DELETE_RELAXED = ("VAL-202", "VAL-205", "VAL-402", "VAL-404", "VAL-501", "VAL-502", "VAL-503", "VAL-504",
                   "VAL-601", "VAL-602")

Progress = Callable[[int], None]


# --- rules and options -----------------------------------------------------------------------------


@lru_cache(maxsize=8)
def _load_rules_cached(path: str, mtime: float) -> RuleSet:
    return load_rules(path)


def rules_for(structure: ResolvedStructure, content_path: Path | None) -> RuleSet | None:
    """The IDAC content rules (``dsd/idac-rules.toml``) for IDAC structures; None for others."""
    if content_path is None or structure.dsd.agency != "IDAC":
        return None
    path = Path(content_path) / "dsd" / "idac-rules.toml"
    if not path.exists():
        return None
    return _load_rules_cached(str(path), path.stat().st_mtime)


def validation_options(action: str, rules: RuleSet | None) -> ValidationOptions:
    """Validation options for a submission action (deletions need no values or attributes)."""
    options = ValidationOptions()
    if action == "delete":
        relaxed = list(_DELETE_RELAXED) + (list(rules.rules) if rules is not None else [])
        options.severity = dict.fromkeys(relaxed, "warning")
    return options


def unusable_report(exc: IdacError, structure: str = "") -> Report:
    """A report for input that could not be read at all (one ``VAL-101`` finding)."""
    detail = exc.message
    line = getattr(exc, "line", None)
    column = getattr(exc, "column", None)
    if isinstance(exc, MessageSyntaxError) and line:
        detail = detail.rsplit(" (line ", 1)[0]
    finding = Finding.make(CATALOGUE["VAL-101"], detail=detail, line=line, column=column)
    return Report(valid=False, observations=0, series=0, datasets=0, periods=0, errors=1, warnings=0,
                  rules={"VAL-101": 1}, findings=[finding], duration=0.0, partial=True, structure=structure,
                  catalogue=dict(CATALOGUE))


def is_unusable(report: Report) -> bool:
    """True when the file could not be read to the end (``VAL-101``)."""
    return "VAL-101" in report.rules


def partial_loadable(report: Report) -> bool:
    """True when the valid observations of an invalid report may be loaded on their own.

    The file must have been read to the end and every error must belong to an observation (an error of
    the message, a data set or a series without a row would let wrong data through).
    """
    if report.partial or is_unusable(report) or report.truncated:
        return False
    return all(f.row is not None for f in report.findings if f.severity == "error")


# --- pass 1: validation ----------------------------------------------------------------------------


@dataclass(slots=True)
class Validation:
    """The result of pass 1."""

    report: Report
    format_name: str | None
    structure: ResolvedStructure | None


def validate_file(
    path: Path,
    resolve: StructureResolver,
    codelists: Callable[[ResolvedStructure], dict[Ref, Codelist]],
    *,
    default: Callable[[], ResolvedStructure] | None = None,
    max_size: int,
    content_path: Path | None = None,
    rules: RuleSet | None = None,
    action: str = "replace",
    progress: Progress | None = None,
    target: ResolvedStructure | None = None,
    transform: ChunkTransform | None = None,
) -> Validation:
    """Validate one stored data file (see the module docstring).  Never raises for bad input.

    ``target`` fixes the structure validated against (a provider may submit in its national
    structure: the reader then reads it with ``resolve`` and ``transform`` maps the chunks into
    ``target`` before validation).
    """
    format_name: str | None = None
    structure: ResolvedStructure | None = None
    try:
        with open_data(path, max_size) as (stream, _head, reader):
            format_name = reader.name
            resolved: list[ResolvedStructure] = []

            def resolver(ref: Ref | None) -> ResolvedStructure:
                st = resolve(ref)
                if not resolved:
                    resolved.append(st)
                return st

            chunks: Iterator[DataChunk] = reader.read(stream, resolver)
            first = next(chunks, None)
            if target is not None:
                structure = target
            elif resolved:
                structure = resolved[0]
            elif default is not None:
                structure = default()
            else:
                structure = resolve(None)
            the_rules = rules if rules is not None else rules_for(structure, content_path)
            validator = Validator(structure, codelists(structure), the_rules,
                                  validation_options(action, the_rules))
            stream_chunks: Iterator[DataChunk] = chain([first] if first is not None else [], chunks)
            if transform is not None:
                stream_chunks = transform(stream_chunks)
            report = validator.validate(stream_chunks, progress=progress)
    except IdacError as exc:
        label = ""
        if structure is not None:
            label = str(structure.dataflow.ref if structure.dataflow else structure.dsd.ref)
        return Validation(unusable_report(exc, label), format_name, structure)
    return Validation(report, format_name, structure)


# --- pass 2: loading -------------------------------------------------------------------------------


def load_file(
    conn: Any,
    path: Path,
    structure: ResolvedStructure,
    *,
    max_size: int,
    dataflow: str,
    submission_id: str | None,
    provider: str | None,
    action: str,
    embargo_until: datetime | None = None,
    skip: Any = None,
    progress: Progress | None = None,
    resolve: StructureResolver | None = None,
    transform: ChunkTransform | None = None,
) -> LoadStats:
    """Read the stored file again and load it through ``conn`` (the caller commits or rolls back)."""
    with open_data(path, max_size) as (stream, _head, reader):
        loader = Loader(conn, structure, dataflow=dataflow, submission_id=submission_id, provider=provider,
                        action=action, embargo_until=embargo_until, now=utcnow(), progress=progress)
        chunks = reader.read(stream, resolve or (lambda _ref: structure))
        return loader.load(transform(chunks) if transform is not None else chunks, skip)


# --- one submission --------------------------------------------------------------------------------


class Monitor:
    """Receives progress and phase changes (the job runner's heartbeat implements it)."""

    def progress(self, observations: int) -> None:
        """Observations read so far."""

    def phase(self, status: str) -> None:
        """The submission entered ``status``."""

    def loaded(self, observations: int) -> None:
        """Observations written so far by the (uncommitted) load."""


def upload_file(settings: Settings, row: Submission) -> Path:
    """Where the bytes of a submission are kept."""
    return Path(settings.instance_path) / (row.upload_path or f"uploads/{row.id}.upload")


def rejected_file(settings: Settings, sub_id: str) -> Path:
    """The SDMX-CSV file of the rejected rows of a submission."""
    return Path(settings.instance_path) / "uploads" / f"{sub_id}.rejected.csv"


def _set(db: Database, sub_id: str, **values: Any) -> None:
    with db.transaction() as session:
        session.execute(update(Submission).where(Submission.id == sub_id).values(**values))


def process_submission(db: Database, settings: Settings, sub_id: str, monitor: Monitor | None = None) -> str:
    """Validate and (when allowed) load one claimed submission; returns its final status."""
    monitor = monitor or Monitor()
    with db.sessions() as session:
        row = session.get(Submission, sub_id)
        if row is None:
            raise LookupError(sub_id)
        session.expunge(row)
    path = upload_file(settings, row)
    started = time.perf_counter()
    try:
        with db.sessions() as session:
            resolved = for_submission(session, row.dataflow, row.provider)
    except IdacError as exc:
        report = unusable_report(exc)
        _set(db, sub_id, status="rejected", report=report.to_dict("en"), error=exc.message, finished_at=utcnow())
        return "rejected"
    monitor.phase("validating")
    with db.sessions() as map_session:
        # The session stays open while the chunks stream: national data sets are read in their own
        # structure and mapped into the IDAC one through the stored structure map.
        resolve, transform = _national_path(map_session, resolved.structure)
        result = validate_file(path, resolve, lambda _st: resolved.codelists,
                               max_size=settings.max_decompressed_bytes, content_path=settings.content_path,
                               action=row.action, progress=monitor.progress, target=resolved.structure,
                               transform=transform)
    report = result.report
    body = report.to_dict("en")
    if report.rejected and result.structure is not None and not is_unusable(report):
        _write_rejected(settings, path, report, result.structure, sub_id)
    loadable = report.valid or (row.accept_partial and partial_loadable(report))
    _set(db, sub_id, report=body, format_name=result.format_name, observations_read=report.observations,
         status="loading" if loadable else "rejected", finished_at=None if loadable else utcnow(),
         heartbeat_at=utcnow())
    if not loadable:
        log.info("submission %s rejected: %s", sub_id, report.rules)
        return "rejected"
    monitor.phase("loading")
    try:
        with db.transaction() as session, db.sessions() as map_session:
            resolve, transform = _national_path(map_session, resolved.structure)
            stats = load_file(session.connection(), path, resolved.structure,
                              max_size=settings.max_decompressed_bytes, dataflow=resolved.dataflow_key,
                              submission_id=sub_id, provider=row.provider, action=row.action,
                              embargo_until=row.embargo_until, skip=report.rejected if not report.valid else None,
                              progress=monitor.loaded, resolve=resolve, transform=transform)
            session.execute(update(Submission).where(Submission.id == sub_id).values(
                status="loaded", observations_loaded=stats.total, finished_at=utcnow(), heartbeat_at=utcnow()))
    except Exception as exc:
        log.exception("submission %s failed while loading", sub_id)
        if isinstance(exc, IdacError):
            message = exc.message
        elif is_out_of_space(exc):
            message = "the service ran out of disk space; submit the file again later"
        else:
            message = f"{exc.__class__.__name__}: {exc}"
        _set(db, sub_id, status="failed", finished_at=utcnow(),
             error=f"Loading failed; nothing was loaded and the previous data are unchanged ({message[:500]})")
        return "failed"
    log.info("submission %s loaded: %d observations in %.2fs", sub_id, stats.total, time.perf_counter() - started)
    # Regional aggregates that include this provider's country are recomputed (own transaction;
    # failures are logged, never raised: the national load stands on its own).
    on_submission_loaded(db, settings, sub_id)
    return "loaded"


def _national_path(session: Any, target: ResolvedStructure) -> tuple[StructureResolver, ChunkTransform]:
    """The reader's resolver and the chunk transform for data that may be in a national structure."""
    own = [a.ref for a in (target.dsd, target.dataflow, target.provision_agreement) if a is not None]

    def resolve(ref: Ref | None) -> ResolvedStructure:
        if ref is None or any((o.agency, o.id) == (ref.agency, ref.id) for o in own):
            return target
        try:
            return resolve_structure(session, ref)
        except IdacError:
            return target  # unknown: read with the target structure; the validator names the mismatch

    def transform(chunks: Iterator[DataChunk]) -> Iterator[DataChunk]:
        return harmonise(session, chunks, target)

    return resolve, transform


def _write_rejected(settings: Settings, path: Path, report: Report, structure: ResolvedStructure,
                    sub_id: str) -> None:
    """Second read of an upload with errors: its rejected rows as SDMX-CSV 2.0."""
    target = rejected_file(settings, sub_id)
    tmp = target.with_suffix(".tmp")
    try:
        with open_data(path, settings.max_decompressed_bytes) as (stream, _head, reader), \
                tmp.open("w", encoding="utf-8", newline="") as out:
            report.write_rejected_csv(reader.read(stream, lambda _ref: structure), out, with_codes=True)
        tmp.replace(target)
    except (IdacError, OSError, ValueError):
        log.warning("could not write the rejected rows of %s", sub_id, exc_info=True)
        tmp.unlink(missing_ok=True)
