"""Photos: what residents attach to a report (inboundmedia), how many came with each
message (inboundmessage.media_count), and the message a responder's note came in
(incidentnote.inbound_id), whose photos the note shows.

Revision ID: 0007_media
Revises: 0006_beyond
"""

import sqlalchemy as sa
import sqlmodel

from alembic import op

revision = "0007_media"
down_revision = "0006_beyond"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("inboundmessage") as batch:
        batch.add_column(
            sa.Column("media_count", sa.Integer(), nullable=False, server_default="0")
        )
    with op.batch_alter_table("incidentnote") as batch:
        batch.add_column(sa.Column("inbound_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_incidentnote_inbound_id", "inboundmessage", ["inbound_id"], ["id"]
        )
    op.create_table(
        "inboundmedia",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("inbound_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("message_sid", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("media_sid", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("content_type", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("received_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["inbound_id"], ["inboundmessage.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("media_sid"),
    )
    with op.batch_alter_table("inboundmedia") as batch:
        batch.create_index(batch.f("ix_inboundmedia_inbound_id"), ["inbound_id"], unique=False)
        batch.create_index(batch.f("ix_inboundmedia_received_at"), ["received_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("inboundmedia") as batch:
        batch.drop_index(batch.f("ix_inboundmedia_received_at"))
        batch.drop_index(batch.f("ix_inboundmedia_inbound_id"))
    op.drop_table("inboundmedia")
    with op.batch_alter_table("incidentnote") as batch:
        batch.drop_constraint("fk_incidentnote_inbound_id", type_="foreignkey")
        batch.drop_column("inbound_id")
    with op.batch_alter_table("inboundmessage") as batch:
        batch.drop_column("media_count")
