"""Data store: submissions, series, observations (history and provenance).

Revision ID: 0002_data
Revises: 0001_core
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_data"
down_revision = "0001_core"
branch_labels = None
depends_on = None

BigPk = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "submission",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("dataflow", sa.String(200), nullable=False),
        sa.Column("provider", sa.String(100), nullable=True),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("filename", sa.String(255), nullable=True),
        sa.Column("media_type", sa.String(200), nullable=True),
        sa.Column("format_name", sa.String(100), nullable=True),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("observations_read", sa.BigInteger(), nullable=False),
        sa.Column("observations_loaded", sa.BigInteger(), nullable=False),
        sa.Column("accept_partial", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("report", sa.JSON(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("embargo_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("upload_path", sa.String(500), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_submission")),
    )
    op.create_index(op.f("ix_submission_status"), "submission", ["status"])
    op.create_index(op.f("ix_submission_content_hash"), "submission", ["content_hash"])
    op.create_table(
        "data_series",
        sa.Column("pk", BigPk, nullable=False),
        sa.Column("dataflow", sa.String(200), nullable=False),
        sa.Column("series_key", sa.String(1000), nullable=False),
        sa.Column("dims", sa.JSON(), nullable=False),
        sa.Column("attrs", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("pk", name=op.f("pk_data_series")),
    )
    op.create_index("uq_data_series_key", "data_series", ["dataflow", "series_key"], unique=True)
    op.create_table(
        "observation",
        sa.Column("pk", BigPk, nullable=False),
        sa.Column("series_pk", BigPk, nullable=False),
        sa.Column("time_period", sa.String(60), nullable=False),
        sa.Column("period_start", sa.String(10), nullable=False),
        sa.Column("period_end", sa.String(10), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("value_text", sa.String(1000), nullable=True),
        sa.Column("attrs", sa.JSON(), nullable=False),
        sa.Column("obs_status", sa.String(10), nullable=True),
        sa.Column("conf_status", sa.String(10), nullable=True),
        sa.Column("provider", sa.String(100), nullable=True),
        sa.Column("submission_id", sa.String(32), nullable=True),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("superseded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("embargo_until", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["series_pk"], ["data_series.pk"], name=op.f("fk_observation_series_pk_data_series"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["submission_id"], ["submission.id"], name=op.f("fk_observation_submission_id_submission")),
        sa.PrimaryKeyConstraint("pk", name=op.f("pk_observation")),
    )
    op.create_index(
        "uq_observation_current", "observation", ["series_pk", "time_period"], unique=True,
        sqlite_where=sa.text("superseded_at IS NULL"), postgresql_where=sa.text("superseded_at IS NULL"),
    )
    op.create_index("ix_observation_series_period", "observation", ["series_pk", "period_start"])
    op.create_index("ix_observation_submission", "observation", ["submission_id"])


def downgrade() -> None:
    op.drop_table("observation")
    op.drop_table("data_series")
    op.drop_table("submission")
