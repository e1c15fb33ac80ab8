"""What a process keeps between requests, all of it here, and `reset_all()`, which empties it (the
tests call it before every test: tests/conftest.py). No other module keeps process-wide values; a
module holds at most a handle to a store made here.

Words:
- signal: a row of `cache_signals` (a name and a version). Database triggers bump its version in
  the transaction of every change that matters, from the panel, a job or psql (migrations
  b1c2d3e4f507 'access', b1c2d3e4f510/511 'directories'; new ones through
  models.platform.signal_ddl). Every signed-in request reads both versions with its session row
  (services.platform.sessions).
- kept by version: a value is kept with the version it was loaded under and used while the
  request's version is the same. A value loaded after the version was read is at least as new as
  that version, so a process never keeps old data under a newer version. Without a version (no
  signed-in request, the signal row missing) nothing is kept.
- kept by time: a value is used for some seconds after it was loaded, whatever changed meanwhile:
  for what may be a little old (the choice of a query plan, a page without a signed-in user).
- store: a named dict of kept values. `keyed(name)` (a value depends on its key alone: a rendered
  menu, a statement by its shape) and `timed(name)` (by key and time) give one to the module that
  uses it; `limit` bounds it: a full store is emptied whole, which costs one reload of each value.

Threads (threading mode) share all of it. Kept values are never edited (tuples, frozensets, text,
statements); an entry is replaced whole, which a dict does atomically, so a reader sees the old
entry or the new one. `per_time` lets one thread load a value while the others wait for it.
"""

import threading
from time import monotonic

from flask import g, has_request_context

USERS_KEPT = 10_000  # per_user_version's default bound: the people a process keeps values for
_MISSING = object()
_stores = {}  # name → every store of the process: what reset_all empties


class Kept(dict):
    """Values that depend on their key alone, kept until reset_all; emptied whole when it holds
    `limit` of them (None: unbounded, for keys of a known few kinds)."""

    def __init__(self, limit=None):
        super().__init__()
        self.limit = limit

    def _make_room(self):
        if self.limit is not None and len(self) >= self.limit:
            self.clear()

    def keep(self, key, value):
        """Keep `value` under `key` (in place of any other) and return it."""
        self._make_room()
        self[key] = value
        return value

    def value_of(self, key, load):
        """The value kept under `key`, else `load()`, kept; of two threads loading at once, the first
        one kept is the one both get."""
        value = self.get(key, _MISSING)
        if value is _MISSING:
            value = load()
            self._make_room()
            value = self.setdefault(key, value)
        return value


class Timed(dict):
    """Values by key, each with the (monotonic) time it was kept: key → (when, value). A reader says
    how old a value he accepts. Emptied whole when it holds `limit` of them."""

    def __init__(self, limit=None):
        super().__init__()
        self.limit = limit

    def keep(self, key, value, when=None):
        if self.limit is not None and len(self) >= self.limit:
            self.clear()
        self[key] = (monotonic() if when is None else when, value)
        return value

    def recent(self, key, seconds, default=None):
        """The value kept under `key` within the last `seconds`, else `default`."""
        when, value = self.get(key, (None, default))
        if when is None or monotonic() - when > seconds:
            return default
        return value

    def recent_or_load(self, key, seconds, load):
        """The value kept under `key` within the last `seconds`, else `load()`, kept as of the time
        the load began."""
        value = self.recent(key, seconds, _MISSING)
        if value is _MISSING:
            started = monotonic()
            value = self.keep(key, load(), when=started)
        return value


def _register(name, store):
    if name in _stores:
        raise ValueError(f"a store named {name!r} is kept already")
    _stores[name] = store
    return store


def keyed(name, limit=None):
    """A new store of values by key alone (Kept), emptied by reset_all."""
    return _register(name, Kept(limit))


def timed(name, limit=None):
    """A new store of values by key and time (Timed), emptied by reset_all."""
    return _register(name, Timed(limit))


def reset_all():
    """Empty everything the process keeps: every store, every value kept by version or time."""
    for store in list(_stores.values()):
        store.clear()


# name → (directories version, value)
_by_directories_version = keyed(("per_version", "directories"))


def per_version(name, load):
    """The kept value of `name` for the request's 'directories' version, `load()`ed when missing:
    the select lists, the stages' names and fields. Without a version, read once a request."""
    version = g.get("directories_version") if has_request_context() else None
    if version is None:
        per_request = g.setdefault("kept_reference", {}) if has_request_context() else {}
        if name not in per_request:
            per_request[name] = load()
        return per_request[name]
    entry = _by_directories_version.get(name)
    if entry is not None and entry[0] == version:
        return entry[1]
    return _by_directories_version.keep(name, (version, load()))[1]


def per_user_version(namespace, user_id, version, load, limit=USERS_KEPT):
    """The value of `namespace` kept for this user and `version` (of the signal the caller reads:
    'access' for what the policy reads of a person), `load()`ed when missing or older. Version None:
    loaded and not kept. `namespace`'s first call sets its bound, `limit` people."""
    if version is None:
        return load()
    store = _stores.get(("per_user_version", namespace))
    if store is None:
        store = _stores.setdefault(("per_user_version", namespace), Kept(limit))
    entry = store.get(user_id)
    if entry is not None and entry[0] == version:
        return entry[1]
    return store.keep(user_id, (version, load()))[1]


# name → (when, value); a lock by name, so that one thread loads a value at a time
_by_time = timed(("per_time",))
_loading = {}


def per_time(name, seconds, load):
    """The value of `name` loaded within the last `seconds`, else `load()`ed now and kept. While one
    thread loads it, the others that find it missing or old wait and take his."""
    value = _by_time.recent(name, seconds, _MISSING)
    if value is not _MISSING:
        return value
    lock = _loading.get(name) or _loading.setdefault(name, threading.Lock())
    with lock:
        return _by_time.recent_or_load(name, seconds, load)
