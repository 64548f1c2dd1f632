"""What a loaded submission changed compared with the data before it: new series, new, revised and
removed values.

The store never overwrites (see ``registry.store.data_models``): loading closes the previous row of
each (series, period) with ``superseded_at`` = the load time and inserts the new row with
``loaded_at`` = the same instant.  So the comparison is three set-based queries over the submission's
own rows and the rows closed at its load time — no copy of the earlier data is needed, and the
previous accepted submission of the same provider is named for the reader.  Only counts and the first
``limit`` examples of each kind are returned (a file may change millions of values).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session, aliased

from registry.store.data_models import DataSeries, Observation, Submission


@dataclass(slots=True)
class Change:
    """One changed value."""

    series_key: str
    time_period: str
    old: str | None
    new: str | None


@dataclass(slots=True)
class Comparison:
    """The differences a submission made."""

    previous_submission: str | None = None
    new_series: int = 0
    new_values: int = 0
    revised_values: int = 0
    unchanged_values: int = 0
    removed_values: int = 0
    examples: dict[str, list[Change]] = field(default_factory=dict)

    @property
    def total(self) -> int:
        """Number of values the submission touched."""
        return self.new_values + self.revised_values + self.unchanged_values + self.removed_values


def _text(value: float | None, text: str | None) -> str | None:
    if text is not None:
        return text
    if value is None:
        return None
    return str(int(value)) if float(value).is_integer() else repr(value)


def compare_submission(session: Session, submission_id: str, *, limit: int = 20) -> Comparison | None:
    """The changes of a loaded submission, or None when it loaded nothing (yet)."""
    sub = session.get(Submission, submission_id)
    if sub is None or sub.status != "loaded":
        return None
    load_time: datetime | None = session.scalar(
        select(func.min(Observation.loaded_at)).where(Observation.submission_id == submission_id)
    )
    if load_time is None:
        return None
    out = Comparison()
    out.previous_submission = session.scalar(
        select(Submission.id)
        .where(
            Submission.dataflow == sub.dataflow, Submission.provider == sub.provider,
            Submission.status == "loaded", Submission.created_at < sub.created_at, Submission.id != sub.id,
        )
        .order_by(Submission.created_at.desc())
        .limit(1)
    )
    new, old = aliased(Observation), aliased(Observation)
    pairs = (
        select(DataSeries.series_key, new.time_period, new.value, new.value_text, old.value, old.value_text,
               old.pk, new.series_pk)
        .join(DataSeries, DataSeries.pk == new.series_pk)
        .outerjoin(old, and_(old.series_pk == new.series_pk, old.time_period == new.time_period,
                             old.superseded_at == new.loaded_at, old.pk != new.pk))
        .where(new.submission_id == submission_id)
        .order_by(DataSeries.series_key, new.time_period)
    )
    examples: dict[str, list[Change]] = {"new": [], "revised": [], "removed": []}
    touched_series: set[int] = set()
    old_series: set[int] = set()
    for key, period, nv, nt, ov, ot, old_pk, spk in session.execute(pairs):
        touched_series.add(spk)
        new_text = _text(nv, nt)
        if old_pk is None:
            out.new_values += 1
            if len(examples["new"]) < limit:
                examples["new"].append(Change(key, period, None, new_text))
            continue
        old_series.add(spk)
        old_text = _text(ov, ot)
        if old_text == new_text:
            out.unchanged_values += 1
        else:
            out.revised_values += 1
            if len(examples["revised"]) < limit:
                examples["revised"].append(Change(key, period, old_text, new_text))
    if touched_series:
        # A series is new when no row of it existed before this load.
        earlier = set(session.scalars(
            select(Observation.series_pk).where(
                Observation.series_pk.in_(touched_series - old_series), Observation.loaded_at < load_time,
            ).distinct()
        ))
        out.new_series = len(touched_series - old_series - earlier)
    # Values closed at the load time with no new row: deleted by the submission (action D / delete).
    replaced = select(new.pk).where(new.submission_id == submission_id, new.series_pk == old.series_pk,
                                    new.time_period == old.time_period)
    removed = (
        select(DataSeries.series_key, old.time_period, old.value, old.value_text)
        .join(DataSeries, DataSeries.pk == old.series_pk)
        .where(old.superseded_at == load_time, old.provider == sub.provider, ~replaced.exists())
        .order_by(DataSeries.series_key, old.time_period)
    )
    for key, period, ov, ot in session.execute(removed):
        out.removed_values += 1
        if len(examples["removed"]) < limit:
            examples["removed"].append(Change(key, period, _text(ov, ot), None))
    out.examples = examples
    return out
