"""ingestion keeps per-conversation state beside its cursor

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-03 10:00:00
"""
from alembic import op
import sqlalchemy as sa
import bot.db.base


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('ingest_conversation',
    sa.Column('conversation_id', sa.String(length=255), nullable=False),
    sa.Column('language', sa.String(length=2), nullable=True),
    sa.Column('requested_slot', sa.String(length=64), nullable=True),
    sa.Column('active_loop', sa.String(length=64), nullable=True),
    sa.Column('open_turn', sa.JSON(), nullable=True),
    sa.Column('updated_at', bot.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('conversation_id', name=op.f('pk_ingest_conversation'))
    )


def downgrade() -> None:
    op.drop_table('ingest_conversation')
