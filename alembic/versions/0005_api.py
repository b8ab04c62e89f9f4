"""The coordinators' API: when each key was last used, and broadcasts.

Revision ID: 0005_api
Revises: 0004_trust
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0005_api"
down_revision = "0004_trust"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("apikey") as batch:
        batch.add_column(
            sa.Column("last_used_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )
    op.create_table(
        "broadcast",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("actor", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("zone_ids", sa.JSON(), nullable=False),
        sa.Column("roles", sa.JSON(), nullable=False),
        sa.Column("body_es", sa.Text(), nullable=True),
        sa.Column("body_en", sa.Text(), nullable=True),
        sa.Column("recipients", sa.Integer(), nullable=False),
        sa.Column("segments", sa.Integer(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("broadcast") as batch:
        batch.create_index(batch.f("ix_broadcast_created_at"), ["created_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("broadcast") as batch:
        batch.drop_index(batch.f("ix_broadcast_created_at"))
    op.drop_table("broadcast")
    with op.batch_alter_table("apikey") as batch:
        batch.drop_column("last_used_at")
