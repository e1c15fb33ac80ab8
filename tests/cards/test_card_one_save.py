"""The card's edit page saves everything with one Save: the card's fields, the transactions added and
removed in its panel and the people chosen for each stage — all of them, or none."""

from decimal import Decimal

import pytest
from sqlalchemy import select

from extensions import db
from models.cards.card import Transaction
from models.pipeline import StageResponsible
from services.cards import operations as cards
from tests.cards.helpers import card_form, fresh_card
from tests.conftest import csrf_token
from tests.factories.cards import TX, put_on


def _save(client, team, card, **fields):
    data = dict(card_form(team, number=card.number), lock_version=str(fresh_card(card).version), **fields)
    return client.post(
        f"/admin/cards/edit/?id={card.id}", data=dict(data, csrf_token=csrf_token(client, "/admin/cards/"))
    )


def _new(key, **fields):
    row = {**TX, "note": f"row {key}", **fields}
    return {f"tx_new-{key}-{name}": value for name, value in row.items()}


def _amounts(card):
    return sorted(db.session.scalars(select(Transaction.amount).where(Transaction.card_id == card.id)))


@pytest.fixture
def funded(team, two_cards):
    """The agent's card on a stage that takes transactions, with two of them: 10.00 and 20.00."""
    card = put_on(two_cards["mine"], "fund_card")
    for amount in ("10.00", "20.00"):
        cards.add_transaction(card, dict(TX, amount=amount), team["owner"])
    db.session.commit()
    return card


def test_one_save_keeps_the_fields_the_new_and_removed_transactions_and_the_people(client_of, team, funded):
    card, old = funded, funded.transactions[0]
    answer = _save(
        client_of("owner"),
        team,
        card,
        notes="all at once",
        tx_remove=str(old.id),
        **_new(0, amount="300.00"),
        **_new(1, amount="4.50", commission_kind="fixed", commission_rate="1.00"),
        **{f"stage_{card.stage_id}": str(team["agent2"].id)},
    )
    assert answer.status_code == 302, answer.text
    assert fresh_card(card).notes == "all at once"
    assert _amounts(card) == [Decimal("4.50"), Decimal("20.00"), Decimal("300.00")]
    chosen = select(StageResponsible.user_id).where(StageResponsible.subject_id == card.id)
    assert db.session.scalar(chosen) == team["agent2"].id


def test_a_bad_new_transaction_refuses_the_whole_save_and_keeps_what_was_typed(client_of, team, funded):
    card, old = funded, funded.transactions[0]
    answer = _save(client_of("owner"), team, card, notes="not saved", tx_remove=str(old.id), **_new(1, amount="-5"))
    assert answer.status_code == 200
    assert (
        "Check the new transactions." in answer.text
        and "New transaction 1: Enter an amount, e.g. 1250.50." in answer.text
    )
    assert fresh_card(card).notes != "not saved" and _amounts(card) == [Decimal("10.00"), Decimal("20.00")]
    # Sent again as typed: the new rows as rows of the form, the removed one still marked.
    assert answer.text.count('class="tx-row tx-pending"') == 1 and 'name="tx_new-1-amount" value="-5"' in answer.text
    assert f'<input type="hidden" name="tx_remove" value="{old.id}">' in answer.text


def test_transactions_sent_where_the_stage_takes_none_are_refused(client_of, team, two_cards):
    card = two_cards["mine"]  # the first stage takes no transactions
    answer = _save(client_of("owner"), team, card, notes="no", **_new(0))
    assert (
        answer.status_code == 200 and "Transactions cannot be changed in the card&#39;s current stage." in answer.text
    )
    assert _amounts(card) == [] and fresh_card(card).notes != "no"


def test_someone_who_may_not_change_transactions_cannot_slip_them_into_the_form(client_of, team, two_cards):
    card = put_on(two_cards["mine"], "fund_card")
    role = team["manager"].role
    role.grants = [grant for grant in role.grants if grant.permission != "transactions.edit"]
    db.session.commit()
    answer = _save(client_of("manager"), team, card, **_new(0))
    assert answer.status_code == 200 and "You may not change the transactions of this card." in answer.text
    assert _amounts(card) == []
