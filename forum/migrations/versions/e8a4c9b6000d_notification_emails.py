"""notifications remember being e-mailed; readers choose e-mail per kind

Revision ID: e8a4c9b6000d
Revises: d6f3b8a5000c
Create Date: 2026-12-03 11:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e8a4c9b6000d'
down_revision = 'd6f3b8a5000c'
branch_labels = None
depends_on = None

# forum.models.notification's WAITING when this was written.
WAITING = 'read_at IS NULL AND emailed_at IS NULL'
EMAIL_KINDS = ('author_reply', 'reply', 'new_posts', 'featured', 'moderation')
EMAIL_MODES = ('off', 'instant', 'daily')


def upgrade():
    # What is there already was told in the forum before e-mail existed: none of it is sent.
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('emailed_at', sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE notifications SET emailed_at = created_at")
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.create_index('ix_notifications_user_id_waiting', ['user_id', 'updated_at'],
                              unique=False, sqlite_where=sa.text(WAITING),
                              postgresql_where=sa.text(WAITING))

    op.create_table('email_choices',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum(*EMAIL_KINDS, name='emailkind', native_enum=False, length=16),
              nullable=False),
    sa.Column('mode', sa.Enum(*EMAIL_MODES, name='emailmode', native_enum=False, length=16),
              nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                            name=op.f('fk_email_choices_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'kind', name=op.f('pk_email_choices'))
    )


def downgrade():
    op.drop_table('email_choices')
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index('ix_notifications_user_id_waiting',
                            sqlite_where=sa.text(WAITING), postgresql_where=sa.text(WAITING))
        batch_op.drop_column('emailed_at')
