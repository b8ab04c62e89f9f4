"""Lanes: each outbound text carries what it is for (message.lane, core.enums.Lane), fixed when it
is stored; the sender hands texts to the provider lane by lane.

Revision ID: 0010_message_lane
Revises: 0009_detention_cases
"""

import sqlalchemy as sa

from alembic import op

revision = "0010_message_lane"
down_revision = "0009_detention_cases"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("message") as batch:
        batch.add_column(sa.Column("lane", sa.Integer(), nullable=False, server_default="1"))
    # Texts already stored keep their old order: bulk kinds last, the rest as updates are.
    op.execute("UPDATE message SET lane = 3 WHERE kind IN ('opt_in', 'broadcast')")


def downgrade() -> None:
    with op.batch_alter_table("message") as batch:
        batch.drop_column("lane")
