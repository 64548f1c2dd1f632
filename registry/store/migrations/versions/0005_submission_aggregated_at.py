"""``submission.aggregated_at``: when a loaded submission's data reached the regional aggregates.

Loads that finish together are aggregated together: the aggregation hook recomputes, in one pass,
every loaded submission of the source dataflow whose ``aggregated_at`` is still empty
(``registry.aggregation.compute.on_submission_loaded``).  Submissions loaded before this revision
are taken as aggregated.

Revision ID: 0005_submission_aggregated_at
Revises: 0004_series_key_pattern
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_submission_aggregated_at"
down_revision = "0004_series_key_pattern"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("submission") as batch:
        batch.add_column(sa.Column("aggregated_at", sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE submission SET aggregated_at = finished_at WHERE status = 'loaded'")


def downgrade() -> None:
    with op.batch_alter_table("submission") as batch:
        batch.drop_column("aggregated_at")
