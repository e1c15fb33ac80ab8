"""card_responsibles.card_stage_id: the card's stage while it is live, kept by triggers

A manager's tracker counts the cards he sees only as a stage's responsible person live; this column
lets that count start from his responsibles for cards on the board instead of all of them (most are
of archived cards). Triggers on `cards` and `card_responsibles` keep it in the transaction of every
change, whatever makes it.

Revision ID: b1c2d3e4f506
Revises: b1c2d3e4f505
Create Date: 2026-11-30 05:10:00

"""

import sqlalchemy as sa
from alembic import op

revision = "b1c2d3e4f506"
down_revision = "b1c2d3e4f505"
branch_labels = None
depends_on = None

FILL = """
UPDATE card_responsibles SET card_stage_id =
    (SELECT cards.stage_id FROM cards WHERE cards.id = card_responsibles.card_id AND cards.deleted_at IS NULL)
"""

POSTGRESQL_UP = [
    """
CREATE FUNCTION card_responsibles_follow_card() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE card_responsibles SET card_stage_id = CASE WHEN NEW.deleted_at IS NULL THEN NEW.stage_id END
    WHERE card_id = NEW.id;
    RETURN NULL;
END $$
""",
    """
CREATE TRIGGER card_responsibles_follow_card AFTER UPDATE OF stage_id, deleted_at ON cards
FOR EACH ROW
WHEN (OLD.stage_id IS DISTINCT FROM NEW.stage_id OR (OLD.deleted_at IS NULL) <> (NEW.deleted_at IS NULL))
EXECUTE FUNCTION card_responsibles_follow_card()
""",
    # FOR SHARE: a move of the card that commits meanwhile is waited for and its stage read, so a new
    # row cannot keep a stage the card has already left.
    """
CREATE FUNCTION card_responsibles_card_stage() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.card_stage_id := (SELECT stage_id FROM cards WHERE id = NEW.card_id AND deleted_at IS NULL FOR SHARE);
    RETURN NEW;
END $$
""",
    """
CREATE TRIGGER card_responsibles_card_stage BEFORE INSERT OR UPDATE OF card_id, card_stage_id ON card_responsibles
FOR EACH ROW WHEN (pg_trigger_depth() = 0)
EXECUTE FUNCTION card_responsibles_card_stage()
""",
]
POSTGRESQL_DOWN = [
    "DROP TRIGGER IF EXISTS card_responsibles_card_stage ON card_responsibles",
    "DROP TRIGGER IF EXISTS card_responsibles_follow_card ON cards",
    "DROP FUNCTION IF EXISTS card_responsibles_card_stage()",
    "DROP FUNCTION IF EXISTS card_responsibles_follow_card()",
]

SQLITE_CARD_STAGE = (
    "UPDATE card_responsibles SET card_stage_id ="
    " (SELECT cards.stage_id FROM cards WHERE cards.id = NEW.card_id AND cards.deleted_at IS NULL)"
    " WHERE card_id = NEW.card_id AND stage_id = NEW.stage_id;"
)
SQLITE_UP = [
    "CREATE TRIGGER card_responsibles_follow_card AFTER UPDATE OF stage_id, deleted_at ON cards"
    " WHEN OLD.stage_id IS NOT NEW.stage_id OR (OLD.deleted_at IS NULL) <> (NEW.deleted_at IS NULL)"
    " BEGIN\nUPDATE card_responsibles SET card_stage_id = CASE WHEN NEW.deleted_at IS NULL THEN NEW.stage_id END"
    " WHERE card_id = NEW.id;\nEND",
    f"CREATE TRIGGER card_responsibles_card_stage_insert AFTER INSERT ON card_responsibles BEGIN\n{SQLITE_CARD_STAGE}\nEND",
    "CREATE TRIGGER card_responsibles_card_stage_update AFTER UPDATE OF card_id ON card_responsibles"
    f" BEGIN\n{SQLITE_CARD_STAGE}\nEND",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS card_responsibles_card_stage_update",
    "DROP TRIGGER IF EXISTS card_responsibles_card_stage_insert",
    "DROP TRIGGER IF EXISTS card_responsibles_follow_card",
]


def upgrade():
    with op.batch_alter_table("card_responsibles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("card_stage_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            "ix_card_responsibles_user_card_stage", ["user_id", "card_stage_id", "card_id"], unique=False
        )
    # Triggers first, then the fill, in the one migration transaction (see b1c2d3e4f505).
    for statement in POSTGRESQL_UP if op.get_bind().dialect.name == "postgresql" else SQLITE_UP:
        op.execute(statement)
    op.execute(FILL)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ANALYZE card_responsibles")  # the planner's view of the new column, for the index


def downgrade():
    for statement in POSTGRESQL_DOWN if op.get_bind().dialect.name == "postgresql" else SQLITE_DOWN:
        op.execute(statement)
    with op.batch_alter_table("card_responsibles", schema=None) as batch_op:
        batch_op.drop_index("ix_card_responsibles_user_card_stage")
        batch_op.drop_column("card_stage_id")
