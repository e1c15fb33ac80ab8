"""One unit of work per request, job or command: services change models and flush, never commit; the
entry point (view, API endpoint, job, CLI command) commits once, with `commit()`.

What may happen only once the work is kept — realtime events, notifications, e-mails — is queued
with `after_commit(callback, *args)` while the work runs and called after its commit, in the order
queued; a rollback drops it, and the rollback of a savepoint drops what was queued inside it. The
callbacks run once the transaction has ended, so what they read includes this work and everything
committed before it (a board's counts); they change nothing."""

from sqlalchemy import event
from sqlalchemy.orm import Session

from extensions import db

QUEUED = "kartoteka_after_commit"
COMMITTED = "kartoteka_committed"
SAVEPOINTS = "kartoteka_savepoints"


def after_commit(callback, *args):
    """Call `callback(*args)` once the current transaction commits; never if it rolls back."""
    db.session.info.setdefault(QUEUED, []).append((callback, args))


def commit(keep=None):
    """The entry point's one commit. `keep`: the acting user, left unexpired — the work changed
    nothing of his, and the rest of the request (the log line, the headers) would otherwise reload him
    with his role, permissions and memberships."""
    keep = keep._get_current_object() if hasattr(keep, "_get_current_object") else keep  # current_user
    session = db.session()
    if keep is None:
        session.commit()
        return
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = True
    for obj in list(session.identity_map.values()):
        if obj is not keep:
            session.expire(obj)


@event.listens_for(Session, "after_transaction_create")
def _mark_savepoint(session, transaction):
    if transaction.nested:
        session.info.setdefault(SAVEPOINTS, {})[id(transaction)] = len(session.info.get(QUEUED, ()))


@event.listens_for(Session, "after_soft_rollback")
def _drop_queued(session, previous_transaction):
    mark = session.info.get(SAVEPOINTS, {}).pop(id(previous_transaction), None)
    if previous_transaction.nested and mark is not None:
        del session.info.get(QUEUED, [])[mark:]
    elif not previous_transaction.nested:
        session.info.pop(QUEUED, None)
        session.info.pop(SAVEPOINTS, None)


@event.listens_for(Session, "after_commit")
def _take_queued(session):
    session.info.pop(SAVEPOINTS, None)
    queued = session.info.pop(QUEUED, None)
    if queued:
        session.info[COMMITTED] = queued


@event.listens_for(Session, "after_transaction_end")
def _run_committed(session, transaction):
    # After the commit's own hook the session may read again: a callback's read begins a new,
    # read-only transaction that the entry point ends as usual.
    if transaction.parent is not None or transaction.nested:
        return
    for callback, args in session.info.pop(COMMITTED, ()):
        callback(*args)
