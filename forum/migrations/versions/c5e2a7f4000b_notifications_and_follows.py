"""notifications and follows; users keep their unread count and follow settings

Revision ID: c5e2a7f4000b
Revises: b4d1f6e3000a
Create Date: 2026-12-03 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c5e2a7f4000b'
down_revision = 'b4d1f6e3000a'
branch_labels = None
depends_on = None

# forum.models.notification's NEW_POSTS and UNREAD when this was written.
NEW_POSTS = "kind = 'new_posts'"
UNREAD = 'read_at IS NULL'
KINDS = ('reply', 'author_reply', 'new_posts', 'featured', 'hidden', 'held', 'approved',
         'rejected')


def upgrade():
    # Everyone starts with nothing unread and follows the threads they post in from now on.
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('unread_notifications', sa.Integer(), nullable=False,
                                      server_default='0'))
        batch_op.add_column(sa.Column('follow_version', sa.Integer(), nullable=False,
                                      server_default='0'))
        # A plain '1', not sa.true(): with an expression Alembic rebuilds the SQLite table,
        # which loses its AUTOINCREMENT (user ids are never given out again). PostgreSQL reads
        # '1' as true.
        batch_op.add_column(sa.Column('follow_threads_posted_in', sa.Boolean(), nullable=False,
                                      server_default='1'))

    op.create_table('notifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum(*KINDS, name='notificationkind', native_enum=False, length=16),
              nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=True),
    sa.Column('thread_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=16), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['post_id'], ['posts.id'], name=op.f('fk_notifications_post_id_posts'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['thread_id'], ['threads.id'], name=op.f('fk_notifications_thread_id_threads'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notifications_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notifications')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.create_index('ix_notifications_user_id_updated_at', ['user_id', 'updated_at'],
                              unique=False)
        batch_op.create_index('ix_notifications_user_id_unread', ['user_id'], unique=False,
                              sqlite_where=sa.text(UNREAD), postgresql_where=sa.text(UNREAD))
        batch_op.create_index('ix_notifications_post_id', ['post_id'], unique=False)
        batch_op.create_index('uq_notifications_thread_id_user_id_new_posts',
                              ['thread_id', 'user_id'], unique=True,
                              sqlite_where=sa.text(NEW_POSTS), postgresql_where=sa.text(NEW_POSTS))

    op.create_table('follows',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=True),
    sa.Column('thread_id', sa.Integer(), nullable=True),
    sa.Column('muted', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('(article_id IS NULL) <> (thread_id IS NULL)', name=op.f('ck_follows_one_target')),
    sa.ForeignKeyConstraint(['article_id'], ['articles.id'], name=op.f('fk_follows_article_id_articles'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['thread_id'], ['threads.id'], name=op.f('fk_follows_thread_id_threads'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_follows_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_follows'))
    )
    with op.batch_alter_table('follows', schema=None) as batch_op:
        batch_op.create_index('uq_follows_article_id_user_id', ['article_id', 'user_id'],
                              unique=True)
        batch_op.create_index('uq_follows_thread_id_user_id', ['thread_id', 'user_id'],
                              unique=True)
        batch_op.create_index('ix_follows_user_id', ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('follows', schema=None) as batch_op:
        batch_op.drop_index('ix_follows_user_id')
        batch_op.drop_index('uq_follows_thread_id_user_id')
        batch_op.drop_index('uq_follows_article_id_user_id')
    op.drop_table('follows')

    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index('uq_notifications_thread_id_user_id_new_posts')
        batch_op.drop_index('ix_notifications_post_id')
        batch_op.drop_index('ix_notifications_user_id_unread')
        batch_op.drop_index('ix_notifications_user_id_updated_at')
    op.drop_table('notifications')

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('follow_threads_posted_in')
        batch_op.drop_column('follow_version')
        batch_op.drop_column('unread_notifications')
