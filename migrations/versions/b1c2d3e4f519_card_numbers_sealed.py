"""card numbers kept as payment data: the full number sealed, a keyed hash for uniqueness, the masked
form in clear

Each card's full number is sealed with DATA_ENCRYPTION_KEY (services/platform/sealed.py) and its
`number` becomes "5168 75** **** 1001". A number that was never recorded in full (its middle digits
already hidden) stays as it is, unsealed, and is kept unique by a hash of its text. Uniqueness moves
from the number to the hash; the archive's prefix index gives way to a trigram index of the digits
shown. The downgrade puts the full numbers back in clear.

Revision ID: b1c2d3e4f519
Revises: b1c2d3e4f518
Create Date: 2026-12-07 12:30:00

"""

import sqlalchemy as sa
from alembic import op

from services.platform import sealed

revision = "b1c2d3e4f519"
down_revision = "b1c2d3e4f518"
branch_labels = None
depends_on = None

PURPOSE = "card number"  # as services.cards.card_numbers.PURPOSE
BATCH = 2000
CARDS = sa.table(
    "cards",
    sa.column("id", sa.Integer),
    sa.column("number", sa.String),
    sa.column("number_sealed", sa.LargeBinary),
    sa.column("number_hash", sa.String),
)


def _grouped(text):
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def _converted(number):
    """(masked, sealed, hash) of a stored number, as services.cards.card_numbers does for a typed one."""
    compact = number.replace(" ", "").replace("-", "")
    if compact.isdigit() and len(compact) >= 10:
        masked = _grouped(compact[:6] + "*" * (len(compact) - 10) + compact[-4:])
        return masked, sealed.seal(compact, PURPOSE), sealed.lookup_hash(compact, PURPOSE)
    return number, None, sealed.lookup_hash("as shown: " + number, PURPOSE)


def _each_batch(connection, query, convert):
    last = 0
    while True:
        rows = connection.execute(query.where(CARDS.c.id > last).order_by(CARDS.c.id).limit(BATCH)).all()
        if not rows:
            return
        connection.execute(
            CARDS.update()
            .where(CARDS.c.id == sa.bindparam("key"))
            .values(number=sa.bindparam("n"), number_sealed=sa.bindparam("s"), number_hash=sa.bindparam("h")),
            [convert(row) for row in rows],
        )
        last = rows[-1].id


def _set_triggers_aside(connection):
    """SQLite's triggers on cards or naming it: a batch operation rebuilds the table, which drops the
    first and fails on the others. They are dropped here and made again after it."""
    if connection.dialect.name != "sqlite":
        return []
    query = sa.text(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND (tbl_name = 'cards' OR sql LIKE '%cards%')"
    )
    triggers = connection.execute(query).all()
    for name, _statement in triggers:
        connection.execute(sa.text(f'DROP TRIGGER "{name}"'))
    return [statement for _name, statement in triggers]


def upgrade():
    connection = op.get_bind()
    with op.batch_alter_table("cards") as batch_op:
        batch_op.add_column(sa.Column("number_sealed", sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column("number_hash", sa.String(length=64), nullable=True))

    def convert(row):
        masked, sealed_number, hashed = _converted(row.number)
        return {"key": row.id, "n": masked, "s": sealed_number, "h": hashed}

    _each_batch(connection, sa.select(CARDS.c.id, CARDS.c.number), convert)
    triggers = _set_triggers_aside(connection)
    with op.batch_alter_table("cards") as batch_op:
        batch_op.alter_column("number_hash", existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint(batch_op.f("uq_cards_number_hash"), ["number_hash"])
        batch_op.drop_constraint("uq_cards_number", type_="unique")
        batch_op.drop_index("ix_cards_number_prefix")
    for statement in triggers:
        connection.execute(sa.text(statement))
    if connection.dialect.name == "postgresql":
        op.execute("CREATE INDEX ix_cards_number_trgm ON cards USING gin (replace(number, ' ', '') gin_trgm_ops)")


def downgrade():
    connection = op.get_bind()
    if connection.dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_cards_number_trgm")

    def convert(row):
        number = _grouped(sealed.unseal(row.number_sealed, PURPOSE)) if row.number_sealed else row.number
        return {"key": row.id, "n": number, "s": None, "h": row.number_hash}

    _each_batch(connection, sa.select(CARDS.c.id, CARDS.c.number, CARDS.c.number_sealed, CARDS.c.number_hash), convert)
    triggers = _set_triggers_aside(connection)
    with op.batch_alter_table("cards") as batch_op:
        batch_op.create_unique_constraint("uq_cards_number", ["number"])
        batch_op.create_index("ix_cards_number_prefix", ["number"], postgresql_ops={"number": "varchar_pattern_ops"})
        batch_op.drop_constraint(batch_op.f("uq_cards_number_hash"), type_="unique")
        batch_op.drop_column("number_hash")
        batch_op.drop_column("number_sealed")
    for statement in triggers:
        connection.execute(sa.text(statement))
