"""ORM models of the data store: submissions, series and observations (with history and provenance).

An observation row is never updated: a new value closes the current row (``superseded_at``) and
inserts a new one, so ``includeHistory``/``asOf`` and aggregate history work, and a failed load
(whose transaction is rolled back) leaves the previous values untouched.  Every row keeps the
provider and the submission it came from (provenance).

Periods are stored as text as submitted (``time_period``) plus the ISO dates of their start and end
(``period_start``/``period_end``, ``YYYY-MM-DD`` strings that sort correctly on every database), so
``startPeriod``/``endPeriod`` filters are index range scans whatever the frequency.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, DateTime, Float, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from registry.store.base import Base, utcnow

#: BIGINT primary keys on PostgreSQL; SQLite needs INTEGER for its rowid autoincrement.
BigPk = BigInteger().with_variant(Integer(), "sqlite")


class Submission(Base):
    """One uploaded data file and what became of it."""

    __tablename__ = "submission"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    #: ``AGENCY:ID(VERSION)`` of the dataflow.
    dataflow: Mapped[str] = mapped_column(String(200))
    provider: Mapped[str | None] = mapped_column(String(100), default=None)
    #: replace | merge | delete
    action: Mapped[str] = mapped_column(String(20), default="replace")
    #: received | queued | validating | loading | loaded | rejected | failed
    status: Mapped[str] = mapped_column(String(20), default="received", index=True)
    filename: Mapped[str | None] = mapped_column(String(255), default=None)
    media_type: Mapped[str | None] = mapped_column(String(200), default=None)
    format_name: Mapped[str | None] = mapped_column(String(100), default=None)
    size_bytes: Mapped[int] = mapped_column(BigInteger, default=0)
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    observations_read: Mapped[int] = mapped_column(BigInteger, default=0)
    observations_loaded: Mapped[int] = mapped_column(BigInteger, default=0)
    accept_partial: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    #: Last sign of life of the worker processing it (a stale heartbeat means the worker died).
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    actor: Mapped[str] = mapped_column(String(100), default="anonymous")
    report: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    error: Mapped[str | None] = mapped_column(Text, default=None)
    embargo_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    #: Where the uploaded bytes are kept (relative to the instance folder).
    upload_path: Mapped[str | None] = mapped_column(String(500), default=None)
    #: When the regional aggregates were recomputed with this load's data (empty: still to do;
    #: see ``registry.aggregation.compute.on_submission_loaded``).
    aggregated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)


class DataSeries(Base):
    """A series of a dataflow: its full key and series-level attributes."""

    __tablename__ = "data_series"

    pk: Mapped[int] = mapped_column(BigPk, primary_key=True)
    dataflow: Mapped[str] = mapped_column(String(200))
    #: Dimension values in DSD order joined by ``.`` (the SDMX series key).
    series_key: Mapped[str] = mapped_column(String(1000))
    dims: Mapped[dict[str, str]] = mapped_column(JSON)
    attrs: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (
        Index("uq_data_series_key", "dataflow", "series_key", unique=True),
        # Partial-key queries are LIKE prefixes; PostgreSQL needs the pattern operator class for them
        # (migration 0004).  SQLite uses the unique index above.
        Index(
            "ix_data_series_key_pattern", "dataflow", "series_key",
            postgresql_ops={"series_key": "varchar_pattern_ops"},
        ).ddl_if(dialect="postgresql"),
    )


class Observation(Base):
    """One value of one series at one period, as loaded by one submission."""

    __tablename__ = "observation"

    pk: Mapped[int] = mapped_column(BigPk, primary_key=True)
    series_pk: Mapped[int] = mapped_column(ForeignKey("data_series.pk", ondelete="CASCADE"))
    time_period: Mapped[str] = mapped_column(String(60))
    period_start: Mapped[str] = mapped_column(String(10))
    period_end: Mapped[str] = mapped_column(String(10))
    value: Mapped[float | None] = mapped_column(Float, default=None)
    #: The measure as text when it is not a number (SDMX 3.0 text measures).
    value_text: Mapped[str | None] = mapped_column(String(1000), default=None)
    attrs: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    obs_status: Mapped[str | None] = mapped_column(String(10), default=None)
    conf_status: Mapped[str | None] = mapped_column(String(10), default=None)
    provider: Mapped[str | None] = mapped_column(String(100), default=None)
    submission_id: Mapped[str | None] = mapped_column(ForeignKey("submission.id"), default=None)
    loaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    superseded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    embargo_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)

    __table_args__ = (
        Index(
            "uq_observation_current", "series_pk", "time_period", unique=True,
            sqlite_where=text("superseded_at IS NULL"), postgresql_where=text("superseded_at IS NULL"),
        ),
        Index("ix_observation_series_period", "series_pk", "period_start"),
        Index("ix_observation_submission", "submission_id"),
    )
