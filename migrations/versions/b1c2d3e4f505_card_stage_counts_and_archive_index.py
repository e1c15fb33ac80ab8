"""card stage counters kept by triggers; partial index for the archive

The tracker counts live cards per stage from `card_stage_counts` (one row per stage, agent, manager
and accountant; no person = 0). A trigger on `cards` keeps it in the transaction of every change to a
card, whatever makes it (the ORM, a job's bulk UPDATE, psql).

Revision ID: b1c2d3e4f505
Revises: b1c2d3e4f504
Create Date: 2026-11-30 05:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "b1c2d3e4f505"
down_revision = "b1c2d3e4f504"
branch_labels = None
depends_on = None

ARCHIVE_WHERE = "bucket = 'archive' AND deleted_at IS NULL"

FILL = """
INSERT INTO card_stage_counts (stage_id, agent_id, manager_id, accountant_id, cards)
SELECT stage_id, COALESCE(agent_id, 0), COALESCE(manager_id, 0), COALESCE(accountant_id, 0), COUNT(*)
FROM cards WHERE deleted_at IS NULL
GROUP BY stage_id, COALESCE(agent_id, 0), COALESCE(manager_id, 0), COALESCE(accountant_id, 0)
"""

# PostgreSQL: one row trigger. The two counter rows a card leaves and enters are taken in key order,
# so two moves in opposite directions cannot deadlock on them; a decrement never creates a row.
POSTGRESQL_UP = [
    """
CREATE FUNCTION card_stage_counts_add(k integer[], delta integer) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF delta > 0 THEN
        INSERT INTO card_stage_counts (stage_id, agent_id, manager_id, accountant_id, cards)
        VALUES (k[1], k[2], k[3], k[4], delta)
        ON CONFLICT (stage_id, agent_id, manager_id, accountant_id)
        DO UPDATE SET cards = card_stage_counts.cards + EXCLUDED.cards;
    ELSE
        UPDATE card_stage_counts SET cards = cards + delta
        WHERE stage_id = k[1] AND agent_id = k[2] AND manager_id = k[3] AND accountant_id = k[4];
    END IF;
END $$
""",
    """
CREATE FUNCTION card_stage_counts_keep() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    old_key integer[];
    new_key integer[];
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.deleted_at IS NULL THEN
        old_key := ARRAY[OLD.stage_id, COALESCE(OLD.agent_id, 0), COALESCE(OLD.manager_id, 0),
                         COALESCE(OLD.accountant_id, 0)];
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') AND NEW.deleted_at IS NULL THEN
        new_key := ARRAY[NEW.stage_id, COALESCE(NEW.agent_id, 0), COALESCE(NEW.manager_id, 0),
                         COALESCE(NEW.accountant_id, 0)];
    END IF;
    IF old_key IS NOT DISTINCT FROM new_key THEN
        RETURN NULL;
    END IF;
    IF old_key IS NOT NULL AND (new_key IS NULL OR old_key < new_key) THEN
        PERFORM card_stage_counts_add(old_key, -1);
        IF new_key IS NOT NULL THEN
            PERFORM card_stage_counts_add(new_key, 1);
        END IF;
    ELSE
        PERFORM card_stage_counts_add(new_key, 1);
        IF old_key IS NOT NULL THEN
            PERFORM card_stage_counts_add(old_key, -1);
        END IF;
    END IF;
    RETURN NULL;
END $$
""",
    """
CREATE FUNCTION card_stage_counts_clear() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM card_stage_counts;
    RETURN NULL;
END $$
""",
    """
CREATE TRIGGER card_stage_counts_keep
AFTER INSERT OR DELETE OR UPDATE OF stage_id, agent_id, manager_id, accountant_id, deleted_at ON cards
FOR EACH ROW EXECUTE FUNCTION card_stage_counts_keep()
""",
    """
CREATE TRIGGER card_stage_counts_clear AFTER TRUNCATE ON cards
FOR EACH STATEMENT EXECUTE FUNCTION card_stage_counts_clear()
""",
]
POSTGRESQL_DOWN = [
    "DROP TRIGGER IF EXISTS card_stage_counts_clear ON cards",
    "DROP TRIGGER IF EXISTS card_stage_counts_keep ON cards",
    "DROP FUNCTION IF EXISTS card_stage_counts_clear()",
    "DROP FUNCTION IF EXISTS card_stage_counts_keep()",
    "DROP FUNCTION IF EXISTS card_stage_counts_add(integer[], integer)",
]


def _key(row):
    return (
        f"stage_id = {row}.stage_id AND agent_id = COALESCE({row}.agent_id, 0)"
        f" AND manager_id = COALESCE({row}.manager_id, 0) AND accountant_id = COALESCE({row}.accountant_id, 0)"
    )


def _sqlite_add(row):
    """Statements adding one for the card `row` (NEW) when it is live."""
    return (
        "INSERT INTO card_stage_counts (stage_id, agent_id, manager_id, accountant_id, cards) "  # noqa: S608 (constant text)
        f"SELECT {row}.stage_id, COALESCE({row}.agent_id, 0), COALESCE({row}.manager_id, 0), "
        f"COALESCE({row}.accountant_id, 0), 0 "
        f"WHERE {row}.deleted_at IS NULL AND NOT EXISTS (SELECT 1 FROM card_stage_counts WHERE {_key(row)});\n"
        f"UPDATE card_stage_counts SET cards = cards + 1 WHERE {row}.deleted_at IS NULL AND {_key(row)};"
    )


def _sqlite_remove(row):
    return f"UPDATE card_stage_counts SET cards = cards - 1 WHERE {row}.deleted_at IS NULL AND {_key(row)};"  # noqa: S608


SQLITE_UPDATE_WHEN = (
    "OLD.stage_id IS NOT NEW.stage_id OR OLD.agent_id IS NOT NEW.agent_id OR OLD.manager_id IS NOT NEW.manager_id"
    " OR OLD.accountant_id IS NOT NEW.accountant_id OR OLD.deleted_at IS NOT NEW.deleted_at"
)

# SQLite: a transaction holds the whole database, so no lock order to keep.
SQLITE_UP = [
    f"CREATE TRIGGER card_stage_counts_insert AFTER INSERT ON cards BEGIN\n{_sqlite_add('NEW')}\nEND",
    f"CREATE TRIGGER card_stage_counts_delete AFTER DELETE ON cards BEGIN\n{_sqlite_remove('OLD')}\nEND",
    "CREATE TRIGGER card_stage_counts_update"
    " AFTER UPDATE OF stage_id, agent_id, manager_id, accountant_id, deleted_at ON cards"
    f" WHEN {SQLITE_UPDATE_WHEN}"
    f" BEGIN\n{_sqlite_remove('OLD')}\n{_sqlite_add('NEW')}\nEND",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS card_stage_counts_update",
    "DROP TRIGGER IF EXISTS card_stage_counts_delete",
    "DROP TRIGGER IF EXISTS card_stage_counts_insert",
]


def upgrade():
    with op.batch_alter_table("cards", schema=None) as batch_op:
        batch_op.create_index(
            "ix_cards_archive_id",
            ["id"],
            unique=False,
            postgresql_where=sa.text(ARCHIVE_WHERE),
            sqlite_where=sa.text(ARCHIVE_WHERE),
        )
    op.create_table(
        "card_stage_counts",
        sa.Column("stage_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("agent_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("manager_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("accountant_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("cards", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("stage_id", "agent_id", "manager_id", "accountant_id", name="pk_card_stage_counts"),
    )
    # Triggers first, then the fill, in the one migration transaction: on PostgreSQL creating the
    # trigger locks `cards` against writes until the commit, so no change slips between the two.
    for statement in POSTGRESQL_UP if op.get_bind().dialect.name == "postgresql" else SQLITE_UP:
        op.execute(statement)
    op.execute(FILL)


def downgrade():
    for statement in POSTGRESQL_DOWN if op.get_bind().dialect.name == "postgresql" else SQLITE_DOWN:
        op.execute(statement)
    op.drop_table("card_stage_counts")
    with op.batch_alter_table("cards", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_cards_archive_id", postgresql_where=sa.text(ARCHIVE_WHERE), sqlite_where=sa.text(ARCHIVE_WHERE)
        )
