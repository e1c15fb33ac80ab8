"""The ledger's triggers: every entry added adds to its holder's balance in the same transaction (an
entry removed — only ever by a purge of test data — takes its amount back), and an entry is never
changed. The app's trigger helper (models/ddl.py) writes them; importable from migrations."""

from models import ddl

HOLDER_ID = "CASE WHEN {row}.holder = 'client' THEN {row}.client_id ELSE {row}.employee_id END"
NEVER_CHANGED = "ledger entries are never changed: add a reversal instead"


def _holder_id(row):
    return HOLDER_ID.format(row=row)


def postgresql_up():
    add_many = (
        "INSERT INTO ledger_balances (holder, holder_id, kind, balance, entries)"
        f" SELECT holder, {_holder_id('added')}, kind, SUM(amount), count(*) FROM added"
        " GROUP BY 1, 2, 3 ORDER BY 1, 2, 3"
        " ON CONFLICT (holder, holder_id, kind) DO UPDATE"
        " SET balance = ledger_balances.balance + EXCLUDED.balance, entries = ledger_balances.entries + EXCLUDED.entries;"
    )
    take_back = (
        "UPDATE ledger_balances SET balance = balance - OLD.amount, entries = entries - 1"
        f" WHERE holder = OLD.holder AND holder_id = {_holder_id('OLD')} AND kind = OLD.kind;"
    )
    return [
        ddl.pg_function("ledger_balances_keep", f"{take_back}\nRETURN NULL;"),
        ddl.pg_trigger("ledger_balances_keep", "AFTER DELETE", "ledger_entries", "ledger_balances_keep"),
        # Entries added are summed once per statement: a bulk INSERT (an import's points) updates
        # each balance row once, not once per entry.
        ddl.pg_function("ledger_balances_add", f"{add_many}\nRETURN NULL;"),
        ddl.pg_trigger(
            "ledger_balances_add",
            "AFTER INSERT",
            "ledger_entries",
            "ledger_balances_add",
            "STATEMENT",
            new_table="added",
        ),
        ddl.pg_function("ledger_entries_fixed", f"RAISE EXCEPTION '{NEVER_CHANGED}';\nRETURN NULL;"),
        ddl.pg_trigger("ledger_entries_fixed", "BEFORE UPDATE", "ledger_entries", "ledger_entries_fixed"),
        ddl.pg_function("ledger_balances_clear", "DELETE FROM ledger_balances;\nRETURN NULL;"),
        ddl.pg_trigger(
            "ledger_balances_clear", "AFTER TRUNCATE", "ledger_entries", "ledger_balances_clear", "STATEMENT"
        ),
    ]


def postgresql_down():
    return [
        ddl.pg_drop_trigger("ledger_balances_add", "ledger_entries"),
        ddl.pg_drop_function("ledger_balances_add"),
        ddl.pg_drop_trigger("ledger_balances_clear", "ledger_entries"),
        ddl.pg_drop_function("ledger_balances_clear"),
        ddl.pg_drop_trigger("ledger_entries_fixed", "ledger_entries"),
        ddl.pg_drop_function("ledger_entries_fixed"),
        ddl.pg_drop_trigger("ledger_balances_keep", "ledger_entries"),
        ddl.pg_drop_function("ledger_balances_keep"),
    ]


def sqlite_up():
    return [
        ddl.sqlite_trigger(
            "ledger_balances_add",
            "AFTER INSERT",
            "ledger_entries",
            "INSERT INTO ledger_balances (holder, holder_id, kind, balance, entries)"
            f" VALUES (NEW.holder, {_holder_id('NEW')}, NEW.kind, NEW.amount, 1)"
            " ON CONFLICT (holder, holder_id, kind) DO UPDATE"
            " SET balance = ROUND(balance + excluded.balance, 2), entries = entries + 1;",
        ),
        ddl.sqlite_trigger(
            "ledger_balances_take_back",
            "AFTER DELETE",
            "ledger_entries",
            "UPDATE ledger_balances SET balance = ROUND(balance - OLD.amount, 2), entries = entries - 1"
            f" WHERE holder = OLD.holder AND holder_id = {_holder_id('OLD')} AND kind = OLD.kind;",
        ),
        ddl.sqlite_trigger(
            "ledger_entries_fixed", "BEFORE UPDATE", "ledger_entries", f"SELECT RAISE(ABORT, '{NEVER_CHANGED}');"
        ),
    ]


def sqlite_down():
    return [
        ddl.sqlite_drop_trigger(name)
        for name in ("ledger_entries_fixed", "ledger_balances_take_back", "ledger_balances_add")
    ]
