"""Streamed SQL fetch of observations, ordered by series then period.

Strategy (and why it is fast):

* **One statement, streamed.**  ``data_series`` joined to ``observation``, filtered and ordered in
  SQL (``series_key``, ``period_start``, ``time_period``, ``loaded_at``) and read with a server-side
  cursor (``stream_results`` + ``yield_per``): PostgreSQL hands rows over in batches of ``BATCH``
  and the Python side never holds more than one batch and one series.  SQLite's cursor is lazy by
  nature.
* **Series selection in SQL.**  Series are filtered by ``dataflow`` (index ``uq_data_series_key`` =
  (dataflow, series_key)) and, when the query has a key, by the key itself: a full key becomes
  ``series_key IN (…)`` (an index lookup); a key with wildcards becomes ``series_key LIKE
  'A.PAN.%.F'`` patterns.  A series key always has exactly n-1 dots (codes cannot contain dots), so
  ``%`` in a pattern with all n-1 dots written can only stand for one position: the pattern is
  exact.  ``+`` alternatives are expanded into several keys/patterns, up to ``MAX_KEY_EXPANSION``;
  beyond that the SQL filter keeps only the dataflow and Python filters the series (cheap: per
  series, not per row). Python re-checks every row's key anyway (SQLite's ``LIKE`` ignores ASCII
  case).
* **Observations** of each selected series are reached through ``ix_observation_series_period``
  (series_pk, period_start), which also serves the period bounds; ``uq_observation_current``
  (partial, ``superseded_at IS NULL``) keeps the current rows unique.  History queries
  (``includeHistory``, ``asOf``) read closed rows too.
* **Cheap rows.**  Series dimensions are not read from the JSON ``dims`` column per row: they come
  from ``series_key`` split once per series.  JSON attribute columns are read as text and decoded
  once per series (series attributes) or only when not empty (observation attributes).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import product
from typing import Any

from sqlalchemy import Connection, String, and_, cast, or_, select
from sqlalchemy.orm import Session

from registry.data.query import KeyPattern, key_matches
from registry.store.data_models import DataSeries, Observation

#: Rows per round trip of the server-side cursor.
BATCH = 5000
#: At most this many keys/LIKE patterns from one query's key alternatives.
MAX_KEY_EXPANSION = 256

_S = DataSeries.__table__
_O = Observation.__table__


@dataclass(slots=True)
class StoredObs:
    """One stored observation (one version of it when history is read)."""

    time_period: str
    start: str
    end: str
    value: str | None
    attrs: dict[str, str]
    obs_status: str | None
    conf_status: str | None
    provider: str | None
    submission_id: str | None
    loaded_at: datetime | None
    superseded_at: datetime | None = None
    embargo_until: datetime | None = None
    #: Set by disclosure control: why the value may not be shown (None: it may).
    reason: str | None = None


@dataclass(slots=True)
class StoredSeries:
    """A series with its observations in period order (all versions when history is read)."""

    key: tuple[str, ...]
    dims: dict[str, str]
    attrs: dict[str, str]
    observations: list[StoredObs] = field(default_factory=list)


def format_value(value: float | None, text: str | None) -> str | None:
    """The stored measure as SDMX text: integral numbers without ``.0``."""
    if value is None:
        return text
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def _escape_like(code: str) -> str:
    return code.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def key_condition(patterns: Sequence[KeyPattern] | None) -> Any:
    """SQL condition on ``series_key`` for the patterns (None: not expressible cheaply)."""
    if not patterns:
        return None
    exact: list[str] = []
    likes: list[str] = []
    for pattern in patterns:
        n = 1
        for p in pattern:
            n *= len(p) if p is not None else 1
        if n + len(exact) + len(likes) > MAX_KEY_EXPANSION:
            return None
        choices = [sorted(p) if p is not None else [None] for p in pattern]
        for combo in product(*choices):
            if None in combo:
                likes.append(".".join("%" if c is None else _escape_like(c) for c in combo))
            else:
                exact.append(".".join(combo))  # type: ignore[arg-type]
    conds = []
    if exact:
        conds.append(_S.c.series_key.in_(exact))
    conds += [_S.c.series_key.like(p, escape="\\") for p in likes]
    return or_(*conds)


def statement(
    flow_key: str,
    patterns: Sequence[KeyPattern] | None,
    *,
    start: str | None = None,
    end: str | None = None,
    as_of: datetime | None = None,
    history: bool = False,
) -> Any:
    """The SELECT of a fetch (exposed for the benchmark's bare-SQL baseline)."""
    cols = [
        _S.c.series_key,
        cast(_S.c.attrs, String).label("sattrs"),
        _O.c.time_period,
        _O.c.period_start,
        _O.c.period_end,
        _O.c.value,
        _O.c.value_text,
        cast(_O.c.attrs, String).label("oattrs"),
        _O.c.obs_status,
        _O.c.conf_status,
        _O.c.provider,
        _O.c.submission_id,
        _O.c.loaded_at,
        _O.c.superseded_at,
        _O.c.embargo_until,
    ]
    where = [_S.c.dataflow == flow_key]
    kc = key_condition(patterns)
    if kc is not None:
        where.append(kc)
    if start is not None:
        where.append(_O.c.period_end >= start)
    if end is not None:
        where.append(_O.c.period_start <= end)
    if as_of is not None:
        where.append(_O.c.loaded_at <= as_of)
        if not history:
            where.append(or_(_O.c.superseded_at.is_(None), _O.c.superseded_at > as_of))
    elif not history:
        where.append(_O.c.superseded_at.is_(None))
    return (
        select(*cols)
        .select_from(_S.join(_O, _O.c.series_pk == _S.c.pk))
        .where(and_(*where))
        .order_by(_S.c.series_key, _O.c.period_start, _O.c.time_period, _O.c.loaded_at)
    )


def _aware(value: Any) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, str):  # SQLite through raw text paths
        value = datetime.fromisoformat(value)
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def fetch_series(
    session: Session | Connection,
    flow_key: str,
    key_dims: Sequence[str],
    patterns: Sequence[KeyPattern] | None,
    *,
    start: str | None = None,
    end: str | None = None,
    as_of: datetime | None = None,
    history: bool = False,
    batch: int = BATCH,
) -> Iterator[StoredSeries]:
    """Stream the series (with their observations) of ``flow_key`` matching ``patterns``."""
    stmt = statement(flow_key, patterns, start=start, end=end, as_of=as_of, history=history)
    result = session.execute(stmt.execution_options(stream_results=True, yield_per=batch))
    loads = json.loads
    n_dims = len(key_dims)
    current: StoredSeries | None = None
    current_key = None
    skip = False
    try:
        for row in result:
            skey = row[0]
            if skey != current_key:
                if current is not None and not skip:
                    yield current
                current_key = skey
                parts = tuple(skey.split("."))
                skip = len(parts) != n_dims or (
                    patterns is not None and not key_matches(patterns, parts)
                )
                sattrs = row[1]
                current = StoredSeries(
                    parts,
                    dict(zip(key_dims, parts, strict=False)),
                    loads(sattrs) if sattrs and sattrs != "{}" else {},
                )
            if skip:
                continue
            oattrs = row[7]
            value = row[5]
            current.observations.append(  # type: ignore[union-attr]
                StoredObs(
                    row[2],
                    row[3],
                    row[4],
                    (str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value))
                    if value is not None
                    else row[6],
                    loads(oattrs) if oattrs and oattrs != "{}" else {},
                    row[8],
                    row[9],
                    row[10],
                    row[11],
                    _aware(row[12]),
                    _aware(row[13]),
                    _aware(row[14]),
                )
            )
        if current is not None and not skip:
            yield current
    finally:
        result.close()
