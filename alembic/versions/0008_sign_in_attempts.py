"""Console sign-in attempts replace the failures table: every attempt is written before its
password is checked (with its client's keyed hash and its state), so parallel attempts count each
other and a client's failures can be told from an account's.

Revision ID: 0008_sign_in_attempts
Revises: 0007_media
"""

import sqlalchemy as sa
import sqlmodel

from alembic import op

revision = "0008_sign_in_attempts"
down_revision = "0007_media"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "consolesigninattempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username_hash", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("client_hash", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("state", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("clean", sa.Boolean(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("checked_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("consolesigninattempt") as batch:
        batch.create_index(
            batch.f("ix_consolesigninattempt_username_hash"), ["username_hash"], unique=False
        )
        batch.create_index(
            batch.f("ix_consolesigninattempt_client_hash"), ["client_hash"], unique=False
        )
        batch.create_index(
            batch.f("ix_consolesigninattempt_created_at"), ["created_at"], unique=False
        )
    # Past failures last a quarter of an hour: nothing worth carrying over.
    op.drop_table("consoleloginfailure")


def downgrade() -> None:
    op.create_table(
        "consoleloginfailure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username_hash", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("consoleloginfailure") as batch:
        batch.create_index(
            batch.f("ix_consoleloginfailure_username_hash"), ["username_hash"], unique=False
        )
        batch.create_index(
            batch.f("ix_consoleloginfailure_created_at"), ["created_at"], unique=False
        )
    op.drop_table("consolesigninattempt")
