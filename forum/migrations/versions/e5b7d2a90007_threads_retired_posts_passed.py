"""threads and posts: when the article's author withdrew a thread, or passed over a challenge

Revision ID: e5b7d2a90007
Revises: d8e3b1f60006
Create Date: 2026-12-02 07:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e5b7d2a90007'
down_revision = 'd8e3b1f60006'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('threads', schema=None) as batch_op:
        batch_op.add_column(sa.Column('retired_at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('desk_passed_at', sa.DateTime(timezone=True),
                                      nullable=True))


def downgrade():
    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.drop_column('desk_passed_at')
    with op.batch_alter_table('threads', schema=None) as batch_op:
        batch_op.drop_column('retired_at')
