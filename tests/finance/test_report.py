"""The financial report against a hand-computed ledger: exact to the cent, the kept totals equal a
rebuild from the ledger after every kind of change, and the period edges are inclusive."""

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from extensions import db
from models.cards.card import Card, Transaction
from models.cards.directory import Bank
from models.finance.totals import FinanceDaily
from services.cards import operations as cards
from services.finance import report as finance
from services.finance import totals as finance_totals
from services.platform import money
from tests.factories.cards import card_number
from tests.factories.platform import make_user

D = Decimal
day = dt.date.fromisoformat


@pytest.fixture
def ledger():
    """Two banks, two agents, three cards; amounts chosen so that percent commissions round at .005."""
    owner = make_user(role_code="owner")
    agents = [make_user(role_code="agent", full_name=name) for name in ("Andrii Agent", "Bohdan Agent")]
    banks = [Bank(name="Alpha Bank", commission_percent=D("1.00")), Bank(name="Beta Bank")]
    db.session.add_all(banks)
    db.session.commit()
    made = []
    for n, (bank, agent) in enumerate([(banks[0], agents[0]), (banks[0], agents[1]), (banks[1], agents[0])]):
        made.append(cards.create(by=owner, number=card_number(5550_0000 + n), bank_id=bank.id, agent_id=agent.id))
    return {"owner": owner, "agents": agents, "banks": banks, "cards": made}


def tx(card, date, kind, amount, rate="1.00", commission_kind="percent"):
    amount = D(amount)
    transaction = Transaction(
        card_id=card.id,
        date=day(date),
        type=kind,
        amount=amount,
        commission_kind=commission_kind,
        commission_rate=D(rate),
        commission=money.commission_of(amount, commission_kind, D(rate)),
    )
    db.session.add(transaction)
    db.session.commit()
    return transaction


def consistent():
    with db.session.no_autoflush:
        return finance_totals.check(db.session.connection()) == []


def test_totals_match_a_hand_computed_ledger_to_the_cent(ledger):
    a, b, c = ledger["cards"]
    tx(a, "2026-03-01", "work_off", "100.50")  # commission 1.005 → 1.01
    tx(a, "2026-03-31", "work_off", "0.50")  # commission 0.005 → 0.01
    tx(a, "2026-03-15", "top_up", "1000.00")  # commission 10.00
    tx(a, "2026-03-16", "refund", "33.33", rate="33.33")  # commission 11.108889 → 11.11
    tx(b, "2026-04-01", "work_off", "0.49")  # commission 0.0049 → 0.00
    tx(c, "2026-02-28", "work_off", "250.55", rate="25.00", commission_kind="fixed")
    tx(c, "2026-03-10", "fee", "15.00", rate="0.00")
    a.bank_answer_date = day("2026-03-20")
    c.bank_answer_date = day("2026-04-01")
    db.session.commit()

    march = finance.report(day("2026-03-01"), day("2026-03-31"))
    assert march.total.work_off == D("101.00") and march.total.work_off_count == 2
    # a: +100.50 +0.50 +1000.00 −33.33 − (1.01 + 0.01 + 10.00 + 11.11) = 1045.54
    expected_a = money.card_figures(a.transactions).profit
    assert expected_a == D("1045.54")
    assert march.total.profit == expected_a and march.total.profit_count == 1
    april = finance.report(day("2026-04-01"), day("2026-04-30"))
    # c: +250.55 −15.00 − 25.00 = 210.55; b's work-off is dated April 1st (inclusive edge).
    assert april.total.profit == D("210.55") and april.total.work_off == D("0.49")
    spring = finance.report(day("2026-02-28"), day("2026-04-01"))
    assert spring.total.work_off == D("352.04")
    assert spring.total.profit == D("1256.09")
    assert [(r.label, r.work_off, r.profit) for r in spring.by_bank] == [
        ("Alpha Bank", D("101.49"), D("1045.54")),
        ("Beta Bank", D("250.55"), D("210.55")),
    ]
    assert [(r.label, r.work_off) for r in spring.by_agent] == [
        ("Andrii Agent", D("351.55")),
        ("Bohdan Agent", D("0.49")),
    ]
    assert [(r.key, r.work_off, r.profit) for r in spring.by_month] == [
        (day("2026-02-01"), D("250.55"), D("0.00")),
        (day("2026-03-01"), D("101.00"), D("1045.54")),
        (day("2026-04-01"), D("0.49"), D("210.55")),
    ]
    assert consistent()


@pytest.mark.parametrize(
    ("start", "end", "work_off"),
    [
        ("2026-03-31", "2026-03-31", "0.50"),  # one day, the month's last
        ("2026-03-01", "2026-03-01", "100.50"),
        ("2026-03-02", "2026-03-30", "0.00"),
        ("2026-02-28", "2026-03-01", "351.05"),  # crosses a month edge
        ("2026-01-01", "2026-12-31", "352.04"),  # whole months only
        ("2025-12-15", "2026-04-01", "352.04"),  # edge days + whole months
        ("2026-04-02", "2026-12-31", "0.00"),
    ],
)
def test_period_edges_are_inclusive_days(ledger, start, end, work_off):
    a, b, c = ledger["cards"]
    tx(a, "2026-03-01", "work_off", "100.50")
    tx(a, "2026-03-31", "work_off", "0.50")
    tx(b, "2026-04-01", "work_off", "0.49")
    tx(c, "2026-02-28", "work_off", "250.55")
    assert finance.report(day(start), day(end)).total.work_off == D(work_off)


def test_kept_totals_equal_the_rebuild_after_every_kind_of_change(ledger):
    a, b, c = ledger["cards"]
    banks, agents = ledger["banks"], ledger["agents"]
    first = tx(a, "2026-05-05", "work_off", "10.05")
    second = tx(a, "2026-05-06", "top_up", "99.99")
    tx(b, "2026-05-07", "work_off", "0.50")
    assert consistent()
    # Edit a transaction: amount, date, type, and move it to another card.
    first.amount, first.commission = D("20.10"), D("0.20")
    db.session.commit()
    assert consistent()
    first.date = day("2026-06-01")
    db.session.commit()
    second.type = "work_off"
    db.session.commit()
    assert consistent()
    first.card_id = c.id
    db.session.commit()
    assert consistent()
    # The bank answer arrives, moves, and is taken back.
    a.bank_answer_date = day("2026-05-31")
    db.session.commit()
    assert (
        finance.report(day("2026-05-31"), day("2026-05-31")).total.profit == money.card_figures(a.transactions).profit
    )
    a.bank_answer_date = day("2026-06-02")
    db.session.commit()
    assert consistent()
    assert finance.report(day("2026-05-31"), day("2026-05-31")).total.profit == D("0.00")
    # The card's bank and agent change: its figures follow it.
    a.bank_id, a.agent_id = banks[1].id, agents[1].id
    db.session.commit()
    assert consistent()
    june = finance.report(day("2026-06-01"), day("2026-06-30"))
    assert [r.label for r in june.by_bank if r.profit] == ["Beta Bank"]
    a.bank_id = None
    db.session.commit()
    assert consistent()
    # Remove a transaction through the service, add one with the card in the same flush, delete a card.
    db.session.delete(second)
    db.session.commit()
    assert consistent()
    c.transactions.append(Transaction(date=day("2026-06-03"), type="work_off", amount=D("5.00"), commission=D("0")))
    c.bank_answer_date = day("2026-06-03")
    db.session.commit()
    assert consistent()
    c.deleted_at = dt.datetime(2026, 6, 4)
    db.session.commit()
    assert consistent()
    db.session.delete(db.session.get(Card, b.id))
    db.session.commit()
    assert consistent()
    total = finance.report(day("2026-01-01"), day("2026-12-31")).total
    assert total.work_off == D("0.00") and total.profit == money.card_figures(a.transactions).profit


def test_service_add_and_remove_transaction_keep_the_totals(ledger, monkeypatch):
    a = ledger["cards"][0]
    monkeypatch.setattr(cards, "_check_transactions_allowed", lambda card, by: None)
    made = cards.add_transaction(a, {"date": "2026-07-01", "type": "work_off", "amount": "100,50"}, ledger["owner"])
    assert made.commission == D("1.01")
    assert finance.report(day("2026-07-01"), day("2026-07-31")).total.work_off == D("100.50")
    cards.remove_transaction(a, made.id, ledger["owner"])
    assert finance.report(day("2026-07-01"), day("2026-07-31")).total.work_off == D("0.00")
    assert consistent()


def test_rebuild_restores_totals_broken_outside_the_session(ledger):
    a = ledger["cards"][0]
    tx(a, "2026-08-08", "work_off", "12.34")
    db.session.execute(FinanceDaily.__table__.update().values(amount=D("999.99")))
    db.session.commit()
    assert not consistent()
    finance_totals.rebuild(db.session.connection())
    db.session.commit()
    assert consistent()
    assert finance.report(day("2026-08-01"), day("2026-08-31")).total.work_off == D("12.34")


def test_month_figures_compare_this_month_with_the_last(ledger):
    a = ledger["cards"][0]
    tx(a, "2026-08-31", "work_off", "1.00")
    tx(a, "2026-09-01", "work_off", "2.00")
    this, last = finance.month_figures(day("2026-09-15"))
    assert (this.work_off, last.work_off) == (D("2.00"), D("1.00"))


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ({"from": "2026-13-01", "to": "2026-12-31"}, "from"),
        ({"from": "2026-01-01", "to": "nonsense"}, "to"),
        ({"from": "2026-02-01", "to": "2026-01-31"}, "to"),
        ({"from": "1999-12-31", "to": "2026-01-31"}, "from"),
        ({"from": "2026-01-01"}, "to"),
        ({"preset": "forever"}, "preset"),
    ],
)
def test_bad_periods_are_refused_with_a_message(args, field):
    with pytest.raises(finance.FinanceError) as refused:
        finance.parse_period(args, day("2026-05-20"))
    assert field in refused.value.errors


def test_presets_and_default_period():
    today = day("2026-03-15")
    assert finance.parse_period({}, today) == (day("2026-03-01"), day("2026-03-31"))
    assert finance.parse_period({"preset": "last_month"}, today) == (day("2026-02-01"), day("2026-02-28"))
    assert finance.parse_period({"preset": "this_year"}, day("2026-01-01")) == (day("2026-01-01"), day("2026-12-31"))
    assert finance.parse_period({"from": "2026-01-01", "to": "2026-01-01"}, today) == (day("2026-01-01"),) * 2


def test_no_rows_left_for_nothing():
    assert finance.report(day("2026-01-01"), day("2026-12-31")).total == finance.Figures()
    assert db.session.scalars(select(FinanceDaily)).all() == []


def test_the_migration_backfill_matches_the_ledger(ledger):
    import importlib.util
    from pathlib import Path

    path = Path(__file__).parents[2] / "migrations/versions/b1c2d3e4f503_finance_daily_totals.py"
    spec = importlib.util.spec_from_file_location("finance_migration", path)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    a, b, c = ledger["cards"]
    tx(a, "2026-03-01", "work_off", "100.50")
    tx(a, "2026-03-16", "refund", "33.33", rate="33.33")
    tx(c, "2026-02-28", "work_off", "250.55", rate="25.00", commission_kind="fixed")
    a.bank_answer_date = day("2026-03-20")
    b.bank_answer_date = day("2026-03-21")  # a card with no transactions still counts as one card
    db.session.commit()
    connection = db.session.connection()
    connection.execute(finance_totals.FinanceMonthly.__table__.delete())
    connection.execute(FinanceDaily.__table__.delete())
    migration.backfill(connection)
    assert consistent()
    assert finance.report(day("2026-03-01"), day("2026-03-31")).total.profit_count == 2
