"""users: the folded username, indexed, for the look-alike check at registration

Revision ID: f01d0a5e0003
Revises: d0b1e5b10002
Create Date: 2026-12-01 23:50:00.000000

"""
from alembic import op
import sqlalchemy as sa

from forum.names import fold


# revision identifiers, used by Alembic.
revision = 'f01d0a5e0003'
down_revision = 'd0b1e5b10002'
branch_labels = None
depends_on = None

users = sa.table('users', sa.column('id', sa.Integer), sa.column('username', sa.String),
                 sa.column('username_fold', sa.String))


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('username_fold', sa.String(length=30), nullable=True))
    # Filled in Python: the fold (forum/names.py) has no SQL twin.
    connection = op.get_bind()
    for user_id, username in connection.execute(sa.select(users.c.id, users.c.username)).all():
        connection.execute(
            users.update().where(users.c.id == user_id).values(username_fold=fold(username))
        )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('username_fold', existing_type=sa.String(length=30), nullable=False)
        batch_op.create_index(batch_op.f('ix_users_username_fold'), ['username_fold'], unique=False)


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_users_username_fold'))
        batch_op.drop_column('username_fold')
