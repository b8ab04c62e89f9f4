"""Imports answer at once and run in a job: subscriberimport holds each one's sealed file (until
the job has read it), its status and progress, and its result.

Revision ID: 0012_subscriber_import
Revises: 0011_broadcast_status
"""

import sqlalchemy as sa
import sqlmodel

from alembic import op

revision = "0012_subscriber_import"
down_revision = "0011_broadcast_status"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "subscriberimport",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("actor", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("allow_confirmed", sa.Boolean(), nullable=False),
        sa.Column("csv_enc", sa.Text(), nullable=True),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("processed", sa.Integer(), nullable=False),
        sa.Column("created", sa.Integer(), nullable=False),
        sa.Column("updated", sa.Integer(), nullable=False),
        sa.Column("errors", sa.JSON(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("finished_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("subscriberimport") as batch:
        batch.create_index(
            batch.f("ix_subscriberimport_created_at"), ["created_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("subscriberimport") as batch:
        batch.drop_index(batch.f("ix_subscriberimport_created_at"))
    op.drop_table("subscriberimport")
