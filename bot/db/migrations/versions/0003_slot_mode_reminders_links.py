"""consultation mode per slot, booking reminders, used one-time booking links

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 03:40:00
"""
from alembic import op
import sqlalchemy as sa
import bot.db.base


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('consultation_slot') as batch:
        batch.add_column(sa.Column('mode', sa.String(length=8), server_default='desk',
                                   nullable=False))
        batch.create_check_constraint(op.f('ck_consultation_slot_slot_mode'), "mode IN ('desk', 'phone', 'video')")
    with op.batch_alter_table('booking') as batch:
        batch.add_column(sa.Column('reminder_claimed_at', bot.db.base.UTCDateTime(timezone=True),
                                   nullable=True))
        batch.add_column(sa.Column('reminded_start', bot.db.base.UTCDateTime(timezone=True),
                                   nullable=True))
        batch.add_column(sa.Column('reminder_sent_at', bot.db.base.UTCDateTime(timezone=True),
                                   nullable=True))
    op.create_table('booking_link_use',
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('reference', sa.String(length=16), nullable=False),
    sa.Column('used_at', bot.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('token_hash', name=op.f('pk_booking_link_use'))
    )
    op.create_index(op.f('ix_booking_link_use_reference'), 'booking_link_use', ['reference'],
                    unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_booking_link_use_reference'), table_name='booking_link_use')
    op.drop_table('booking_link_use')
    with op.batch_alter_table('booking') as batch:
        batch.drop_column('reminder_sent_at')
        batch.drop_column('reminded_start')
        batch.drop_column('reminder_claimed_at')
    with op.batch_alter_table('consultation_slot') as batch:
        batch.drop_constraint(op.f('ck_consultation_slot_slot_mode'), type_='check')
        batch.drop_column('mode')
