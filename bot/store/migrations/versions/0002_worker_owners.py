"""worker owners: which gateway process handles a worker's messages

Revision ID: 0002
Revises: 0001
"""

from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('gateway_processes',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('gateway_processes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_gateway_processes_seen_at'), ['seen_at'], unique=False)
    with op.batch_alter_table('workers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('owner', sa.String(length=36), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('workers', schema=None) as batch_op:
        batch_op.drop_column('owner')
    with op.batch_alter_table('gateway_processes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_gateway_processes_seen_at'))
    op.drop_table('gateway_processes')
