"""contacts: each has a language, the one their alerts are written in

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("contact") as batch:
        batch.add_column(sa.Column("language", sa.String(8), nullable=False, server_default="en"))
    # A contact enrolled before languages were per person read what the patient read.
    op.execute(
        "UPDATE contact SET language = "
        "(SELECT patient.language FROM patient WHERE patient.id = contact.patient_id)"
    )


def downgrade() -> None:
    with op.batch_alter_table("contact") as batch:
        batch.drop_column("language")
