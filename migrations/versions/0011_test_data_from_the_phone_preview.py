"""contacts and reports from the phone preview's test numbers are marked as test data

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 17:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel  # noqa: F401

import bot.storage.models  # noqa: F401  (custom column types)
from alembic import op

revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    for table in ('contact', 'report'):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column('is_test', sa.Boolean(), nullable=False, server_default=sa.false()))
            batch.create_index(f'ix_{table}_is_test', ['is_test'], unique=False)
    # Texts from the fictional test range (+1 555 555 01xx) were test data before they were marked.
    op.execute("UPDATE contact SET is_test = true WHERE address LIKE '%+155555501__'")
    op.execute("UPDATE report SET is_test = true WHERE contact_id IN (SELECT id FROM contact WHERE is_test)")


def downgrade() -> None:
    for table in ('contact', 'report'):
        with op.batch_alter_table(table) as batch:
            batch.drop_index(f'ix_{table}_is_test')
            batch.drop_column('is_test')
