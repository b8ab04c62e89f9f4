"""Drop alert.body_key: written nowhere, read nowhere (the template follows from reason and
audience in core.audience).

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("alert") as batch:
        batch.drop_column("body_key")


def downgrade() -> None:
    with op.batch_alter_table("alert") as batch:
        batch.add_column(sa.Column("body_key", sqlmodel.sql.sqltypes.AutoString(), nullable=True))
