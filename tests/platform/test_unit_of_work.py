"""One unit of work: services flush, the entry point commits once, and what waits for the commit
runs after it — never after a rollback."""

import ast
from pathlib import Path

from sqlalchemy import func, select

from extensions import db
from models.platform.user import LoginAttempt
from services.platform.unit_of_work import after_commit

ROOT = Path(__file__).resolve().parents[2]
# The request's own end (a transaction that only read) and the entry points' commit helper.
MAY_COMMIT = {"services/platform/database.py", "services/platform/unit_of_work.py"}


def _attempt(name):
    db.session.add(LoginAttempt(username=name, ip="127.0.0.1", success=False))
    db.session.flush()


def _attempts():
    return db.session.scalar(select(func.count()).select_from(LoginAttempt))


def test_what_waits_for_the_commit_runs_after_it_in_order_and_reads_what_was_committed(app):
    ran = []
    _attempt("first")
    after_commit(lambda: ran.append(("counted", _attempts())))
    after_commit(ran.append, "second")
    assert ran == []
    db.session.commit()
    assert ran == [("counted", 1), "second"]
    db.session.commit()
    assert ran == [("counted", 1), "second"]  # once


def test_a_rollback_drops_what_waited_for_the_commit(app):
    ran = []
    _attempt("gone")
    after_commit(ran.append, "never")
    db.session.rollback()
    db.session.commit()
    assert ran == [] and _attempts() == 0


def test_a_savepoints_rollback_drops_only_what_was_queued_inside_it(app):
    ran = []
    after_commit(ran.append, "before")
    try:
        with db.session.begin_nested():
            _attempt("inside")
            after_commit(ran.append, "inside")
            raise ValueError
    except ValueError:
        pass
    with db.session.begin_nested():
        after_commit(ran.append, "kept savepoint")
    db.session.commit()
    assert ran == ["before", "kept savepoint"] and _attempts() == 0


def _commits_in(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in ("commit", "rollback")
    ]


def test_services_flush_and_never_commit_or_roll_back():
    found = {
        str(path.relative_to(ROOT)): lines
        for path in sorted((ROOT / "services").rglob("*.py"))
        if str(path.relative_to(ROOT)) not in MAY_COMMIT and (lines := _commits_in(path))
    }
    assert found == {}, "services must leave the commit to the entry point (services.platform.unit_of_work)"
