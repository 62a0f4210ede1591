"""reward makers and nominee consent: who changed an amount, approvals per amount, consent codes

``reward_amount_change`` records every change of a proposed reward's amount: whoever set an amount
is a maker of it and never approves it. ``reward.amount_version`` counts the changes and each
approval records the version it approved, so a change leaves earlier approvals uncounted (the
unique rule becomes one decision per approver and amount). ``nomination.consent_code_hash`` and
``consented_at`` hold the nominee's own consent to the honour board: the nominator's tick no longer
publishes anyone, so nominees named before this revision stay off the board until they agree.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 07:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('reward_amount_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reward_id', sa.Integer(), nullable=False),
    sa.Column('changed_by_id', sa.Integer(), nullable=False),
    sa.Column('old_fen', sa.Integer(), nullable=False),
    sa.Column('new_fen', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['changed_by_id'], ['user.id'], name=op.f('fk_reward_amount_change_changed_by_id_user')),
    sa.ForeignKeyConstraint(['reward_id'], ['reward.id'], name=op.f('fk_reward_amount_change_reward_id_reward')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reward_amount_change'))
    )
    op.create_index(op.f('ix_reward_amount_change_reward_id'), 'reward_amount_change', ['reward_id'], unique=False)

    # Columns added in place (no table rebuild: other tables point at nomination and reward).
    op.add_column('nomination', sa.Column('consent_code_hash', sa.String(length=64), nullable=True))
    op.add_column('nomination', sa.Column('consented_at', sa.DateTime(), nullable=True))
    op.create_index('uq_nomination_consent_code_hash', 'nomination', ['consent_code_hash'], unique=True)
    op.add_column('reward', sa.Column('amount_version', sa.Integer(), server_default='0', nullable=False))

    # Nothing points at reward_approval, so SQLite may rebuild it to change the unique rule.
    with op.batch_alter_table('reward_approval', schema=None) as batch_op:
        batch_op.add_column(sa.Column('amount_version', sa.Integer(), server_default='0', nullable=False))
        batch_op.drop_constraint(batch_op.f('uq_reward_approval_reward_id_approver_id'), type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_reward_approval_reward_id_approver_id_amount_version'), ['reward_id', 'approver_id', 'amount_version'])


def downgrade():
    # Fails (as it should) while one approver has decided on a reward at two amounts: resolve first.
    with op.batch_alter_table('reward_approval', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_reward_approval_reward_id_approver_id_amount_version'), type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_reward_approval_reward_id_approver_id'), ['reward_id', 'approver_id'])
        batch_op.drop_column('amount_version')

    op.drop_column('reward', 'amount_version')
    op.drop_index('uq_nomination_consent_code_hash', table_name='nomination')
    op.drop_column('nomination', 'consented_at')
    op.drop_column('nomination', 'consent_code_hash')
    op.drop_index(op.f('ix_reward_amount_change_reward_id'), table_name='reward_amount_change')
    op.drop_table('reward_amount_change')
