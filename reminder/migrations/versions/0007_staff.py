"""staff dashboard: accounts, server-side sessions and the audit trail

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "staffaccount",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(120), nullable=False, unique=True),
        sa.Column("email", sa.String(254), nullable=False, unique=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("contact_id", sa.Integer, sa.ForeignKey("contact.id")),
        sa.Column("password_hash", sa.String(200)),
        sa.Column("password_set_at", TS),
        sa.Column("disabled_at", TS),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_table(
        "staffsession",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("account_id", sa.Integer, sa.ForeignKey("staffaccount.id"), nullable=False),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        sa.Column("address", sa.String(64)),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("last_seen_at", TS, nullable=False),
        sa.Column("ended_at", TS),
        sa.Column("ended_reason", sa.String(32)),
    )
    op.create_index("ix_staffsession_account_id", "staffsession", ["account_id"])
    op.create_table(
        "auditevent",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", TS, nullable=False),
        sa.Column("account_id", sa.Integer, sa.ForeignKey("staffaccount.id")),
        sa.Column("account_name", sa.String(120), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("address", sa.String(64)),
        sa.Column("patient_id", sa.Integer, sa.ForeignKey("patient.id")),
        sa.Column("alert_id", sa.Integer, sa.ForeignKey("alert.id")),
        sa.Column("detail", sa.String(300)),
    )
    op.create_index("ix_auditevent_at", "auditevent", ["at"])
    op.create_index("ix_auditevent_account_id", "auditevent", ["account_id"])
    op.create_index("ix_auditevent_action_at", "auditevent", ["action", "at"])


def downgrade() -> None:
    op.drop_table("auditevent")
    op.drop_table("staffsession")
    op.drop_table("staffaccount")
