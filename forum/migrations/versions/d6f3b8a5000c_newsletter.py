"""the newsletter: subscribers, weekly issues and their deliveries

Revision ID: d6f3b8a5000c
Revises: c5e2a7f4000b
Create Date: 2026-12-03 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd6f3b8a5000c'
down_revision = 'c5e2a7f4000b'
branch_labels = None
depends_on = None

# forum.models.newsletter.SubscriberStatus when this was written.
STATUSES = ('pending', 'confirmed', 'unsubscribed')


def upgrade():
    # Ids are in signed links (confirm, unsubscribe): AUTOINCREMENT, so SQLite never hands a
    # deleted one out again.
    op.create_table('newsletter_subscribers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('locale', sa.String(length=8), nullable=False),
    sa.Column('status', sa.Enum(*STATUSES, name='subscriberstatus', native_enum=False,
                                length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('mailed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('unsubscribed_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_newsletter_subscribers')),
    sa.UniqueConstraint('email', name=op.f('uq_newsletter_subscribers_email')),
    sqlite_autoincrement=True
    )

    op.create_table('newsletter_issues',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('week', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=True),
    sa.Column('period_start', sa.DateTime(timezone=True), nullable=False),
    sa.Column('period_end', sa.DateTime(timezone=True), nullable=False),
    sa.Column('contents', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('sender', sa.String(length=32), nullable=True),
    sa.Column('lease_until', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_newsletter_issues')),
    sa.UniqueConstraint('number', name=op.f('uq_newsletter_issues_number')),
    sa.UniqueConstraint('year', 'week', name=op.f('uq_newsletter_issues_year')),
    sqlite_autoincrement=True
    )

    op.create_table('newsletter_deliveries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('issue_id', sa.Integer(), nullable=False),
    sa.Column('subscriber_id', sa.Integer(), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('refused', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['issue_id'], ['newsletter_issues.id'], name=op.f('fk_newsletter_deliveries_issue_id_newsletter_issues'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['subscriber_id'], ['newsletter_subscribers.id'], name=op.f('fk_newsletter_deliveries_subscriber_id_newsletter_subscribers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_newsletter_deliveries')),
    sa.UniqueConstraint('issue_id', 'subscriber_id', name=op.f('uq_newsletter_deliveries_issue_id'))
    )
    with op.batch_alter_table('newsletter_deliveries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_newsletter_deliveries_subscriber_id'),
                              ['subscriber_id'], unique=False)


def downgrade():
    with op.batch_alter_table('newsletter_deliveries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_newsletter_deliveries_subscriber_id'))
    op.drop_table('newsletter_deliveries')
    op.drop_table('newsletter_issues')
    op.drop_table('newsletter_subscribers')
