"""report intake for litigation: other names, country of birth, booking number, defense lawyer, papers, warrant

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 07:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel  # noqa: F401

import bot.storage.models  # noqa: F401  (custom column types)
from alembic import op

revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Reports filed before this revision did not ask: text columns start empty, choices unknown (NULL).
TEXTS = ('other_names', 'defense_lawyer', 'arrest_details')


def upgrade() -> None:
    with op.batch_alter_table('report') as batch:
        for name in TEXTS:
            batch.add_column(sa.Column(name, sa.Text(), nullable=False, server_default=''))
        batch.add_column(sa.Column('birth_country', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False,
                                   server_default=''))
        batch.add_column(sa.Column('booking_number', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False,
                                   server_default=''))
        batch.add_column(sa.Column('papers_received', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True))
        batch.add_column(sa.Column('warrant_shown', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('report') as batch:
        for name in ('warrant_shown', 'papers_received', 'booking_number', 'birth_country', *reversed(TEXTS)):
            batch.drop_column(name)
