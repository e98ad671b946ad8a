"""deleted posts are kept for their undo, then purged: an index of the few deleted

Revision ID: f9b5d0c7000e
Revises: e8a4c9b6000d
Create Date: 2026-12-03 14:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f9b5d0c7000e'
down_revision = 'e8a4c9b6000d'
branch_labels = None
depends_on = None

DELETED = 'deleted_at IS NOT NULL'


def upgrade():
    op.create_index('ix_posts_deleted_at', 'posts', ['deleted_at'], unique=False,
                    sqlite_where=sa.text(DELETED), postgresql_where=sa.text(DELETED))


def downgrade():
    op.drop_index('ix_posts_deleted_at', table_name='posts')
