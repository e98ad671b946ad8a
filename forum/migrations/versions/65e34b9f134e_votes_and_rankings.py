"""votes and rankings

Revision ID: 65e34b9f134e
Revises: 745592f04e26
Create Date: 2026-11-29 04:48:33.482756

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '65e34b9f134e'
down_revision = '745592f04e26'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('votes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('value', sa.SmallInteger(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('value IN (-1, 1)', name=op.f('ck_votes_value_is_up_or_down')),
    sa.ForeignKeyConstraint(['post_id'], ['posts.id'], name=op.f('fk_votes_post_id_posts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_votes_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_votes')),
    sa.UniqueConstraint('post_id', 'user_id', name=op.f('uq_votes_post_id'))
    )
    with op.batch_alter_table('votes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_votes_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('hot', sa.Double(), nullable=False, server_default='0'))
        batch_op.create_index('ix_articles_status_hot', ['status', 'hot'], unique=False)

    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('article_id', sa.Integer(), nullable=True))
        for name, kind in (('up', sa.Integer()), ('down', sa.Integer()), ('score', sa.Integer()),
                           ('best', sa.Double()), ('controversy', sa.Double())):
            batch_op.add_column(sa.Column(name, kind, nullable=False, server_default='0'))
    # Existing posts take their article from their thread.
    op.execute(
        'UPDATE posts SET article_id = '
        '(SELECT threads.article_id FROM threads WHERE threads.id = posts.thread_id)'
    )
    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.alter_column('article_id', existing_type=sa.Integer(), nullable=False)
        batch_op.create_index('ix_posts_article_id_stance_best', ['article_id', 'stance', 'best'], unique=False)
        batch_op.create_index('ix_posts_thread_id_parent_id_best', ['thread_id', 'parent_id', 'best'], unique=False)
        batch_op.create_index('ix_posts_thread_id_parent_id_controversy', ['thread_id', 'parent_id', 'controversy'], unique=False)
        batch_op.create_index('ix_posts_thread_id_parent_id_score', ['thread_id', 'parent_id', 'score'], unique=False)
        batch_op.create_index('ix_posts_thread_id_stance_best', ['thread_id', 'stance', 'best'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_posts_article_id_articles'), 'articles', ['article_id'], ['id'], ondelete='CASCADE')

    with op.batch_alter_table('threads', schema=None) as batch_op:
        batch_op.add_column(sa.Column('hot', sa.Double(), nullable=False, server_default='0'))



def downgrade():
    with op.batch_alter_table('threads', schema=None) as batch_op:
        batch_op.drop_column('hot')

    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_posts_article_id_articles'), type_='foreignkey')
        batch_op.drop_index('ix_posts_thread_id_stance_best')
        batch_op.drop_index('ix_posts_thread_id_parent_id_score')
        batch_op.drop_index('ix_posts_thread_id_parent_id_controversy')
        batch_op.drop_index('ix_posts_thread_id_parent_id_best')
        batch_op.drop_index('ix_posts_article_id_stance_best')
        batch_op.drop_column('controversy')
        batch_op.drop_column('best')
        batch_op.drop_column('score')
        batch_op.drop_column('down')
        batch_op.drop_column('up')
        batch_op.drop_column('article_id')

    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.drop_index('ix_articles_status_hot')
        batch_op.drop_column('hot')

    with op.batch_alter_table('votes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_votes_user_id'))

    op.drop_table('votes')
