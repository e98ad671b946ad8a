"""posts record the reply a reply answers

Revision ID: b4d1f6e3000a
Revises: a7e3c9d20009
Create Date: 2026-12-02 19:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b4d1f6e3000a'
down_revision = 'a7e3c9d20009'
branch_labels = None
depends_on = None


def upgrade():
    # A plain column: a reply answered may be deleted, and ids are never given out again
    # (AUTOINCREMENT), so a stale one points at nothing rather than at someone else's post.
    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reply_to_id', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.drop_column('reply_to_id')
