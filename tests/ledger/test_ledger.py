"""The ledger: a credit writes the client's entry and his employee's at once, once per source;
reversals are new entries; the database keeps every balance equal to its entries and refuses to
change an entry; `flask ledger-check` says so, or names what differs."""

import threading
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, text
from sqlalchemy.exc import DatabaseError

from extensions import db
from models.ledger import LedgerEntry
from services import ledger
from tests.factories.clients import make_client
from tests.factories.platform import make_user

SOURCE = ledger.Source("invoice", 7)


@pytest.fixture
def people():
    employee = make_user(full_name="Eva Employee")
    return employee, make_client(employee, full_name="Anna Koval")


def _balances(client, employee, kind="points"):
    return ledger.balance_of("client", client.id, kind), ledger.balance_of("employee", employee.id, kind)


def test_a_credit_writes_both_entries_once_and_the_balances_follow(people):
    employee, client = people
    added = ledger.credit("invoice_paid", SOURCE, client_id=client.id, client_amount=20, employee_id=employee.id,
                          employee_amount="10.50")  # fmt: skip
    db.session.commit()
    assert sorted((entry.holder, entry.amount) for entry in added) == [
        ("client", Decimal("20.00")),
        ("employee", Decimal("10.50")),
    ]
    assert _balances(client, employee) == (Decimal("20.00"), Decimal("10.50"))
    assert ledger.credit("invoice_paid", SOURCE, client_id=client.id, client_amount=20, employee_id=employee.id,
                         employee_amount="10.50") == []  # fmt: skip
    db.session.commit()
    assert _balances(client, employee) == (Decimal("20.00"), Decimal("10.50"))
    assert ledger.mismatches() == {}


def test_a_reversal_is_a_new_entry_and_happens_once(people):
    employee, client = people
    [client_entry, _employee_entry] = ledger.credit(
        "invoice_paid", SOURCE, client_id=client.id, client_amount=20, employee_id=employee.id, employee_amount=10
    )
    db.session.commit()
    reversal = ledger.reverse(client_entry)
    assert (reversal.amount, reversal.reverses_id) == (Decimal("-20.00"), client_entry.id)
    assert ledger.reverse(client_entry) is None
    with pytest.raises(ledger.LedgerError):
        ledger.reverse(reversal)
    assert len(ledger.reverse_source(SOURCE)) == 1  # the employee's; the client's is reversed already
    db.session.commit()
    assert _balances(client, employee) == (Decimal("0.00"), Decimal("0.00"))
    assert db.session.scalar(select(func.count()).select_from(LedgerEntry)) == 4
    # Credited again after being taken back once: a new round, not the first one repeated.
    assert len(ledger.credit("invoice_paid", SOURCE, client_id=client.id, client_amount=20, again=1)) == 1


def test_the_database_refuses_to_change_an_entry(people):
    employee, client = people
    [entry] = ledger.credit("event_done", SOURCE, employee_id=employee.id, employee_amount=2)
    db.session.commit()
    with pytest.raises(DatabaseError):
        db.session.execute(text("UPDATE ledger_entries SET amount = 1000 WHERE id = :id"), {"id": entry.id})
        db.session.flush()
    db.session.rollback()
    assert ledger.balance_of("employee", employee.id) == Decimal("2.00")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(["credit", "reverse"]), st.integers(0, 5), st.decimals("-50", "500", places=2)),
                max_size=25))  # fmt: skip
def test_balances_equal_the_ledger_after_any_credits_and_reversals(people, steps):
    employee, client = people
    for action, source_id, amount in steps:
        source = ledger.Source("check", source_id)
        if action == "credit":
            again = ledger.times_taken_back("rule", source)
            ledger.credit("rule", source, client_id=client.id, client_amount=amount, employee_id=employee.id,
                          employee_amount=amount / 2, again=again)  # fmt: skip
        else:
            ledger.reverse_source(source)
        db.session.commit()
    assert ledger.mismatches() == {}
    for holder, holder_id, column in (
        ("client", client.id, LedgerEntry.client_id),
        ("employee", employee.id, LedgerEntry.employee_id),
    ):
        total = db.session.scalar(
            select(func.coalesce(func.sum(LedgerEntry.amount), 0)).where(
                column == holder_id, LedgerEntry.holder == holder
            )
        )
        assert ledger.balance_of(holder, holder_id) == round(Decimal(str(total)), 2)


def test_the_check_command_names_a_balance_that_drifted(app, people):
    employee, client = people
    ledger.credit(
        "invoice_paid", SOURCE, client_id=client.id, client_amount=20, employee_id=employee.id, employee_amount=10
    )
    db.session.commit()
    runner = app.test_cli_runner()
    assert runner.invoke(args=["ledger-check"]).exit_code == 0
    db.session.execute(text("UPDATE ledger_balances SET balance = 99 WHERE holder = 'client'"))
    db.session.commit()
    result = runner.invoke(args=["ledger-check"])
    assert result.exit_code != 0 and f"client {client.id} points" in result.output


def test_concurrent_credits_of_the_same_source_credit_once(app, people):
    employee, client = people
    client_id, employee_id = client.id, employee.id
    start, done = threading.Barrier(4), []

    def credit():
        with app.app_context():
            start.wait()
            added = ledger.credit("invoice_paid", SOURCE, client_id=client_id, client_amount=20, employee_id=employee_id,
                                  employee_amount=10)  # fmt: skip
            db.session.commit()
            done.append(len(added))

    threads = [threading.Thread(target=credit) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    db.session.expire_all()
    assert len(done) == 4 and sum(done) == 2  # every request answered; each entry written once
    assert db.session.scalar(select(func.count()).select_from(LedgerEntry)) == 2
    assert _balances(client, employee) == (Decimal("20.00"), Decimal("10.00"))
