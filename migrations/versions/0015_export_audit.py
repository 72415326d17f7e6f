"""the audit trail of exports: who exported which reports, when, in what format, with what filter

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02 18:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel  # noqa: F401

import bot.storage.models  # noqa: F401  (custom column types)
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "exportevent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("actor", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("format", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("filters", sa.Text(), nullable=False),  # AES-256-GCM ciphertext (bot/storage/crypto.py)
        sa.Column("refs", sa.Text(), nullable=False),  # AES-256-GCM ciphertext
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("created_at", bot.storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["staff_id"], ["staffuser.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_exportevent_staff_id", "exportevent", ["staff_id"], unique=False)
    op.create_index("ix_exportevent_created_at", "exportevent", ["created_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_exportevent_created_at", table_name="exportevent")
    op.drop_index("ix_exportevent_staff_id", table_name="exportevent")
    op.drop_table("exportevent")
