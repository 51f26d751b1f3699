"""messages: whom each is for (patient, contact, operator); addresses blocked after a permanent error

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Read back as aware UTC by reminder.models.UTCDateTime; the column type is plain.
TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("message") as batch:
        batch.add_column(
            sa.Column("recipient", sa.String(16), nullable=False, server_default="patient")
        )
    # Until now the recipient was guessed from contact_id and the key; write down what it was.
    op.execute("UPDATE message SET recipient = 'contact' WHERE contact_id IS NOT NULL")
    op.execute(
        "UPDATE message SET recipient = 'operator'"
        " WHERE contact_id IS NULL AND idempotency_key LIKE 'alert%fallback%'"
    )
    with op.batch_alter_table("message") as batch:
        batch.alter_column("recipient", server_default=None)
    op.create_table(
        "blockedaddress",
        sa.Column("address", sa.String(254), primary_key=True),
        sa.Column("reason", sa.String(200), nullable=False),
        sa.Column("created_at", TS, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("blockedaddress")
    with op.batch_alter_table("message") as batch:
        batch.drop_column("recipient")
