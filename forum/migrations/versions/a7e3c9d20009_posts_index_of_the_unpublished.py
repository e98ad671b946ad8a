"""an index of each thread's posts that are not published

Revision ID: a7e3c9d20009
Revises: f2c8d4a10008
Create Date: 2026-12-02 18:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a7e3c9d20009'
down_revision = 'f2c8d4a10008'
branch_labels = None
depends_on = None

UNPUBLISHED = "status != 'published'"


def upgrade():
    # Held and rejected posts, which are few: a post's page number counts those ahead of it in
    # the thread's order index alone, less the ones here that the reader may not see.
    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.create_index(
            'ix_posts_thread_unpublished',
            ['thread_id', 'parent_id', 'status', 'author_id', 'best', 'score', 'controversy',
             'created_at'],
            sqlite_where=sa.text(UNPUBLISHED),
            postgresql_where=sa.text(UNPUBLISHED),
        )


def downgrade():
    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.drop_index('ix_posts_thread_unpublished')
