"""cards' contact phones in one form: a Ukrainian number as +380 and nine digits

A search by phone finds a number however it is typed (services/platform/phones.py) when the stored
numbers share one form; this brings the existing ones to it. The old forms are not kept: the
downgrade changes nothing.

Revision ID: b1c2d3e4f517
Revises: b1c2d3e4f516
Create Date: 2026-12-07 10:40:00

"""

import re

import sqlalchemy as sa
from alembic import op

revision = "b1c2d3e4f517"
down_revision = "b1c2d3e4f516"
branch_labels = None
depends_on = None

PHONE_LIKE = re.compile(r"[\d\s()+\-.]+")
BATCH = 5000


def _normalized(text):
    """As services.platform.phones.normalized (a migration keeps its own copy of the rule)."""
    text = (text or "").strip()
    if not PHONE_LIKE.fullmatch(text):
        return text
    digits = re.sub(r"\D", "", text)
    if len(digits) == 10 and digits.startswith("0"):
        return "+38" + digits
    if len(digits) == 12 and digits.startswith("380"):
        return "+" + digits
    return ("+" if text.startswith("+") else "") + digits


def upgrade():
    connection = op.get_bind()
    cards = sa.table("cards", sa.column("id", sa.Integer), sa.column("contact_phone", sa.String))
    last = 0
    while True:
        rows = connection.execute(
            sa.select(cards.c.id, cards.c.contact_phone)
            .where(cards.c.id > last, cards.c.contact_phone != "", ~cards.c.contact_phone.like("+380_________"))
            .order_by(cards.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        changed = [{"key": row.id, "phone": _normalized(row.contact_phone)} for row in rows]
        changed = [row for row, old in zip(changed, rows, strict=True) if row["phone"] != old.contact_phone]
        if changed:
            connection.execute(
                cards.update().where(cards.c.id == sa.bindparam("key")).values(contact_phone=sa.bindparam("phone")),
                changed,
            )
        last = rows[-1].id


def downgrade():
    pass
