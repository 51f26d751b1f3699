"""earlydeliveryreport: delivery reports that arrived before their message's SID was stored

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# Read back as aware UTC by reminder.models.UTCDateTime; the column type is plain.
TS = sa.DateTime(timezone=True)

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "earlydeliveryreport",
        sa.Column("provider_id", sa.String(64), primary_key=True),
        sa.Column("status", sa.String(16), primary_key=True),
        sa.Column("error_code", sa.String(16)),
        sa.Column("meaning", sa.String(120)),
        sa.Column("opted_out", sa.Boolean, nullable=False),
        sa.Column("received_at", TS, nullable=False),
    )
    op.create_index("ix_earlydeliveryreport_received_at", "earlydeliveryreport", ["received_at"])


def downgrade() -> None:
    op.drop_index("ix_earlydeliveryreport_received_at", "earlydeliveryreport")
    op.drop_table("earlydeliveryreport")
