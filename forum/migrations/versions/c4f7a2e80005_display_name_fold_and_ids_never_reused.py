"""users: the folded display name, indexed; on SQLite, ids that are never handed out again

Revision ID: c4f7a2e80005
Revises: a7c3e9d40004
Create Date: 2026-12-02 07:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

from forum.names import fold


# revision identifiers, used by Alembic.
revision = 'c4f7a2e80005'
down_revision = 'a7c3e9d40004'
branch_labels = None
depends_on = None

# The tables whose ids are in URLs, cookies and other rows. Without AUTOINCREMENT, SQLite
# gives the next row the highest id + 1, so a deleted newest row's id went to someone else;
# PostgreSQL's sequences never go back, so there this part changes nothing.
KEPT_IDS = ('users', 'articles', 'threads', 'posts', 'flags', 'login_sessions')
# forum.models.user.DISPLAY_NAME_FOLD_LENGTH when this was written.
FOLD_LENGTH = 160

users = sa.table('users', sa.column('id', sa.Integer), sa.column('username', sa.String),
                 sa.column('username_fold', sa.String), sa.column('display_name', sa.String),
                 sa.column('display_name_fold', sa.String))


def _rebuild(autoincrement: bool) -> None:
    if op.get_bind().dialect.name != 'sqlite':
        return
    for name in KEPT_IDS:
        with op.batch_alter_table(
            name, recreate='always', table_kwargs={'sqlite_autoincrement': autoincrement}
        ):
            pass


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('display_name_fold', sa.String(length=FOLD_LENGTH),
                                      nullable=True))
    # Filled in Python: the fold (forum/names.py) has no SQL twin. It now reads æ as ae and
    # ø as o, so the usernames are folded again too.
    connection = op.get_bind()
    rows = connection.execute(sa.select(users.c.id, users.c.username, users.c.display_name))
    for user_id, username, display_name in rows.all():
        connection.execute(
            users.update().where(users.c.id == user_id).values(
                username_fold=fold(username),
                display_name_fold=fold(display_name or '')[:FOLD_LENGTH],
            )
        )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('display_name_fold', existing_type=sa.String(length=FOLD_LENGTH),
                              nullable=False)
        batch_op.create_index(batch_op.f('ix_users_display_name_fold'), ['display_name_fold'],
                              unique=False)
    _rebuild(autoincrement=True)


def downgrade():
    _rebuild(autoincrement=False)
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_users_display_name_fold'))
        batch_op.drop_column('display_name_fold')
