"""retention: when a report was closed, and when `flask purge` emptied a message's or a report's personal fields

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 18:45:00

Reports closed before this revision get the time of their last status change (their closing, in the
audit trail), or their submission time when the trail has none.
"""

from collections.abc import Sequence

import sqlalchemy as sa

import bot.storage.models  # noqa: F401  (custom column types)
from alembic import op
from bot.storage.models import UTCDateTime

revision: str = '0014'
down_revision: str | None = '0013'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('message') as batch:
        batch.add_column(sa.Column('purged_at', UTCDateTime(), nullable=True))
    with op.batch_alter_table('report') as batch:
        batch.add_column(sa.Column('closed_at', UTCDateTime(), nullable=True))
        batch.add_column(sa.Column('purged_at', UTCDateTime(), nullable=True))
        batch.create_index('ix_report_closed_at', ['closed_at'], unique=False)
    report = sa.table('report', sa.column('id'), sa.column('status'), sa.column('submitted_at'), sa.column('closed_at'))
    event = sa.table('reportevent', sa.column('report_id'), sa.column('kind'), sa.column('created_at'))
    last_change = (
        sa.select(sa.func.max(event.c.created_at))
        .where(event.c.report_id == report.c.id, event.c.kind == 'status')
        .scalar_subquery()
    )
    op.get_bind().execute(
        report.update()
        .where(report.c.status == 'closed')
        .values(closed_at=sa.func.coalesce(last_change, report.c.submitted_at))
    )


def downgrade() -> None:
    with op.batch_alter_table('report') as batch:
        batch.drop_index('ix_report_closed_at')
        batch.drop_column('purged_at')
        batch.drop_column('closed_at')
    with op.batch_alter_table('message') as batch:
        batch.drop_column('purged_at')
