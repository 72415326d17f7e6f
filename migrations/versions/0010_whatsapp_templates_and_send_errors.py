"""outbox: WhatsApp template sends (content SID and variables) and Twilio's error code; longer setting keys

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 17:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel  # noqa: F401

import bot.storage.models  # noqa: F401  (custom column types)
from alembic import op

revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('outbox') as batch:
        batch.add_column(sa.Column('content_sid', sqlmodel.sql.sqltypes.AutoString(length=34), nullable=True))
        batch.add_column(sa.Column('content_variables', sa.Text(), nullable=True))
        batch.add_column(sa.Column('error_code', sa.Integer(), nullable=True))
    # WHATSAPP_TEMPLATE.<template>.<locale> keys are longer than the 40 characters contact settings had.
    with op.batch_alter_table('contactsetting') as batch:
        batch.alter_column(
            'key',
            existing_type=sqlmodel.sql.sqltypes.AutoString(length=40),
            type_=sqlmodel.sql.sqltypes.AutoString(length=80),
            existing_nullable=False,
        )


def downgrade() -> None:
    op.execute("DELETE FROM contactsetting WHERE length(key) > 40")
    with op.batch_alter_table('contactsetting') as batch:
        batch.alter_column(
            'key',
            existing_type=sqlmodel.sql.sqltypes.AutoString(length=80),
            type_=sqlmodel.sql.sqltypes.AutoString(length=40),
            existing_nullable=False,
        )
    with op.batch_alter_table('outbox') as batch:
        batch.drop_column('error_code')
        batch.drop_column('content_variables')
        batch.drop_column('content_sid')
