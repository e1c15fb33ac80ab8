"""Each person's results over a span of time, as the domains that know them register them: points
and bonuses (the ledger), paid invoices and events done (the clients), interviews (HR) … Salary
plans and reports read them by code; no domain reads another's tables for them.

A source is `count(user_ids, starts, ends) -> {user id: Decimal}` over [starts, ends) in UTC."""

from decimal import Decimal

from blinker import Namespace

_SOURCES = {}

# Sent inside the transaction that changes what some people earn (a ledger entry, a salary
# adjustment): `changed.send(None, user_ids=…)`; the sockets tell their pages after the commit.
changed = Namespace().signal("results-changed")


def register(code, label, count):
    """Called by a domain's init_app: the result `code` (shown as `label`) counted by `count`."""
    _SOURCES[code] = (label, count)


def labels():
    """{code: label} of every registered result, for plans' editors and reports."""
    return {code: label for code, (label, _count) in _SOURCES.items()}


def known(code):
    return code in _SOURCES


def of_people(codes, user_ids, starts, ends):
    """{code: {user id: Decimal}} of the results named (unknown codes count nothing) for these people;
    a person with none of a result is left out of its map."""
    found = {}
    people = sorted(set(user_ids))
    for code in codes:
        source = _SOURCES.get(code)
        found[code] = {} if source is None or not people else {
            user_id: Decimal(value) for user_id, value in source[1](people, starts, ends).items()
        }  # fmt: skip
    return found
