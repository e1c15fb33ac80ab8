"""Card transactions against a real database: bank commission defaults, exact storage, and the stage and permission rules."""

from decimal import Decimal

import pytest
from sqlalchemy import select

from extensions import db
from models.cards.card import Transaction
from services.cards import operations as cards
from services.platform import money
from tests.factories.cards import TX, new_card, put_on, stage_of

D = Decimal


def saved_transactions(card):
    db.session.expire_all()
    return db.session.scalars(select(Transaction).where(Transaction.card_id == card.id).order_by(Transaction.id)).all()


# --- transactions --------------------------------------------------------------------------------


def test_commission_default_comes_from_the_bank(directory):
    percent, fixed, free = directory.banks
    assert cards.commission_default(percent) == ("percent", D("1.50"))
    assert cards.commission_default(fixed) == ("fixed", D("25.00"))
    assert cards.commission_default(free) == ("percent", D("0.00"))
    assert cards.commission_default(None) == ("percent", D("0.00"))


def test_transactions_are_stored_exactly_and_summed_in_one_place(staff, directory):
    card = put_on(new_card(staff, bank=directory.banks[0]), "fund_card")
    cards.add_transaction(card, dict(TX, amount="1000.50"), staff["accountant"])  # 10.005 → 10.01
    cards.add_transaction(card, {"date": "2026-03-02", "type": "work_off", "amount": "100.50"}, staff["accountant"])
    cards.add_transaction(
        card, dict(TX, type="fee", amount="0.50", commission_kind="fixed", commission_rate="0.00"), staff["manager"]
    )
    cards.add_transaction(card, dict(TX, type="refund", amount="200", commission_rate="0.5"), staff["owner"])
    rows = saved_transactions(card)
    assert [(r.type, r.amount, r.commission_kind, r.commission_rate, r.commission) for r in rows] == [
        ("top_up", D("1000.50"), "percent", D("1.00"), D("10.01")),  # 10.005 → 10.01
        ("work_off", D("100.50"), "percent", D("1.50"), D("1.51")),  # bank default 1.5%: 1.5075 → 1.51
        ("fee", D("0.50"), "fixed", D("0.00"), D("0.00")),
        ("refund", D("200.00"), "percent", D("0.50"), D("1.00")),
    ]
    assert all(r.stage_id == stage_of("fund_card").id for r in rows)
    figures = money.card_figures(rows)
    assert (figures.total, figures.commission, figures.profit) == (D("900.50"), D("12.52"), D("887.98"))


def test_the_largest_amounts_survive_the_database_to_the_cent(staff):
    card = put_on(new_card(staff), "work_off")
    cards.add_transaction(card, dict(TX, amount="999999999999.99", commission_rate="99.99"), staff["owner"])
    cards.add_transaction(
        card, dict(TX, type="fee", amount="0.01", commission_kind="fixed", commission_rate="0.01"), staff["owner"]
    )
    big, small = saved_transactions(card)
    assert (big.amount, big.commission) == (D("999999999999.99"), D("999899999999.99"))  # 999899999999.990001
    assert (small.amount, small.commission) == (D("0.01"), D("0.01"))
    assert money.card_figures([big, small]).profit == D("99999999.98")


def test_transactions_are_refused_where_the_stage_does_not_allow_them(staff):
    card = new_card(staff)  # linking access: no transactions
    for user in (staff["owner"], staff["accountant"]):
        with pytest.raises(cards.CardError) as refused:
            cards.add_transaction(card, TX, user)
        assert refused.value.status == 403
    assert saved_transactions(card) == []


def test_removing_is_refused_once_the_stage_closes_transactions(staff):
    card = put_on(new_card(staff), "work_off")
    transaction = cards.add_transaction(card, TX, staff["manager"])
    put_on(card, "return_to_supplier")
    with pytest.raises(cards.CardError) as refused:
        cards.remove_transaction(card, transaction.id, staff["owner"])
    assert refused.value.status == 403
    assert len(saved_transactions(card)) == 1


def test_transactions_need_the_permission_and_the_card_in_scope(staff):
    card = put_on(new_card(staff), "fund_card")
    for user in (staff["agent"], staff["accountant2"], staff["manager2"]):  # no right / not their card
        with pytest.raises(cards.CardError) as refused:
            cards.add_transaction(card, TX, user)
        assert refused.value.status == 403
    assert saved_transactions(card) == []


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("date", "2026-02-30"),
        ("date", ""),
        ("date", "1999-12-31"),
        ("type", "gift"),
        ("amount", "0"),
        ("amount", "-10"),
        ("amount", "1.005"),
        ("amount", "12,345.67"),
        ("amount", "1" * 40),
        ("commission_kind", "both"),
        ("commission_rate", "100.01"),
        ("commission_rate", "x"),
        ("note", "n" * 256),
    ],
)
def test_bad_transaction_input_is_refused_field_by_field(staff, name, value):
    card = put_on(new_card(staff), "fund_card")
    with pytest.raises(cards.CardError) as refused:
        cards.add_transaction(card, dict(TX, **{name: value}), staff["owner"])
    assert refused.value.status == 400 and name in refused.value.errors
    assert saved_transactions(card) == []


def test_a_transaction_of_another_card_cannot_be_removed_through_this_one(staff):
    mine, other = put_on(new_card(staff), "fund_card"), put_on(new_card(staff), "fund_card")
    foreign = cards.add_transaction(other, TX, staff["owner"])
    with pytest.raises(cards.CardError) as refused:
        cards.remove_transaction(mine, foreign.id, staff["owner"])
    assert refused.value.status == 404
    cards.remove_transaction(other, foreign.id, staff["owner"])
    assert saved_transactions(other) == []
