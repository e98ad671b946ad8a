"""account confirmation, session token and deletion

Revision ID: 4385d0a1d8f5
Revises: 40cf94e7ca61
Create Date: 2026-11-29 05:33:47.710426

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '4385d0a1d8f5'
down_revision = '40cf94e7ca61'
branch_labels = None
depends_on = None


def upgrade():
    # Existing accounts start unconfirmed, and with the empty session token under which
    # their current sessions stay valid.
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email_confirmed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('session_token', sa.String(length=64), server_default='', nullable=False))
        batch_op.add_column(sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('deleted_at')
        batch_op.drop_column('session_token')
        batch_op.drop_column('email_confirmed_at')
