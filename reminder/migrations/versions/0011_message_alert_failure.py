"""messages: the alert a notice is about, as a column rather than inside its key; a failure code
beside failed_reason's words

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The words failed_reason was written in, by pattern, and the code each stands for; the first
# pattern that matches wins, so "address blocked: Twilio 21211: ..." is "blocked".
_WORDS = [
    ("not delivered:%", "not_delivered"),
    ("address blocked:%", "blocked"),
    ("too late:%", "too_late"),
    ("template error:%", "template_error"),
    ("retry limit:%", "retry_limit"),
    ("not retried: two sends%", "sent_twice"),
    ("the dose window closed%", "window_closed"),
    ("dose window closed", "window_closed"),
    ("dose taken", "answered"),
    ("dose skipped", "answered"),
    ("snoozed", "answered"),
    ("paused", "paused"),
    ("patient paused", "paused"),
    ("opted out%", "opted_out"),
    ("contact opted out", "opted_out"),
    ("patient opted out", "opted_out"),
    ("Twilio 21610:%", "opted_out"),
    ("Twilio 21211:%", "unreachable"),
    ("Twilio 21214:%", "unreachable"),
    ("Twilio 21614:%", "unreachable"),
]


def upgrade() -> None:
    with op.batch_alter_table("message") as batch:
        batch.add_column(sa.Column("alert_id", sa.Integer))
        batch.add_column(sa.Column("failure", sa.String(16)))
        batch.create_foreign_key("fk_message_alert_id", "alert", ["alert_id"], ["id"])
        batch.create_index("ix_message_alert_id", ["alert_id"])
    # Until now the alert was read back out of the key, alert:{id}:contact:{c}, alert:{id}:fallback,
    # alert:{id}:ack:...; the colon after the id keeps alert:1: from matching alert:12:.
    op.execute(
        "UPDATE message SET alert_id = ("
        " SELECT alert.id FROM alert WHERE message.idempotency_key LIKE 'alert:' || alert.id || ':%'"
        ") WHERE idempotency_key LIKE 'alert:%'"
    )
    message = sa.table(
        "message",
        sa.column("status", sa.String),
        sa.column("failed_reason", sa.String),
        sa.column("failure", sa.String),
    )
    # Any other failed message was a provider's permanent refusal, in the provider's words.
    otherwise = sa.case((message.c.status == "failed", "permanent"), else_="cancelled")
    code = sa.case(
        *((message.c.failed_reason.like(pattern), code) for pattern, code in _WORDS),
        else_=otherwise,
    )
    op.execute(sa.update(message).where(message.c.failed_reason.is_not(None)).values(failure=code))


def downgrade() -> None:
    with op.batch_alter_table("message") as batch:
        batch.drop_index("ix_message_alert_id")
        batch.drop_constraint("fk_message_alert_id", type_="foreignkey")
        batch.drop_column("failure")
        batch.drop_column("alert_id")
