"""index posts by author and time (for the look for a repeated post)

Revision ID: d0b1e5b10002
Revises: 5e55101a0001
Create Date: 2026-12-01 22:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd0b1e5b10002'
down_revision = '5e55101a0001'
branch_labels = None
depends_on = None


def upgrade():
    # The author's posts in time order serve every look-up by author that the old index did.
    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_posts_author_id_created_at'), ['author_id', 'created_at'], unique=False
        )
        batch_op.drop_index(batch_op.f('ix_posts_author_id'))


def downgrade():
    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_posts_author_id'), ['author_id'], unique=False)
        batch_op.drop_index(batch_op.f('ix_posts_author_id_created_at'))
