"""Beyond one SMS: drills (incident.drill, drill), calls after undelivered alerts
(alertcall), WhatsApp (subscriber.channel, message.channel, message.content_sid).

Revision ID: 0006_beyond
Revises: 0004_console
"""

import sqlalchemy as sa
import sqlmodel

from alembic import op

revision = "0006_beyond"
down_revision = "0004_console"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("incident") as batch:
        batch.add_column(
            sa.Column("drill", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.create_table(
        "drill",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("zone_id", sa.Integer(), nullable=False),
        sa.Column("full", sa.Boolean(), nullable=False),
        sa.Column("actor", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["incident_id"], ["incident.id"]),
        sa.ForeignKeyConstraint(["zone_id"], ["zone.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("incident_id"),
    )
    with op.batch_alter_table("drill") as batch:
        batch.create_index(batch.f("ix_drill_zone_id"), ["zone_id"], unique=False)
    op.create_table(
        "alertcall",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("subscriber_id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=True),
        sa.Column("error_code", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("call_sid", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("detail", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("placed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("acknowledged_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["incident_id"], ["incident.id"]),
        sa.ForeignKeyConstraint(["message_id"], ["message.id"]),
        sa.ForeignKeyConstraint(["subscriber_id"], ["subscriber.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("call_sid"),
        sa.UniqueConstraint("message_id"),
    )
    with op.batch_alter_table("alertcall") as batch:
        for column in ("created_at", "incident_id", "status", "subscriber_id"):
            batch.create_index(batch.f(f"ix_alertcall_{column}"), [column], unique=False)

    with op.batch_alter_table("subscriber") as batch:
        batch.add_column(
            sa.Column(
                "channel", sqlmodel.sql.sqltypes.AutoString(), nullable=False, server_default="sms"
            )
        )
    with op.batch_alter_table("message") as batch:
        batch.add_column(
            sa.Column(
                "channel", sqlmodel.sql.sqltypes.AutoString(), nullable=False, server_default="sms"
            )
        )
        batch.add_column(
            sa.Column("content_sid", sqlmodel.sql.sqltypes.AutoString(), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("message") as batch:
        batch.drop_column("content_sid")
        batch.drop_column("channel")
    with op.batch_alter_table("subscriber") as batch:
        batch.drop_column("channel")
    op.drop_table("alertcall")
    with op.batch_alter_table("drill") as batch:
        batch.drop_index(batch.f("ix_drill_zone_id"))
    op.drop_table("drill")
    with op.batch_alter_table("incident") as batch:
        batch.drop_column("drill")
