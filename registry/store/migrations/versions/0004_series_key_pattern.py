"""PostgreSQL: a pattern index on series keys, so partial-key queries (``LIKE 'A.PAN.%'``) use it.

With a non-C collation PostgreSQL cannot use the plain unique index for ``LIKE`` prefixes; the
``varchar_pattern_ops`` operator class can.  SQLite uses its ordinary index for such prefixes (with
case-sensitive ``LIKE``), so the index is created on PostgreSQL only.

Revision ID: 0004_series_key_pattern
Revises: 0003_auth
Create Date: 2026-11-25
"""

from __future__ import annotations

from alembic import op

revision = "0004_series_key_pattern"
down_revision = "0003_auth"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.create_index(
            "ix_data_series_key_pattern", "data_series", ["dataflow", "series_key"],
            postgresql_ops={"series_key": "varchar_pattern_ops"},
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_data_series_key_pattern", table_name="data_series")
