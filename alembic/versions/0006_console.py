"""console: named users, their sessions, failed sign-ins

Revision ID: 0004_console
Revises: 0005_api
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = "0004_console"
down_revision = "0005_api"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "consoleuser",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("role", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("language", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("password_hash", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("disabled_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("consoleuser", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_consoleuser_username"), ["username"], unique=True)

    op.create_table(
        "consolesession",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("csrf_token", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("expires_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("revoked_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["consoleuser.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("consolesession", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_consolesession_token_hash"), ["token_hash"], unique=True)
        batch_op.create_index(batch_op.f("ix_consolesession_user_id"), ["user_id"], unique=False)

    op.create_table(
        "consoleloginfailure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username_hash", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("consoleloginfailure", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_consoleloginfailure_username_hash"), ["username_hash"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_consoleloginfailure_created_at"), ["created_at"], unique=False
        )


def downgrade() -> None:
    op.drop_table("consoleloginfailure")
    op.drop_table("consolesession")
    op.drop_table("consoleuser")
