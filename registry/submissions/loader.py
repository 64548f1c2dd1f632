"""Load validated observations into ``data_series``/``observation``: batched, in the caller's transaction.

History, not updates (see ``registry.store.data_models``): storing a value *closes* the current row
of that series and period (``superseded_at``) and inserts a new one that records the submission and
the provider (provenance).  Everything happens in the one transaction the caller opened, so a failure
or a killed process leaves the previous data exactly as it was.

SDMX actions (SDMX 2.1 section 3A "Data set action", SDMX-CSV 2.0 ``ACTION``):

* ``replace`` (``Replace``, ``Information``, ``I``/``R``): the observation's value and attributes
  become exactly what was sent; the series attributes given replace the stored ones;
* ``merge`` (``Append``/``Merge``, ``A``/``M``): like replace, but attributes that were not sent keep
  their stored values (observation and series level), and an absent value keeps the stored value;
* ``delete`` (``Delete``, ``D``): closes the current observations named: one period of a series (key
  and period), a whole series (key without period), or every series matching a partial key (empty
  dimensions are wildcards).  Only observations the same provider loaded are closed.  Closed rows
  stay as history; nothing is physically deleted.  (Deleting single attributes is not supported: a
  delete row removes the observation.)

The submission's action applies to every data set, except that rows or data sets that say ``Delete``
in the file are deletions whatever the submission's action.

Speed.  Rows are buffered (``flush_size`` observations, de-duplicated by series and period, last one
wins) and written per buffer: series are looked up and created in batches, observations are closed
and inserted with DBAPI ``executemany`` on pre-serialised values (no ORM objects).  On PostgreSQL the
buffer goes through ``COPY`` into a temporary table and two set-based statements
(``UPDATE … FROM`` to close, ``INSERT … SELECT`` to add): see ``_PgWriter``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from registry.formats.base import DataChunk, ResolvedStructure
from registry.sdmx.periods import PeriodError, period_bounds
from registry.store.data_models import DataSeries, Observation
from registry.validation.context import OBSERVATION, Context, ValidationOptions

Key = tuple[str | None, ...]
#: Observation attributes as stored: (JSON text, OBS_STATUS, CONF_STATUS, the attributes).
ObsEntry = tuple[str, str | None, str | None, dict[str, str]]

_DELETE = frozenset({"Delete", "D", "delete"})
_MERGE = frozenset({"Append", "Merge", "A", "M", "merge"})
_LOOKUP_BATCH = 500
#: Distinct attribute combinations and values cached per load (bounded).
_ENTRY_CACHE = 100_000
_OBS_COLUMNS = ("series_pk", "time_period", "period_start", "period_end", "value", "value_text", "attrs",
                "obs_status", "conf_status", "provider", "submission_id", "loaded_at", "embargo_until")


@dataclass(slots=True)
class LoadStats:
    """What a load did."""

    observations: int = 0
    deleted: int = 0
    series_created: int = 0
    skipped: int = 0

    @property
    def total(self) -> int:
        """Observations written or closed."""
        return self.observations + self.deleted


def _dumps(attrs: dict[str, str]) -> str:
    return json.dumps(attrs, ensure_ascii=False, separators=(",", ":"))


def _value(v: str | None) -> tuple[float | None, str | None]:
    if v is None or v == "":
        return None, None
    try:
        return float(v), None
    except ValueError:
        return None, v[:1000]


def _bounds(period: str) -> tuple[str, str]:
    try:
        return period_bounds(period)
    except PeriodError:
        return "0001-01-01", "9999-12-31"


class Loader:
    """Writes observations of one submission into the store, inside the caller's transaction."""

    def __init__(
        self,
        conn: Connection,
        structure: ResolvedStructure,
        *,
        dataflow: str,
        submission_id: str | None,
        provider: str | None,
        action: str = "replace",
        embargo_until: datetime | None = None,
        now: datetime,
        flush_size: int | None = None,
        progress: Callable[[int], None] | None = None,
    ) -> None:
        self.conn = conn
        self.progress = progress
        self.ctx = Context(structure, {}, ValidationOptions())
        self.dataflow = dataflow
        self.submission_id = submission_id
        self.provider = provider
        self.action = action
        self.now = now
        self.stats = LoadStats()
        self.is_pg = conn.dialect.name == "postgresql"
        self.flush_size = flush_size or (50_000 if self.is_pg else 20_000)
        self._dt = self._bind_datetime(now)
        self._embargo = self._bind_datetime(embargo_until) if embargo_until else None
        self._ph = "%s" if conn.dialect.paramstyle in ("format", "pyformat") else "?"
        key_dims = self.ctx.key_dims
        self.key_dims = key_dims
        self.time_id = self.ctx.time_id
        #: Attributes stored on the series (series, group and data-set level ones).
        self.series_level = frozenset(a for a, lvl in self.ctx.attr_level.items() if lvl != OBSERVATION)
        #: series key -> (pk, attrs as stored)
        self.series: dict[Key, tuple[int, dict[str, str]]] = {}
        self._all_series: list[tuple[int, dict[str, str]]] | None = None
        self._upserts: dict[tuple[Key, str], tuple[str | None, ObsEntry]] = {}
        self._entries: dict[tuple[Any, ...], ObsEntry] = {}
        self._series_attrs: dict[Key, dict[str, str]] = {}
        self._deletes: list[tuple[Key, str | None]] = []
        self._touched: set[Key] = set()
        self._pg: _PgWriter | None = None

    # --- entry point ------------------------------------------------------------------------------

    def load(self, chunks: Iterable[DataChunk], skip: Any = None) -> LoadStats:
        """Load every observation of ``chunks``; ``skip`` holds 0-based ordinals not to load."""
        upserts = self._upserts
        series_attrs = self._series_attrs
        flush_size = self.flush_size
        delete_all = self.action == "delete"
        for ds_action, key, period, value, entry, ser_attrs in self._rows(chunks, skip):
            if delete_all or ds_action in _DELETE:
                if upserts:
                    self._flush_upserts()
                    upserts = self._upserts
                self._deletes.append((key, period))
                if len(self._deletes) >= flush_size:
                    self._flush_deletes()
                continue
            if self._deletes:
                self._flush_deletes()
            if period is None or None in key:
                self.stats.skipped += 1  # cannot be stored; the validator reported it
                continue
            prev = series_attrs.get(key)
            if prev is None:
                series_attrs[key] = dict(ser_attrs)
            elif ser_attrs and prev is not ser_attrs and prev != ser_attrs:
                prev.update(ser_attrs)
            upserts[(key, period)] = (value, entry)
            if len(upserts) >= flush_size:
                self._flush_upserts()
                upserts = self._upserts
        if upserts:
            self._flush_upserts()
        if self._deletes:
            self._flush_deletes()
        return self.stats

    # --- reading ------------------------------------------------------------------------------------

    def _entry(self, attrs: dict[str, str]) -> ObsEntry:
        """Observation attributes as stored: (JSON, OBS_STATUS, CONF_STATUS, dict), cached by value."""
        cache = self._entries
        k = tuple(attrs.items())
        entry = cache.get(k)
        if entry is None:
            entry = (_dumps(attrs), attrs.get("OBS_STATUS"), attrs.get("CONF_STATUS"), attrs)
            if len(cache) < _ENTRY_CACHE:
                cache[k] = entry
        return entry

    def _rows(self, chunks: Iterable[DataChunk], skip: Any) -> Iterator[
            tuple[str, Key, str | None, str | None, ObsEntry, dict[str, str]]]:
        """(action, key, period, value, attribute entry, series attributes) per observation.

        Hot path: keys of flat layouts (SDMX-CSV, AllDimensions) are built with ``map`` in C, and the
        split of a row's attributes into series and observation level is cached by value (a file
        repeats the same few attribute combinations).
        """
        key_dims, tid, series_level = self.key_dims, self.time_id, self.series_level
        ordinal = 0
        skipping = skip is not None and len(skip) > 0
        entry_of = self._entry
        split_cache: dict[tuple[Any, ...], tuple[dict[str, str], ObsEntry]] = {}
        empty: dict[str, str] = {}
        for chunk in chunks:
            ds = chunk.dataset
            ds_action = ds.action
            ds_attrs = {k: v for k, v in ds.attrs.items() if k in series_level}
            last_series = None
            base: Key = ()
            complete = flat = False
            s_attrs: dict[str, str] = empty
            for o in chunk.observations:
                if skipping:
                    if ordinal in skip:
                        ordinal += 1
                        self.stats.skipped += 1
                        continue
                    ordinal += 1
                s = o.series
                if s is not last_series:
                    last_series = s
                    sk = s.key
                    base = tuple(map(sk.get, key_dims))
                    complete = None not in base
                    flat = not sk
                    s_attrs = {**ds_attrs, **{k: v for k, v in s.attrs.items() if k in series_level}} \
                        if (ds_attrs or s.attrs) else empty
                dims = o.dims
                if complete:
                    key = base
                elif flat:
                    key = tuple(map(dims.get, key_dims))
                else:
                    key = tuple(v if v is not None else dims.get(d) for v, d in zip(base, key_dims, strict=True))
                period = dims.get(tid) if tid else None
                if period is None and tid:
                    period = s.key.get(tid)
                attrs = o.attrs
                if not attrs:
                    entry, ser = entry_of(empty), s_attrs
                elif series_level.isdisjoint(attrs):
                    entry, ser = entry_of(attrs), s_attrs
                else:
                    ck = (id(s_attrs), *attrs.items())
                    hit = split_cache.get(ck)
                    if hit is None:
                        ser = {**s_attrs, **{k: v for k, v in attrs.items() if k in series_level}}
                        entry = entry_of({k: v for k, v in attrs.items() if k not in series_level})
                        if len(split_cache) < _ENTRY_CACHE:
                            split_cache[ck] = (ser, entry)
                    else:
                        ser, entry = hit
                yield (o.action or ds_action), key, period, o.value, entry, ser

    # --- series ---------------------------------------------------------------------------------------

    def _key_str(self, key: Key) -> str:
        return ".".join(v or "" for v in key)

    def _lookup_series(self, keys: list[Key]) -> None:
        """Fill the series cache for ``keys`` from the store."""
        table = DataSeries.__table__
        by_str = {self._key_str(k): k for k in keys}
        strs = list(by_str)
        for i in range(0, len(strs), _LOOKUP_BATCH):
            part = strs[i:i + _LOOKUP_BATCH]
            rows = self.conn.execute(
                select(table.c.pk, table.c.series_key, table.c.attrs)
                .where(table.c.dataflow == self.dataflow, table.c.series_key.in_(part))
            )
            for pk, skey, attrs in rows:
                self.series[by_str[skey]] = (pk, dict(attrs or {}))

    def _insert_series(self, keys: list[Key]) -> set[str]:
        """Insert series rows; the keys this call created.

        Two loads may create the same series at once (two files of one provider, a national file
        and a recomputation): ``ON CONFLICT DO NOTHING`` lets the second wait for the first and
        then use its row instead of failing on the unique index.  Keys arrive sorted, so
        concurrent loads take the index entries in the same order.
        """
        table = DataSeries.__table__
        insert = pg_insert if self.conn.dialect.name == "postgresql" else sqlite_insert
        stmt = (
            insert(table)
            .on_conflict_do_nothing(index_elements=["dataflow", "series_key"])
            .returning(table.c.series_key)
        )
        rows = [
            {"dataflow": self.dataflow, "series_key": self._key_str(k),
             "dims": dict(zip(self.key_dims, (v or "" for v in k), strict=True)),
             "attrs": self._series_attrs.get(k, {}), "updated_at": self.now}
            for k in keys
        ]
        return set(self.conn.execute(stmt, rows).scalars())

    def _ensure_series(self, keys: Iterable[Key]) -> None:
        """Look up or create the series of ``keys`` and bring their attributes up to date."""
        missing = [k for k in keys if k not in self.series]
        if missing:
            self._lookup_series(missing)
            new = sorted((k for k in missing if k not in self.series), key=self._key_str)
            if new:
                created = self._insert_series(new)
                self._lookup_series(new)
                self.stats.series_created += len(created)
                for k in new:
                    if self._key_str(k) in created:
                        self._series_attrs.pop(k, None)  # created with the attributes sent
                        self._touched.add(k)
                    # else another load created it meanwhile: an existing series (below)
        changes = []
        for k, given in self._series_attrs.items():
            first = k not in self._touched
            self._touched.add(k)
            if not given:
                continue  # no series attribute sent: keep what is stored
            pk, stored = self.series[k]
            # Replace: the attributes sent replace the stored ones, the first time this load meets the
            # series; later rows of the same series (or merge) add to them.
            target = given if (first and self.action != "merge") else {**stored, **given}
            if target != stored:
                changes.append({"b_pk": pk, "attrs": target, "updated_at": self.now})
                self.series[k] = (pk, target)
        self._series_attrs.clear()
        if changes:
            from sqlalchemy import bindparam

            table = DataSeries.__table__
            self.conn.execute(
                table.update().where(table.c.pk == bindparam("b_pk")).values(
                    attrs=bindparam("attrs"), updated_at=bindparam("updated_at")),
                changes,
            )

    # --- observations -----------------------------------------------------------------------------

    def _bind_datetime(self, value: datetime) -> Any:
        dialect = self.conn.dialect
        proc = Observation.__table__.c.loaded_at.type.dialect_impl(dialect).bind_processor(dialect)
        return proc(value) if proc is not None else value

    def _flush_upserts(self) -> None:
        upserts = self._upserts
        self._upserts = {}
        self._ensure_series(list({k for k, _p in upserts}))
        series = self.series
        existing: dict[tuple[int, str], tuple[float | None, str | None, dict[str, str]]] = {}
        if self.action == "merge":
            existing = self._current(upserts)
        rows = []
        append = rows.append
        provider, sub, dt, emb = self.provider, self.submission_id, self._dt, self._embargo
        merge = self.action == "merge"
        values: dict[str | None, tuple[float | None, str | None]] = {}
        for (key, period), (raw_value, entry) in upserts.items():
            spk = series[key][0]
            vt = values.get(raw_value)
            if vt is None:
                vt = _value(raw_value)
                if len(values) < _ENTRY_CACHE:
                    values[raw_value] = vt
            text_json, obs_status, conf_status = entry[0], entry[1], entry[2]
            value, text = vt
            if merge:
                prev = existing.get((spk, period))
                if prev is not None:
                    attrs = {**prev[2], **entry[3]}
                    text_json, obs_status, conf_status = _dumps(attrs), attrs.get("OBS_STATUS"), attrs.get("CONF_STATUS")
                    if raw_value is None:
                        value, text = prev[0], prev[1]
            start, end = _bounds(period)
            append((spk, period, start, end, value, text, text_json, obs_status, conf_status, provider, sub, dt, emb))
        if self.is_pg:
            if self._pg is None:
                self._pg = _PgWriter(self.conn)
            self._pg.write(rows, self.now, self._embargo)
        else:
            ph = self._ph
            self.conn.exec_driver_sql(
                f"UPDATE observation SET superseded_at = {ph} WHERE superseded_at IS NULL "  # noqa: S608 - placeholders only
                f"AND series_pk = {ph} AND time_period = {ph}",
                [(dt, r[0], r[1]) for r in rows],
            )
            self.conn.exec_driver_sql(
                f"INSERT INTO observation ({', '.join(_OBS_COLUMNS)}) "  # noqa: S608 - fixed column names
                f"VALUES ({', '.join([ph] * len(_OBS_COLUMNS))})",
                rows,
            )
        self.stats.observations += len(rows)
        if self.progress is not None:
            self.progress(self.stats.total)

    def _current(self, upserts: dict[tuple[Key, str], Any]) -> dict[tuple[int, str], tuple[Any, Any, dict[str, str]]]:
        """Stored current value and attributes of the observations about to be merged."""
        table = Observation.__table__
        wanted = {(self.series[k][0], p) for k, p in upserts}
        pks = sorted({s for s, _p in wanted})
        out = {}
        for i in range(0, len(pks), _LOOKUP_BATCH):
            rows = self.conn.execute(
                select(table.c.series_pk, table.c.time_period, table.c.value, table.c.value_text, table.c.attrs)
                .where(table.c.superseded_at.is_(None), table.c.series_pk.in_(pks[i:i + _LOOKUP_BATCH]))
            )
            for spk, period, value, text, attrs in rows:
                if (spk, period) in wanted:
                    out[(spk, period)] = (value, text, dict(attrs or {}))
        return out

    # --- deletions --------------------------------------------------------------------------------

    def _matching_series(self, key: Key) -> list[int]:
        if None not in key:
            if key not in self.series:
                self._lookup_series([key])
            found = self.series.get(key)
            return [found[0]] if found else []
        if self._all_series is None:
            table = DataSeries.__table__
            self._all_series = [(pk, dims) for pk, dims in self.conn.execute(
                select(table.c.pk, table.c.dims).where(table.c.dataflow == self.dataflow))]
        wanted = [(d, v) for d, v in zip(self.key_dims, key, strict=True) if v is not None]
        return [pk for pk, dims in self._all_series if all(dims.get(d) == v for d, v in wanted)]

    def _flush_deletes(self) -> None:
        deletes = self._deletes
        self._deletes = []
        ph, dt, prov = self._ph, self._dt, self.provider
        one, whole = [], []
        for key, period in deletes:
            for spk in self._matching_series(key):
                if period is None:
                    whole.append((dt, spk, prov))
                else:
                    one.append((dt, spk, prov, period))
        # Only the provider's own observations are closed: a wildcard never reaches other providers' data.
        own = f"superseded_at IS NULL AND series_pk = {ph} AND provider IS NOT DISTINCT FROM {ph}" \
            if self.is_pg else f"superseded_at IS NULL AND series_pk = {ph} AND provider IS {ph}"
        for sql, params in (
            (f"UPDATE observation SET superseded_at = {ph} WHERE {own} AND time_period = {ph}", one),  # noqa: S608
            (f"UPDATE observation SET superseded_at = {ph} WHERE {own}", whole),  # noqa: S608 - placeholders only
        ):
            for p in params:  # one statement each: rowcount is reliable on every driver
                self.stats.deleted += max(0, self.conn.exec_driver_sql(sql, p).rowcount)


class _PgWriter:
    """PostgreSQL: COPY a buffer into a temporary table, then close and insert set-wise."""

    def __init__(self, conn: Connection) -> None:
        self.raw = conn.connection.driver_connection
        with self.raw.cursor() as cur:
            cur.execute(
                "CREATE TEMP TABLE IF NOT EXISTS idac_load_obs (series_pk bigint, time_period text, "
                "period_start text, period_end text, value double precision, value_text text, attrs text, "
                "obs_status text, conf_status text) ON COMMIT DROP"
            )
            cur.execute("TRUNCATE idac_load_obs")

    def write(self, rows: list[tuple[Any, ...]], now: datetime, embargo: Any) -> None:
        """Close the current rows of the buffer's (series, period) pairs and insert the buffer."""
        if not rows:
            return
        provider, sub = rows[0][9], rows[0][10]
        with self.raw.cursor() as cur:
            with cur.copy("COPY idac_load_obs (series_pk, time_period, period_start, period_end, value, "
                          "value_text, attrs, obs_status, conf_status) FROM STDIN") as cp:
                write = cp.write_row
                for r in rows:
                    write(r[:9])
            cur.execute("ANALYZE idac_load_obs")
            cur.execute(
                "UPDATE observation o SET superseded_at = %s FROM idac_load_obs t "
                "WHERE o.superseded_at IS NULL AND o.series_pk = t.series_pk AND o.time_period = t.time_period",
                (now,),
            )
            cur.execute(
                "INSERT INTO observation (series_pk, time_period, period_start, period_end, value, value_text, "
                "attrs, obs_status, conf_status, provider, submission_id, loaded_at, embargo_until) "
                "SELECT series_pk, time_period, period_start, period_end, value, value_text, attrs::json, "
                "obs_status, conf_status, %s, %s, %s, %s FROM idac_load_obs",
                (provider, sub, now, embargo),
            )
            cur.execute("TRUNCATE idac_load_obs")
