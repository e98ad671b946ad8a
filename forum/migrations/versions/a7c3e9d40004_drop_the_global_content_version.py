"""settings: drop the one content version every write bumped; page versions are per scope now

Revision ID: a7c3e9d40004
Revises: f01d0a5e0003
Create Date: 2026-12-02 02:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a7c3e9d40004'
down_revision = 'f01d0a5e0003'
branch_labels = None
depends_on = None

settings = sa.table('settings', sa.column('key', sa.String), sa.column('value', sa.String))


def upgrade():
    # The page cache keeps its versions beside the cached pages (forum/pagecache/versions.py).
    op.execute(settings.delete().where(settings.c.key == 'content_version'))


def downgrade():
    # The old code made the row again at its first write.
    pass
