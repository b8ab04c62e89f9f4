"""voice calls: a caller's answers between Twilio's requests (core.voice.VoiceCall)

Revision ID: 0002
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('voicecall',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('call_sid', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('language', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('place_text', sa.Text(), nullable=True),
    sa.Column('digits', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('recording_url', sa.Text(), nullable=True),
    sa.Column('speech_failures', sa.Integer(), nullable=False),
    sa.Column('finalised_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('call_sid')
    )
    with op.batch_alter_table('voicecall', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_voicecall_created_at'), ['created_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('voicecall', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_voicecall_created_at'))

    op.drop_table('voicecall')
