"""the queue's indexes lead with is_test, so hiding test data keeps a page an index walk

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02 19:05:00

The queue always filters on is_test (test data from the phone preview is hidden unless shown); with the
flag outside the index, a page of the queue read every report to find the first 50.
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_index("ix_report_queue", table_name="report")
    op.drop_index("ix_report_status_queue", table_name="report")
    op.create_index("ix_report_queue", "report", ["is_test", sa.text("urgency_score DESC"), "submitted_at", "id"])
    op.create_index(
        "ix_report_status_queue", "report", ["is_test", "status", sa.text("urgency_score DESC"), "submitted_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_report_queue", table_name="report")
    op.drop_index("ix_report_status_queue", table_name="report")
    op.create_index("ix_report_queue", "report", [sa.text("urgency_score DESC"), "submitted_at", "id"])
    op.create_index("ix_report_status_queue", "report", ["status", sa.text("urgency_score DESC"), "submitted_at"])
