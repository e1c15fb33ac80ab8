"""Phone numbers in one stored form, and search terms read the same way."""

import pytest

from services.platform import phones


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("067 123 45 67", "+380671234567"),
        ("(067) 123-45-67", "+380671234567"),
        ("+380 67 123 45 67", "+380671234567"),
        ("380671234567", "+380671234567"),
        ("+48 601 234 567", "+48601234567"),
        ("  ", ""),
        ("ask the manager", "ask the manager"),
    ],
)
def test_numbers_are_kept_in_one_form(typed, kept):
    assert phones.normalized(typed) == kept


@pytest.mark.parametrize(
    ("term", "looked_for"),
    [("067 123", "38067123"), ("+380 67", "38067"), ("4567", "4567"), ("Анна", "Анна"), ("06", "06")],
)
def test_a_phone_like_term_is_looked_for_by_its_digits(term, looked_for):
    assert phones.searched(term) == looked_for


def test_the_migration_brings_existing_phones_to_the_one_form(app, people):
    import sqlalchemy as sa
    from flask_migrate import downgrade, upgrade

    from extensions import db
    from tests.factories.cards import make_card

    card_id = make_card(agent=people["agent"]).id
    db.session.remove()
    downgrade(directory="migrations", revision="b1c2d3e4f516")
    try:
        with db.engine.begin() as connection:
            connection.execute(
                sa.text("UPDATE cards SET contact_phone = '(067) 123-45-67' WHERE id = :id"), {"id": card_id}
            )
    finally:
        upgrade(directory="migrations")
    with db.engine.connect() as connection:
        phone = connection.scalar(sa.text("SELECT contact_phone FROM cards WHERE id = :id"), {"id": card_id})
    assert phone == "+380671234567"
