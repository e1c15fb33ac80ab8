"""cards: index for the board counts (and vacuum settings that keep it index-only), index for the
archive's number prefix filter

Revision ID: abb5ad3ffe4c
Revises: fd298f22083f
Create Date: 2026-11-23 06:37:47.160703

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'abb5ad3ffe4c'
down_revision = 'fd298f22083f'
branch_labels = None
depends_on = None


def upgrade():
    # The tracker's counts: live cards per stage, narrowed by scope and board filters, read from the index alone.
    with op.batch_alter_table('cards', schema=None) as batch_op:
        batch_op.create_index('ix_cards_board', ['stage_id', 'agent_id', 'manager_id', 'accountant_id', 'bank_id', 'id'], unique=False, postgresql_where=sa.text('deleted_at IS NULL'), sqlite_where=sa.text('deleted_at IS NULL'))
        # The archive's number filter is a prefix (LIKE 'x%'): pattern ops, as the collation is not "C".
        batch_op.create_index('ix_cards_number_prefix', ['number'], unique=False, postgresql_ops={'number': 'varchar_pattern_ops'})
    if op.get_bind().dialect.name == "postgresql":
        # Every move rewrites a card row and clears its page in the visibility map; until a VACUUM
        # sets it again, the counts read those rows from the table (85 ms instead of 12 ms once
        # all active cards moved). The default waits for 20% of 1.1 M rows to be dead; index
        # cleanup "auto" skips small vacuums, which leaves the pages unmarked. A vacuum of a
        # few hundred dead rows takes under a second.
        op.execute(
            "ALTER TABLE cards SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 200,"
            " vacuum_index_cleanup = on)"
        )


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE cards RESET (autovacuum_vacuum_scale_factor, autovacuum_vacuum_threshold, vacuum_index_cleanup)")
    with op.batch_alter_table('cards', schema=None) as batch_op:
        batch_op.drop_index('ix_cards_number_prefix', postgresql_ops={'number': 'varchar_pattern_ops'})
        batch_op.drop_index('ix_cards_board', postgresql_where=sa.text('deleted_at IS NULL'), sqlite_where=sa.text('deleted_at IS NULL'))
