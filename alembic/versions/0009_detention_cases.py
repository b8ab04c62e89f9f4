"""Detention cases: a family's report that someone was taken, and legal aid's work on it, with
its notes and texts. Personal data lives only in sealed (``*_enc``) columns.

Revision ID: 0009_detention_cases
Revises: 0008_sign_in_attempts
"""

import sqlalchemy as sa
import sqlmodel

from alembic import op

revision = "0009_detention_cases"
down_revision = "0008_sign_in_attempts"
branch_labels = None
depends_on = None

_STR = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "detention_case",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_sid", _STR(), nullable=False),
        sa.Column("status", _STR(), nullable=False),
        sa.Column("language", _STR(), nullable=False),
        sa.Column("channel", _STR(), nullable=False),
        sa.Column("family_enc", sa.Text(), nullable=True),
        sa.Column("family_hash", _STR(), nullable=False),
        sa.Column("step", _STR(), nullable=False),
        sa.Column("step_until", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("name_enc", sa.Text(), nullable=True),
        sa.Column("birth_enc", sa.Text(), nullable=True),
        sa.Column("place_enc", sa.Text(), nullable=True),
        sa.Column("taken_enc", sa.Text(), nullable=True),
        sa.Column("contact_enc", sa.Text(), nullable=True),
        sa.Column("facility_enc", sa.Text(), nullable=True),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("incident_id", sa.Integer(), nullable=True),
        sa.Column("zone_id", sa.Integer(), nullable=True),
        sa.Column("owner_subscriber_id", sa.Integer(), nullable=True),
        sa.Column("owner", _STR(), nullable=True),
        sa.Column("offered_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("escalated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("taken_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("closed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("purged_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["incident_id"], ["incident.id"]),
        sa.ForeignKeyConstraint(["zone_id"], ["zone.id"]),
        sa.ForeignKeyConstraint(["owner_subscriber_id"], ["subscriber.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("source_sid"),
    )
    with op.batch_alter_table("detention_case") as batch:
        for column in (
            "status",
            "family_hash",
            "incident_id",
            "zone_id",
            "owner_subscriber_id",
            "offered_at",
            "closed_at",
            "created_at",
        ):
            batch.create_index(batch.f(f"ix_detention_case_{column}"), [column], unique=False)
    op.create_table(
        "caseentry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("kind", _STR(), nullable=False),
        sa.Column("author", _STR(), nullable=False),
        sa.Column("text_enc", sa.Text(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["detention_case.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("caseentry") as batch:
        batch.create_index(batch.f("ix_caseentry_case_id"), ["case_id"], unique=False)


def downgrade() -> None:
    op.drop_table("caseentry")
    op.drop_table("detention_case")
