"""reports: indexed keys for linking reports about the same person (match key + birth date, + jail and days)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 17:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel  # noqa: F401

import bot.storage.models  # noqa: F401  (custom column types)
from alembic import op
from bot.reports.fields import facility_key, match_key

revision: str = '0012'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 1000


def upgrade() -> None:
    with op.batch_alter_table('report') as batch:
        batch.add_column(
            sa.Column('match_key', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False, server_default='')
        )
        batch.add_column(
            sa.Column('facility_key', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False, server_default='')
        )
    # The keys of reports filed before this revision, computed by the same functions as new reports'.
    conn = op.get_bind()
    report = sa.table('report', sa.column('id'), sa.column('detained_name'), sa.column('facility'),
                      sa.column('match_key'), sa.column('facility_key'))  # fmt: skip
    last = 0
    while True:
        rows = conn.execute(
            sa.select(report.c.id, report.c.detained_name, report.c.facility)
            .where(report.c.id > last)
            .order_by(report.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            break
        conn.execute(
            report.update().where(report.c.id == sa.bindparam('rid')).values(
                match_key=sa.bindparam('mk'), facility_key=sa.bindparam('fk')
            ),
            [{'rid': id_, 'mk': match_key(name or ''), 'fk': facility_key(place or '')} for id_, name, place in rows],
        )
        last = rows[-1][0]
    with op.batch_alter_table('report') as batch:
        batch.alter_column('match_key', server_default=None)
        batch.alter_column('facility_key', server_default=None)
        batch.create_index('ix_report_same_person_dob', ['match_key', 'detained_dob'], unique=False)
        batch.create_index(
            'ix_report_same_person_place', ['match_key', 'facility_key', 'submitted_at'], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table('report') as batch:
        batch.drop_index('ix_report_same_person_place')
        batch.drop_index('ix_report_same_person_dob')
        batch.drop_column('facility_key')
        batch.drop_column('match_key')
