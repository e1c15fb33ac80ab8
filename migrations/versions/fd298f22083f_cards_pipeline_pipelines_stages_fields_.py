"""cards pipeline: pipelines, stages, fields, moves, stage tasks, cards, transactions

Revision ID: fd298f22083f
Revises: f57f7438dd69
Create Date: 2026-11-23 06:09:15.689827

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'fd298f22083f'
down_revision = 'f57f7438dd69'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.create_table('pipelines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('name_uk', sa.String(length=120), nullable=False),
    sa.Column('name_ru', sa.String(length=120), nullable=False),
    sa.Column('name_en', sa.String(length=120), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_pipelines_created_by_id_users'), use_alter=True),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_pipelines_updated_by_id_users'), use_alter=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pipelines')),
    sa.UniqueConstraint('code', name=op.f('uq_pipelines_code'))
    )
    op.create_table('stages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pipeline_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('responsible_role', sa.String(length=40), nullable=False),
    sa.Column('color', sa.String(length=9), nullable=False),
    sa.Column('bucket', sa.String(length=20), nullable=False),
    sa.Column('transactions_allowed', sa.Boolean(), nullable=False),
    sa.Column('deadline_days', sa.Integer(), nullable=False),
    sa.Column('periodic_interval_days', sa.Integer(), nullable=True),
    sa.Column('deadline_rollover', sa.Boolean(), nullable=False),
    sa.Column('is_final', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('name_uk', sa.String(length=120), nullable=False),
    sa.Column('name_ru', sa.String(length=120), nullable=False),
    sa.Column('name_en', sa.String(length=120), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_stages_created_by_id_users'), use_alter=True),
    sa.ForeignKeyConstraint(['pipeline_id'], ['pipelines.id'], name=op.f('fk_stages_pipeline_id_pipelines')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_stages_updated_by_id_users'), use_alter=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stages')),
    sa.UniqueConstraint('pipeline_id', 'code', name='uq_stages_pipeline_code')
    )
    with op.batch_alter_table('stages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stages_pipeline_id'), ['pipeline_id'], unique=False)

    op.create_table('cards',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=32), nullable=False),
    sa.Column('contact_name', sa.String(length=160), nullable=False),
    sa.Column('contact_phone', sa.String(length=40), nullable=False),
    sa.Column('bank_id', sa.Integer(), nullable=True),
    sa.Column('contractor_id', sa.Integer(), nullable=True),
    sa.Column('agent_id', sa.Integer(), nullable=True),
    sa.Column('manager_id', sa.Integer(), nullable=True),
    sa.Column('accountant_id', sa.Integer(), nullable=True),
    sa.Column('pipeline_id', sa.Integer(), nullable=False),
    sa.Column('stage_id', sa.Integer(), nullable=False),
    sa.Column('bucket', sa.String(length=20), nullable=False),
    sa.Column('stage_entered_at', sa.DateTime(), nullable=False),
    sa.Column('bank_answer_date', sa.Date(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('deleted_at', sa.DateTime(), nullable=True),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.ForeignKeyConstraint(['accountant_id'], ['users.id'], name=op.f('fk_cards_accountant_id_users')),
    sa.ForeignKeyConstraint(['agent_id'], ['users.id'], name=op.f('fk_cards_agent_id_users')),
    sa.ForeignKeyConstraint(['bank_id'], ['banks.id'], name=op.f('fk_cards_bank_id_banks')),
    sa.ForeignKeyConstraint(['contractor_id'], ['contractors.id'], name=op.f('fk_cards_contractor_id_contractors')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_cards_created_by_id_users'), use_alter=True),
    sa.ForeignKeyConstraint(['manager_id'], ['users.id'], name=op.f('fk_cards_manager_id_users')),
    sa.ForeignKeyConstraint(['pipeline_id'], ['pipelines.id'], name=op.f('fk_cards_pipeline_id_pipelines')),
    sa.ForeignKeyConstraint(['stage_id'], ['stages.id'], name=op.f('fk_cards_stage_id_stages')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_cards_updated_by_id_users'), use_alter=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cards')),
    sa.UniqueConstraint('number', name=op.f('uq_cards_number'))
    )
    with op.batch_alter_table('cards', schema=None) as batch_op:
        batch_op.create_index('ix_cards_accountant_id', ['accountant_id', 'id'], unique=False)
        batch_op.create_index('ix_cards_agent_id', ['agent_id', 'id'], unique=False)
        batch_op.create_index('ix_cards_bank_id', ['bank_id', 'id'], unique=False)
        batch_op.create_index('ix_cards_bucket_id', ['bucket', 'id'], unique=False)
        batch_op.create_index('ix_cards_contact_name_trgm', ['contact_name'], unique=False, postgresql_using='gin', postgresql_ops={'contact_name': 'gin_trgm_ops'})
        batch_op.create_index('ix_cards_contact_phone_trgm', ['contact_phone'], unique=False, postgresql_using='gin', postgresql_ops={'contact_phone': 'gin_trgm_ops'})
        batch_op.create_index('ix_cards_contractor_id', ['contractor_id', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cards_deleted_at'), ['deleted_at'], unique=False)
        batch_op.create_index('ix_cards_manager_id', ['manager_id', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cards_stage_id'), ['stage_id'], unique=False)

    op.create_table('stage_fields',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('stage_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('label_uk', sa.String(length=160), nullable=False),
    sa.Column('label_ru', sa.String(length=160), nullable=False),
    sa.Column('label_en', sa.String(length=160), nullable=False),
    sa.Column('type', sa.String(length=10), nullable=False),
    sa.Column('required', sa.Boolean(), nullable=False),
    sa.Column('choices', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['stage_id'], ['stages.id'], name=op.f('fk_stage_fields_stage_id_stages'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stage_fields')),
    sa.UniqueConstraint('stage_id', 'name', name='uq_stage_fields_stage_name')
    )
    with op.batch_alter_table('stage_fields', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stage_fields_stage_id'), ['stage_id'], unique=False)

    op.create_table('stage_moves',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('from_stage_id', sa.Integer(), nullable=False),
    sa.Column('to_stage_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['from_stage_id'], ['stages.id'], name=op.f('fk_stage_moves_from_stage_id_stages'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['to_stage_id'], ['stages.id'], name=op.f('fk_stage_moves_to_stage_id_stages'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stage_moves')),
    sa.UniqueConstraint('from_stage_id', 'to_stage_id', name='uq_stage_moves_from_to')
    )
    op.create_table('stage_tasks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subject_type', sa.String(length=20), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('stage_id', sa.Integer(), nullable=False),
    sa.Column('assignee_id', sa.Integer(), nullable=True),
    sa.Column('opened_at', sa.DateTime(), nullable=False),
    sa.Column('deadline', sa.DateTime(), nullable=False),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('closed_by_id', sa.Integer(), nullable=True),
    sa.Column('values', sa.JSON(), nullable=True),
    sa.Column('moved_to_stage_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['assignee_id'], ['users.id'], name=op.f('fk_stage_tasks_assignee_id_users')),
    sa.ForeignKeyConstraint(['closed_by_id'], ['users.id'], name=op.f('fk_stage_tasks_closed_by_id_users')),
    sa.ForeignKeyConstraint(['moved_to_stage_id'], ['stages.id'], name=op.f('fk_stage_tasks_moved_to_stage_id_stages')),
    sa.ForeignKeyConstraint(['stage_id'], ['stages.id'], name=op.f('fk_stage_tasks_stage_id_stages')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stage_tasks'))
    )
    with op.batch_alter_table('stage_tasks', schema=None) as batch_op:
        batch_op.create_index('ix_stage_tasks_assignee_open', ['assignee_id'], unique=False, postgresql_where=sa.text('closed_at IS NULL'), sqlite_where=sa.text('closed_at IS NULL'))
        batch_op.create_index('ix_stage_tasks_open_column', ['stage_id', 'deadline', 'id'], unique=False, postgresql_where=sa.text('closed_at IS NULL'), sqlite_where=sa.text('closed_at IS NULL'))
        batch_op.create_index('ix_stage_tasks_subject', ['subject_type', 'subject_id', 'seq'], unique=False)
        batch_op.create_index('uq_stage_tasks_one_open', ['subject_type', 'subject_id'], unique=True, postgresql_where=sa.text('closed_at IS NULL'), sqlite_where=sa.text('closed_at IS NULL'))

    op.create_table('card_responsibles',
    sa.Column('card_id', sa.Integer(), nullable=False),
    sa.Column('stage_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['card_id'], ['cards.id'], name=op.f('fk_card_responsibles_card_id_cards'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['stage_id'], ['stages.id'], name=op.f('fk_card_responsibles_stage_id_stages'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_card_responsibles_user_id_users')),
    sa.PrimaryKeyConstraint('card_id', 'stage_id', name=op.f('pk_card_responsibles'))
    )
    with op.batch_alter_table('card_responsibles', schema=None) as batch_op:
        batch_op.create_index('ix_card_responsibles_user', ['user_id', 'card_id'], unique=False)

    op.create_table('transactions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('card_id', sa.Integer(), nullable=False),
    sa.Column('stage_id', sa.Integer(), nullable=True),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('type', sa.String(length=10), nullable=False),
    sa.Column('amount', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('commission_kind', sa.String(length=10), nullable=False),
    sa.Column('commission_rate', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('commission', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('note', sa.String(length=255), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['card_id'], ['cards.id'], name=op.f('fk_transactions_card_id_cards'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_transactions_created_by_id_users'), use_alter=True),
    sa.ForeignKeyConstraint(['stage_id'], ['stages.id'], name=op.f('fk_transactions_stage_id_stages')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_transactions_updated_by_id_users'), use_alter=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_transactions'))
    )
    with op.batch_alter_table('transactions', schema=None) as batch_op:
        batch_op.create_index('ix_transactions_card', ['card_id', 'id'], unique=False)
        batch_op.create_index('ix_transactions_date', ['date'], unique=False)

    # ### end Alembic commands ###


def downgrade():
    # ### commands auto generated by Alembic - please adjust! ###
    with op.batch_alter_table('transactions', schema=None) as batch_op:
        batch_op.drop_index('ix_transactions_date')
        batch_op.drop_index('ix_transactions_card')

    op.drop_table('transactions')
    with op.batch_alter_table('card_responsibles', schema=None) as batch_op:
        batch_op.drop_index('ix_card_responsibles_user')

    op.drop_table('card_responsibles')
    with op.batch_alter_table('stage_tasks', schema=None) as batch_op:
        batch_op.drop_index('uq_stage_tasks_one_open', postgresql_where=sa.text('closed_at IS NULL'), sqlite_where=sa.text('closed_at IS NULL'))
        batch_op.drop_index('ix_stage_tasks_subject')
        batch_op.drop_index('ix_stage_tasks_open_column', postgresql_where=sa.text('closed_at IS NULL'), sqlite_where=sa.text('closed_at IS NULL'))
        batch_op.drop_index('ix_stage_tasks_assignee_open', postgresql_where=sa.text('closed_at IS NULL'), sqlite_where=sa.text('closed_at IS NULL'))

    op.drop_table('stage_tasks')
    op.drop_table('stage_moves')
    with op.batch_alter_table('stage_fields', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stage_fields_stage_id'))

    op.drop_table('stage_fields')
    with op.batch_alter_table('cards', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cards_stage_id'))
        batch_op.drop_index('ix_cards_manager_id')
        batch_op.drop_index(batch_op.f('ix_cards_deleted_at'))
        batch_op.drop_index('ix_cards_contractor_id')
        batch_op.drop_index('ix_cards_contact_phone_trgm', postgresql_using='gin', postgresql_ops={'contact_phone': 'gin_trgm_ops'})
        batch_op.drop_index('ix_cards_contact_name_trgm', postgresql_using='gin', postgresql_ops={'contact_name': 'gin_trgm_ops'})
        batch_op.drop_index('ix_cards_bucket_id')
        batch_op.drop_index('ix_cards_bank_id')
        batch_op.drop_index('ix_cards_agent_id')
        batch_op.drop_index('ix_cards_accountant_id')

    op.drop_table('cards')
    with op.batch_alter_table('stages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stages_pipeline_id'))

    op.drop_table('stages')
    op.drop_table('pipelines')
    # ### end Alembic commands ###
