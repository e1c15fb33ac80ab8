"""Bulk writes (services/platform/bulk.py): many rows in one statement per table, new ids in the
rows' order, the columns' defaults filled, the per-statement triggers adding them all up."""

from decimal import Decimal

from sqlalchemy import select

from extensions import db
from models.cards.directory import Bank
from models.ledger import LedgerEntry
from models.platform.audit import ChangeLog
from services import ledger
from services.platform import bulk


def test_new_ids_come_back_in_the_rows_order_with_the_defaults_filled():
    rows = [{"name": f"Bulk bank {n}", "code": f"B{n}"} for n in range(5)]
    ids = bulk.insert_returning_ids(Bank, rows)
    assert len(set(ids)) == 5
    found = {bank.id: bank for bank in db.session.scalars(select(Bank).where(Bank.id.in_(ids)))}
    assert [found[i].name for i in ids] == [row["name"] for row in rows]
    assert all(found[i].commission_percent == Decimal("0") for i in ids)  # the column's default


def test_a_callable_default_is_filled_and_nothing_is_written_for_no_rows():
    bulk.insert_rows(ChangeLog, [])
    bulk.insert_rows(ChangeLog, [{"entity": "banks", "entity_id": "1", "action": "create"}])
    entry = db.session.scalar(select(ChangeLog).where(ChangeLog.entity == "banks", ChangeLog.entity_id == "1"))
    assert entry.at is not None


def test_update_rows_sets_each_row_its_own_values_and_leaves_the_others():
    ids = bulk.insert_returning_ids(Bank, [{"name": f"Updated bank {n}"} for n in range(3)])
    bulk.update_rows(Bank, [{"id": ids[0], "code": "FIRST"}, {"id": ids[2], "code": "THIRD"}])
    db.session.expire_all()
    codes = dict(db.session.execute(select(Bank.id, Bank.code).where(Bank.id.in_(ids))).all())
    assert codes == {ids[0]: "FIRST", ids[1]: None, ids[2]: "THIRD"}


def test_balances_add_up_every_entry_of_one_bulk_statement(make_user):
    employee = make_user("bulk_employee")
    # One statement of three entries, all for one balance row.
    rows = [
        {"holder": "employee", "client_id": None, "employee_id": employee.id, "kind": "points",
         "amount": Decimal(amount), "rule_code": "import", "source_type": "test", "source_id": n,
         "source_key": f"bulk-test:{n}", "note": ""}
        for n, amount in enumerate((5, 7, 11))
    ]  # fmt: skip
    bulk.insert_rows(LedgerEntry, rows)
    assert ledger.balance_of("employee", employee.id) == Decimal("23.00")
    assert ledger.mismatches() == {}
