"""check-ins, alerts, and a contact's own time zone

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)
OPEN = sa.text("status = 'open'")


def upgrade() -> None:
    with op.batch_alter_table("contact") as batch:
        batch.add_column(sa.Column("timezone", sa.String(64)))
    op.create_table(
        "checkin",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("key", sa.String(64), nullable=False, unique=True),
        sa.Column("patient_id", sa.Integer, sa.ForeignKey("patient.id"), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("dose_id", sa.Integer, sa.ForeignKey("dose.id")),
        sa.Column("parent_id", sa.Integer, sa.ForeignKey("checkin.id")),
        sa.Column("site", sa.String(16)),
        sa.Column("due_at", TS, nullable=False),
        sa.Column("reask_at", TS),
        sa.Column("expires_at", TS, nullable=False),
        sa.Column("asked_at", TS),
        sa.Column("reasked_at", TS),
        sa.Column("answered_at", TS),
        sa.Column("closed_at", TS),
        sa.Column("flu_score", sa.Integer),
        sa.Column("site_score", sa.Integer),
        sa.Column("neuro", sa.Boolean),
        sa.Column("fever", sa.Boolean),
        sa.Column("symptoms", sa.JSON, nullable=False),
        sa.Column("answers", sa.JSON, nullable=False),
        sa.Column("reason", sa.String(200)),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_index("ix_checkin_patient_id", "checkin", ["patient_id"])
    op.create_table(
        "alert",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("patient_id", sa.Integer, sa.ForeignKey("patient.id"), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("severity", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reason", sa.String(300), nullable=False),
        sa.Column("site", sa.String(16)),
        sa.Column("symptoms", sa.JSON, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("evidence_at", TS, nullable=False),
        sa.Column("repeats", sa.Integer, nullable=False),
        sa.Column("last_repeat_at", TS),
        sa.Column("notified_position", sa.Integer, nullable=False),
        sa.Column("fallback_at", TS),
        sa.Column("escalate_at", TS),
        sa.Column("acknowledged_at", TS),
        sa.Column("acknowledged_by", sa.Integer, sa.ForeignKey("contact.id")),
        sa.Column("acknowledged_note", sa.String(120)),
    )
    op.create_index("ix_alert_patient_id", "alert", ["patient_id"])
    op.create_index(
        "uq_alert_open_kind",
        "alert",
        ["patient_id", "kind"],
        unique=True,
        sqlite_where=OPEN,
        postgresql_where=OPEN,
    )
    op.create_index(
        "ix_alert_escalate", "alert", ["escalate_at"], sqlite_where=OPEN, postgresql_where=OPEN
    )


def downgrade() -> None:
    op.drop_table("alert")
    op.drop_table("checkin")
    with op.batch_alter_table("contact") as batch:
        batch.drop_column("timezone")
