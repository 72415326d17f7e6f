"""contact settings: when each value was last verified

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 07:35:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel  # noqa: F401

import bot.storage.models  # noqa: F401  (custom column types)
from alembic import op

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('contactsetting') as batch:
        batch.add_column(sa.Column('verified_at', bot.storage.models.UTCDateTime(timezone=True), nullable=True))
    # A value saved as verified was verified when it was saved.
    op.execute("UPDATE contactsetting SET verified_at = updated_at WHERE verified")


def downgrade() -> None:
    with op.batch_alter_table('contactsetting') as batch:
        batch.drop_column('verified_at')
