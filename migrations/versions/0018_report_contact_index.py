"""a texter's own reports found by one index, in the order they were filed

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-02 21:30:00

Every text reads the sender's reports (for STATUS and DELETE), oldest first. With only contact_id
indexed, SQLite at 100,000 stored reports chose to walk submitted_at's index instead and read every
report for each text (177 ms a turn); one index on both serves the filter and the order.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_report_contact_submitted", "report", ["contact_id", "submitted_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_report_contact_submitted", table_name="report")
