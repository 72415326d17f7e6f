"""staff's name search by index: a blind-index token per word of each report's detained name

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02 19:10:00

The search compared a LIKE over every report's token column; a table of (token, report) makes each
searched word one index lookup. Reports filed before get their words from their stored tokens.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 1000


def upgrade() -> None:
    op.create_table(
        "reportnameword",
        sa.Column("token", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["report_id"], ["report.id"]),
        sa.PrimaryKeyConstraint("token", "report_id"),
    )
    op.create_index("ix_reportnameword_report_id", "reportnameword", ["report_id"], unique=False)
    conn = op.get_bind()
    last = 0
    while True:
        rows = conn.execute(
            sa.text("SELECT id, name_key FROM report WHERE id > :last ORDER BY id LIMIT :n"), {"last": last, "n": BATCH}
        ).all()
        if not rows:
            break
        words = [{"t": t, "r": rid} for rid, key in rows for t in sorted(set((key or "").split())) if len(t) == 16]
        if words:
            conn.execute(sa.text("INSERT INTO reportnameword (token, report_id) VALUES (:t, :r)"), words)
        last = rows[-1][0]


def downgrade() -> None:
    op.drop_index("ix_reportnameword_report_id", table_name="reportnameword")
    op.drop_table("reportnameword")
