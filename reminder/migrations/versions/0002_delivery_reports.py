"""delivery reports: when a message was delivered, the provider's status and SMS segments

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("message") as batch:
        batch.add_column(sa.Column("delivered_at", sa.DateTime(timezone=True)))
        batch.add_column(sa.Column("provider_status", sa.String(200)))
        batch.add_column(sa.Column("segments", sa.Integer))
        # Email Message-IDs run longer than SMS ids.
        batch.alter_column("provider_id", existing_type=sa.String(64), type_=sa.String(255))


def downgrade() -> None:
    with op.batch_alter_table("message") as batch:
        batch.alter_column("provider_id", existing_type=sa.String(255), type_=sa.String(64))
        batch.drop_column("segments")
        batch.drop_column("provider_status")
        batch.drop_column("delivered_at")
