"""Where the money that the financial report sums is kept. The report's kept totals
(services/finance/totals.py) know no domain: a domain that keeps money records registers a MoneyBook
saying which of its records a flush touches and what those records add to the report's cells — rows
of (day, kind, bank_id, agent_id, amount, count), kind 'work_off' or 'profit'."""

from dataclasses import dataclass
from typing import Any

BOOKS = []


@dataclass(frozen=True, eq=False)
class MoneyBook:
    # (session) → (keys, pending): the keys of the records whose cells the coming flush may change,
    # and the objects whose key is known only after it (new rows); read before the flush.
    touched: Any
    # (pending) → keys of those objects, after the flush.
    keys_after: Any
    # (connection, keys): take the records' row locks in key order (PostgreSQL), before the first read.
    lock: Any
    # (keys or None for all) → a SELECT of cells straight from the records.
    cells: Any
    # (session, ids) → {bank id: name}, for the report's rows.
    bank_names: Any


def register(book):
    if book not in BOOKS:
        BOOKS.append(book)
    return book
