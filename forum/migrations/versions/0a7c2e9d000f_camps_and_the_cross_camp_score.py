"""camps from votes, the cross-camp score, and scores hidden while a thread is new

Revision ID: 0a7c2e9d000f
Revises: f9b5d0c7000e
Create Date: 2026-12-03 15:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0a7c2e9d000f'
down_revision = 'f9b5d0c7000e'
branch_labels = None
depends_on = None

# forum.ranking.vote_lean when this was written.
LEAN = "CASE posts.stance WHEN 'agree' THEN votes.value WHEN 'disagree' THEN -votes.value ELSE 0 END"


def upgrade():
    # Plain string defaults, not expressions: with an expression Alembic rebuilds the SQLite
    # table, which loses its AUTOINCREMENT. PostgreSQL reads '1' as true.
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lean', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('votes_cast', sa.Integer(), nullable=False,
                                      server_default='0'))
    with op.batch_alter_table('votes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('camp', sa.String(length=1), nullable=True))
        batch_op.add_column(sa.Column('lean', sa.SmallInteger(), nullable=False,
                                      server_default='0'))
    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('hide_new_scores', sa.Boolean(), nullable=False,
                                      server_default='1'))
    with op.batch_alter_table('posts', schema=None) as batch_op:
        for column in ('up_a', 'down_a', 'up_b', 'down_b'):
            batch_op.add_column(sa.Column(column, sa.Integer(), nullable=False,
                                          server_default='0'))
        batch_op.add_column(sa.Column('grain', sa.Double(), nullable=False, server_default='0'))
    op.drop_index('ix_posts_thread_id_stance_best', table_name='posts')
    op.drop_index('ix_posts_article_id_stance_best', table_name='posts')
    op.create_index('ix_posts_thread_id_stance_grain', 'posts', ['thread_id', 'stance', 'grain'])
    op.create_index('ix_posts_article_id_stance_grain', 'posts',
                    ['article_id', 'stance', 'grain'])
    op.create_index('ix_posts_thread_id_stance_created_at', 'posts',
                    ['thread_id', 'stance', 'created_at'])

    # The votes cast so far were cast by no camp (there were none): each still moves its
    # voter's lean, and a post's cross-camp score is half its Wilson bound (w = 0.5, no votes
    # across camps); `forum recount` recomputes it for another FLASK_GRAIN_WEIGHT.
    op.execute(f"UPDATE votes SET lean = (SELECT {LEAN} FROM posts WHERE posts.id = votes.post_id)")
    op.execute("UPDATE users SET votes_cast = (SELECT count(*) FROM votes WHERE votes.user_id = users.id), "
               "lean = (SELECT coalesce(sum(votes.lean), 0) FROM votes WHERE votes.user_id = users.id)")
    op.execute("UPDATE posts SET grain = best * 0.5 WHERE stance IS NOT NULL")
    op.execute("UPDATE posts SET grain = best WHERE stance IS NULL")


def downgrade():
    op.drop_index('ix_posts_thread_id_stance_created_at', table_name='posts')
    op.drop_index('ix_posts_article_id_stance_grain', table_name='posts')
    op.drop_index('ix_posts_thread_id_stance_grain', table_name='posts')
    op.create_index('ix_posts_thread_id_stance_best', 'posts', ['thread_id', 'stance', 'best'])
    op.create_index('ix_posts_article_id_stance_best', 'posts', ['article_id', 'stance', 'best'])
    with op.batch_alter_table('posts', schema=None) as batch_op:
        for column in ('grain', 'down_b', 'up_b', 'down_a', 'up_a'):
            batch_op.drop_column(column)
    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.drop_column('hide_new_scores')
    with op.batch_alter_table('votes', schema=None) as batch_op:
        batch_op.drop_column('lean')
        batch_op.drop_column('camp')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('votes_cast')
        batch_op.drop_column('lean')
