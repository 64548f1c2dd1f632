"""Core structural store: artefacts (with history), items, reference graph, store state.

Revision ID: 0001_core
Revises:
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_core"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "artefact",
        sa.Column("pk", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(length=40), nullable=False),
        sa.Column("agency", sa.String(length=100), nullable=False),
        sa.Column("resource_id", sa.String(length=100), nullable=False),
        sa.Column("version", sa.String(length=50), nullable=False),
        sa.Column("version_key", sa.String(length=120), nullable=False),
        sa.Column("is_final", sa.Boolean(), nullable=False),
        sa.Column("names", sa.JSON(), nullable=False),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("valid_since", sa.DateTime(timezone=True), nullable=False),
        sa.Column("superseded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("pk", name=op.f("pk_artefact")),
    )
    op.create_index(
        "uq_artefact_current", "artefact", ["type", "agency", "resource_id", "version"], unique=True,
        sqlite_where=sa.text("superseded_at IS NULL"), postgresql_where=sa.text("superseded_at IS NULL"),
    )
    op.create_index("ix_artefact_lookup", "artefact", ["type", "resource_id", "agency"])
    op.create_table(
        "artefact_item",
        sa.Column("pk", sa.Integer(), nullable=False),
        sa.Column("artefact_pk", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.String(length=200), nullable=False),
        sa.Column("parent_id", sa.String(length=200), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("names", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["artefact_pk"], ["artefact.pk"], name=op.f("fk_artefact_item_artefact_pk_artefact"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("pk", name=op.f("pk_artefact_item")),
    )
    op.create_index(op.f("ix_artefact_item_artefact_pk"), "artefact_item", ["artefact_pk"])
    op.create_index("ix_artefact_item_code", "artefact_item", ["artefact_pk", "item_id"])
    op.create_table(
        "artefact_reference",
        sa.Column("pk", sa.Integer(), nullable=False),
        sa.Column("source_pk", sa.Integer(), nullable=False),
        sa.Column("target_type", sa.String(length=40), nullable=False),
        sa.Column("target_agency", sa.String(length=100), nullable=False),
        sa.Column("target_id", sa.String(length=100), nullable=False),
        sa.Column("target_version", sa.String(length=50), nullable=False),
        sa.ForeignKeyConstraint(["source_pk"], ["artefact.pk"], name=op.f("fk_artefact_reference_source_pk_artefact"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("pk", name=op.f("pk_artefact_reference")),
    )
    op.create_index(op.f("ix_artefact_reference_source_pk"), "artefact_reference", ["source_pk"])
    op.create_index("ix_artefact_reference_target", "artefact_reference", ["target_type", "target_id", "target_agency"])
    op.create_table(
        "store_state",
        sa.Column("pk", sa.Integer(), nullable=False),
        sa.Column("generation", sa.Integer(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("pk", name=op.f("pk_store_state")),
    )


def downgrade() -> None:
    op.drop_table("store_state")
    op.drop_table("artefact_reference")
    op.drop_table("artefact_item")
    op.drop_table("artefact")
