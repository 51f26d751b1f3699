"""messages: the alert a notice is about, as a column rather than inside its key

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-08
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("message") as batch:
        batch.add_column(sa.Column("alert_id", sa.Integer))
        batch.create_foreign_key("fk_message_alert_id", "alert", ["alert_id"], ["id"])
        batch.create_index("ix_message_alert_id", ["alert_id"])
    # Until now the alert was read back out of the key, alert:{id}:contact:{c}, alert:{id}:fallback,
    # alert:{id}:ack:...; the colon after the id keeps alert:1: from matching alert:12:.
    op.execute(
        "UPDATE message SET alert_id = ("
        " SELECT alert.id FROM alert WHERE message.idempotency_key LIKE 'alert:' || alert.id || ':%'"
        ") WHERE idempotency_key LIKE 'alert:%'"
    )


def downgrade() -> None:
    with op.batch_alter_table("message") as batch:
        batch.drop_index("ix_message_alert_id")
        batch.drop_constraint("fk_message_alert_id", type_="foreignkey")
        batch.drop_column("alert_id")
