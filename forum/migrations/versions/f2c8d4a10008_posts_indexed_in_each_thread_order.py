"""posts indexed in each of a thread's orders, to the unique id

Revision ID: f2c8d4a10008
Revises: e5b7d2a90007
Create Date: 2026-12-02 18:00:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'f2c8d4a10008'
down_revision = 'e5b7d2a90007'
branch_labels = None
depends_on = None

# Each order of a thread's contributions: its columns after (thread_id, parent_id), before id.
ORDERS = {
    'created_at': ['created_at'],
    'best': ['best', 'created_at'],
    'score': ['score', 'created_at'],
    'controversy': ['controversy', 'created_at'],
}


def upgrade():
    # The whole order in the index: a page needs no sort of the rows it reads, and a post's
    # page number counts one range of the index (a row value compared with the post's).
    with op.batch_alter_table('posts', schema=None) as batch_op:
        for key, columns in ORDERS.items():
            batch_op.create_index(
                f'ix_posts_thread_order_{key}', ['thread_id', 'parent_id', *columns, 'id']
            )
            batch_op.drop_index(f'ix_posts_thread_id_parent_id_{key}')


def downgrade():
    with op.batch_alter_table('posts', schema=None) as batch_op:
        for key, columns in ORDERS.items():
            batch_op.create_index(
                f'ix_posts_thread_id_parent_id_{key}', ['thread_id', 'parent_id', columns[0]]
            )
            batch_op.drop_index(f'ix_posts_thread_order_{key}')
