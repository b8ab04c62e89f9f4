"""Broadcasts answer at once and write their texts in a job: broadcast.status says how far
(queued, writing, written). Broadcasts sent before were written in their request.

Revision ID: 0011_broadcast_status
Revises: 0010_message_lane
"""

import sqlalchemy as sa
import sqlmodel

from alembic import op

revision = "0011_broadcast_status"
down_revision = "0010_message_lane"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("broadcast") as batch:
        batch.add_column(
            sa.Column(
                "status",
                sqlmodel.sql.sqltypes.AutoString(),
                nullable=False,
                server_default="written",
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("broadcast") as batch:
        batch.drop_column("status")
