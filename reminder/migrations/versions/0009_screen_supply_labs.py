"""patients: vials, refill and flu-advice times, thyroid; check-ins: PHQ-2 answers; lab tests

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

TS = sa.DateTime(timezone=True)

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("patient") as batch:
        batch.add_column(sa.Column("vials", sa.Integer, nullable=True))
        batch.add_column(sa.Column("vials_changed_at", TS, nullable=True))
        batch.add_column(sa.Column("refill_reminded_at", TS, nullable=True))
        batch.add_column(sa.Column("flu_advised_at", TS, nullable=True))
        batch.add_column(
            sa.Column("thyroid", sa.Boolean, nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("next_thyroid_on", sa.Date, nullable=True))
    with op.batch_alter_table("checkin") as batch:
        batch.add_column(sa.Column("phq_interest", sa.Integer, nullable=True))
        batch.add_column(sa.Column("phq_mood", sa.Integer, nullable=True))
    op.create_table(
        "labtest",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("patient_id", sa.Integer, sa.ForeignKey("patient.id"), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("done_on", sa.Date, nullable=False),
        sa.Column("recorded_at", TS, nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
    )
    op.create_index("ix_labtest_patient_id", "labtest", ["patient_id"])


def downgrade() -> None:
    op.drop_index("ix_labtest_patient_id", "labtest")
    op.drop_table("labtest")
    with op.batch_alter_table("checkin") as batch:
        batch.drop_column("phq_mood")
        batch.drop_column("phq_interest")
    with op.batch_alter_table("patient") as batch:
        for column in (
            "next_thyroid_on",
            "thyroid",
            "flu_advised_at",
            "refill_reminded_at",
            "vials_changed_at",
            "vials",
        ):
            batch.drop_column(column)
