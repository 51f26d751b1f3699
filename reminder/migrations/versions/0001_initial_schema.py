"""initial schema: patients, contacts, doses, the outbox, the raw inbox and heartbeats

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The application reads these back as aware UTC (reminder.models.UTCDateTime); the column type is plain.
TS = sa.DateTime(timezone=True)
QUEUED = sa.text("status = 'queued'")
SENDING = sa.text("status = 'sending'")
LIVE_DOSE = sa.text("status != 'cancelled'")


def upgrade() -> None:
    op.create_table(
        "heartbeat",
        sa.Column("name", sa.String(32), primary_key=True),
        sa.Column("at", TS, nullable=False),
        sa.Column("detail", sa.String(200)),
    )
    op.create_table(
        "patient",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("phone", sa.String(20), unique=True),
        sa.Column("email", sa.String(254), unique=True),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("dose_time", sa.Time, nullable=False),
        sa.Column("checkin_time", sa.Time, nullable=False),
        sa.Column("quiet_start", sa.Time, nullable=False),
        sa.Column("quiet_end", sa.Time, nullable=False),
        sa.Column("start_date", sa.Date, nullable=False),
        sa.Column("full_dose", sa.Boolean, nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("paused_until", TS),
        sa.Column("opted_out_at", TS),
        sa.Column("injured_sites", sa.JSON, nullable=False),
        sa.Column("next_lab_on", sa.Date),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("active_since", TS, nullable=False),
        sa.Column("next_action_at", TS),
    )
    op.create_index("ix_patient_name", "patient", ["name"])
    op.create_index("ix_patient_next_action_at", "patient", ["next_action_at"])
    op.create_table(
        "contact",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("patient_id", sa.Integer, sa.ForeignKey("patient.id"), nullable=False),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("phone", sa.String(20)),
        sa.Column("email", sa.String(254)),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("opted_out_at", TS),
        sa.UniqueConstraint("patient_id", "position"),
    )
    op.create_index("ix_contact_patient_id", "contact", ["patient_id"])
    op.create_index("ix_contact_phone", "contact", ["phone"])
    op.create_index("ix_contact_email", "contact", ["email"])
    op.create_table(
        "dose",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("patient_id", sa.Integer, sa.ForeignKey("patient.id"), nullable=False),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("scheduled_at", TS, nullable=False),
        sa.Column("window_end", TS, nullable=False),
        sa.Column("why", sa.String(16), nullable=False),
        sa.Column("dose_mcg", sa.Float, nullable=False),
        sa.Column("volume_ml", sa.Float, nullable=False),
        sa.Column("suggested_site", sa.String(16)),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("taken_at", TS),
        sa.Column("site", sa.String(16)),
        sa.Column("site_reported", sa.Boolean, nullable=False),
        sa.Column("closed_at", TS),
        sa.Column("snoozed_until", TS),
        sa.Column("snooze_count", sa.Integer, nullable=False),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_index("ix_dose_patient_id", "dose", ["patient_id"])
    op.create_index(
        "uq_dose_patient_day",
        "dose",
        ["patient_id", "day"],
        unique=True,
        sqlite_where=LIVE_DOSE,
        postgresql_where=LIVE_DOSE,
    )
    op.create_table(
        "inboundmessage",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("sender", sa.String(254), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("received_at", TS, nullable=False),
        sa.Column("provider_id", sa.String(64), unique=True),
        sa.Column("patient_id", sa.Integer, sa.ForeignKey("patient.id")),
        sa.Column("contact_id", sa.Integer, sa.ForeignKey("contact.id")),
        sa.Column("dose_id", sa.Integer, sa.ForeignKey("dose.id")),
        sa.Column("parsed_as", sa.String(32)),
        sa.Column("outcome", sa.String(200)),
    )
    op.create_index("ix_inboundmessage_patient_id", "inboundmessage", ["patient_id"])
    op.create_index("ix_inboundmessage_sender", "inboundmessage", ["sender"])
    op.create_table(
        "message",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("idempotency_key", sa.String(120), nullable=False, unique=True),
        sa.Column("patient_id", sa.Integer, sa.ForeignKey("patient.id")),
        sa.Column("contact_id", sa.Integer, sa.ForeignKey("contact.id")),
        sa.Column("dose_id", sa.Integer, sa.ForeignKey("dose.id")),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("to_address", sa.String(254), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("template", sa.String(64), nullable=False),
        sa.Column("context", sa.JSON, nullable=False),
        sa.Column("subject", sa.String(200)),
        sa.Column("body", sa.Text),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("send_at", TS, nullable=False),
        sa.Column("next_attempt_at", TS, nullable=False),
        sa.Column("claimed_until", TS),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("sent_at", TS),
        sa.Column("provider_id", sa.String(64)),
        sa.Column("failed_reason", sa.String(200)),
        sa.Column("last_error", sa.String(500)),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_index("ix_message_patient_id", "message", ["patient_id"])
    op.create_index("ix_message_dose_id", "message", ["dose_id"])
    op.create_index("ix_message_provider_id", "message", ["provider_id"])
    op.create_index(
        "ix_message_due",
        "message",
        ["next_attempt_at"],
        sqlite_where=QUEUED,
        postgresql_where=QUEUED,
    )
    op.create_index(
        "ix_message_lease",
        "message",
        ["claimed_until"],
        sqlite_where=SENDING,
        postgresql_where=SENDING,
    )


def downgrade() -> None:
    for table in ("message", "inboundmessage", "dose", "contact", "patient", "heartbeat"):
        op.drop_table(table)
