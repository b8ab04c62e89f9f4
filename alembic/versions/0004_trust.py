"""trust: report flags, responder notes, negative reports on incidents

Revision ID: 0004_trust
Revises: 0003
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0004_trust"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("report") as batch:
        batch.add_column(sa.Column("flag", sqlmodel.sql.sqltypes.AutoString(), nullable=True))
    with op.batch_alter_table("incident") as batch:
        batch.add_column(
            sa.Column("negative_count", sa.Integer(), nullable=False, server_default="0")
        )
    with op.batch_alter_table("incidentnote") as batch:
        batch.add_column(
            sa.Column(
                "kind",
                sqlmodel.sql.sqltypes.AutoString(),
                nullable=False,
                server_default="coordinator",
            )
        )
        batch.add_column(
            sa.Column("negative", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("incidentnote") as batch:
        batch.drop_column("negative")
        batch.drop_column("kind")
    with op.batch_alter_table("incident") as batch:
        batch.drop_column("negative_count")
    with op.batch_alter_table("report") as batch:
        batch.drop_column("flag")
