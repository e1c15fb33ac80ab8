"""Writing and reading the ledger. A credit writes the client's entry and his employee's in one
transaction, or none; what it is for (`source`) makes its key, so a second credit for the same thing —
a retry, a second request at the same moment, a payment recorded again — adds nothing. A reversal is
a new entry of the opposite amount, once per entry."""

from dataclasses import dataclass
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from extensions import db
from models.ledger import LedgerBalance, LedgerEntry
from services.platform import bulk, results
from services.platform.errors import RefusedChange
from services.platform.money import round_money

HISTORY_PAGE = 50


class LedgerError(RefusedChange):
    pass


@dataclass(frozen=True)
class Source:
    """What an entry is for: a record of some type (an invoice, a client's stage) and its id."""

    type: str
    id: int


def _key(rule_code, source, holder, holder_id, kind, again):
    key = f"{rule_code}:{source.type}:{source.id}:{holder}:{holder_id}:{kind}"
    return f"{key}:{again}" if again else key


def times_taken_back(rule_code, source):
    """How many times the rule's credit for the source was reversed: a credit once more after that
    many is a new one (the `again` of credit), not the first one repeated."""
    counts = db.session.execute(
        select(func.count())
        .where(
            LedgerEntry.rule_code == rule_code,
            LedgerEntry.source_type == source.type,
            LedgerEntry.source_id == source.id,
            LedgerEntry.reverses_id.is_not(None),
        )
        .group_by(LedgerEntry.holder)
    ).scalars()
    return max(counts, default=0)


def _add(entry):
    """The entry added, or None if its key is taken (already credited): a savepoint keeps the caller's
    transaction whole whichever way it goes."""
    if db.session.scalar(select(LedgerEntry.id).where(LedgerEntry.source_key == entry.source_key)) is not None:
        return None
    try:
        with db.session.begin_nested():
            db.session.add(entry)
    except IntegrityError:
        return None  # a concurrent credit of the same took the key first
    return entry


def credit(rule_code, source, *, client_id=None, client_amount=0, employee_id=None, employee_amount=0, kind="points",
           by=None, note="", again=0):  # fmt: skip
    """Credit the client (his entry carries `employee_id`, his responsible employee) and the employee,
    each for a non-zero amount. Returns the entries added (none if already credited). `again`: the
    credit's round, after it was taken back that many times (times_taken_back)."""
    if kind not in ("points", "bonus"):
        raise LedgerError(_l("Unknown kind of entry."))
    client_amount, employee_amount = round_money(Decimal(client_amount)), round_money(Decimal(employee_amount))
    # (holder, its id, the amount, the entry's client and employee columns)
    parts = [("client", client_id, client_amount, client_id, employee_id),
             ("employee", employee_id, employee_amount, None, employee_id)]  # fmt: skip
    added = []
    for holder, holder_id, amount, entry_client, entry_employee in parts:
        if holder_id is None or not amount:
            continue
        entry = LedgerEntry(
            holder=holder, client_id=entry_client, employee_id=entry_employee, kind=kind, amount=amount,
            rule_code=rule_code, source_type=source.type, source_id=source.id, note=note[:255],
            source_key=_key(rule_code, source, holder, holder_id, kind, again), created_by_id=by.id if by else None,
        )  # fmt: skip
        added.append(_add(entry))
    db.session.flush()
    added = [entry for entry in added if entry is not None]
    _tell_earners(added)
    return added


def _tell_earners(entries):
    earners = {entry.employee_id for entry in entries if entry.holder == "employee"}
    if earners:
        results.changed.send(None, user_ids=earners)


def credit_new_clients(rule_code, source_type, credits, kind="points", by=None):
    """One INSERT of many clients' credits — (client id, his employee's id, amount) — for clients that
    have none of this source yet (just made: an import's). Their keys are those `credit` writes, so
    a `credit` of the same afterwards adds nothing."""
    rows = [
        {"holder": "client", "client_id": client_id, "employee_id": employee_id, "kind": kind,
         "amount": round_money(Decimal(amount)), "rule_code": rule_code, "source_type": source_type,
         "source_id": client_id, "note": "", "created_by_id": by.id if by else None,
         "source_key": _key(rule_code, Source(source_type, client_id), "client", client_id, kind, 0)}
        for client_id, employee_id, amount in credits if amount
    ]  # fmt: skip
    if rows:
        bulk.insert_rows(LedgerEntry, rows)
    return len(rows)


def reverse(entry, by=None, note=""):
    """The entry taken back by a new one of the opposite amount; None if it was taken back before."""
    if entry.reverses_id is not None:
        raise LedgerError(_l("A reversal is not reversed: credit again instead."))
    reversal = LedgerEntry(
        holder=entry.holder, client_id=entry.client_id, employee_id=entry.employee_id, kind=entry.kind,
        amount=-entry.amount, rule_code=entry.rule_code, source_type=entry.source_type, source_id=entry.source_id,
        source_key=f"reversal:{entry.id}", reverses_id=entry.id, note=note[:255], created_by_id=by.id if by else None,
    )  # fmt: skip
    added = _add(reversal)
    db.session.flush()
    _tell_earners([added] if added is not None else [])
    return added


def reverse_source(source, by=None, note="", rule_code=None):
    """Every entry of the source (of one rule, if named) not yet taken back, taken back (a refunded
    payment): the reversals."""
    reversed_ids = select(LedgerEntry.reverses_id).where(LedgerEntry.reverses_id.is_not(None))
    query = select(LedgerEntry).where(
        LedgerEntry.source_type == source.type,
        LedgerEntry.source_id == source.id,
        LedgerEntry.reverses_id.is_(None),
        LedgerEntry.id.not_in(reversed_ids),
    )
    if rule_code is not None:
        query = query.where(LedgerEntry.rule_code == rule_code)
    entries = db.session.scalars(query.order_by(LedgerEntry.id)).all()
    return [reversal for reversal in (reverse(entry, by, note) for entry in entries) if reversal is not None]


def balance_of(holder, holder_id, kind="points"):
    """The holder's kept balance (Decimal), read by its key: one row, whatever the ledger's size."""
    value = db.session.scalar(
        select(LedgerBalance.balance).where(
            LedgerBalance.holder == holder, LedgerBalance.holder_id == holder_id, LedgerBalance.kind == kind
        )
    )
    return round_money(Decimal(value)) if value is not None else Decimal("0.00")


def history(holder, holder_id, kind="points", before=None, limit=HISTORY_PAGE):
    """(a page of the holder's entries, newest first; the id the next page starts before, or None)."""
    column = LedgerEntry.client_id if holder == "client" else LedgerEntry.employee_id
    query = select(LedgerEntry).where(column == holder_id, LedgerEntry.kind == kind, LedgerEntry.holder == holder)
    if before is not None:
        query = query.where(LedgerEntry.id < before)
    rows = db.session.scalars(query.order_by(LedgerEntry.id.desc()).limit(limit + 1)).all()
    return rows[:limit], (rows[limit - 1].id if len(rows) > limit else None)


def _sums():
    holder_id = func.coalesce(LedgerEntry.client_id, LedgerEntry.employee_id)
    query = select(LedgerEntry.holder, holder_id, LedgerEntry.kind, func.sum(LedgerEntry.amount), func.count())
    query = query.group_by(LedgerEntry.holder, holder_id, LedgerEntry.kind)
    return {(h, i, k): (round_money(Decimal(str(total))), count) for h, i, k, total, count in db.session.execute(query)}


def mismatches():
    """{(holder, holder id, kind): ((kept balance, entries), (sum of the entries, entries))} wherever a
    kept balance differs from the ledger; {} when every balance is exact."""
    real = _sums()
    kept = {
        (row.holder, row.holder_id, row.kind): (round_money(Decimal(str(row.balance))), row.entries)
        for row in db.session.scalars(select(LedgerBalance))
    }
    zero = (Decimal("0.00"), 0)
    return {key: (kept.get(key, zero), real.get(key, zero)) for key in set(real) | set(kept)
            if kept.get(key, zero) != real.get(key, zero)}  # fmt: skip


def balances_of(holder, holder_ids):
    """{holder id: {kind: balance}} of these holders, in one query of the kept balances."""
    found = {}
    if not holder_ids:
        return found
    query = select(LedgerBalance).where(LedgerBalance.holder == holder, LedgerBalance.holder_id.in_(sorted(holder_ids)))
    for row in db.session.scalars(query):
        found.setdefault(row.holder_id, {})[row.kind] = round_money(Decimal(str(row.balance)))
    return found
