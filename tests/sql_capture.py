"""The SQL the app sends, as the tests see it: `capture_sql()` records every statement the engine runs
inside its block (whatever session or request runs it); `get_with_sql()` is one page's worth."""

import re
from contextlib import contextmanager

import sqlalchemy as sa

from extensions import db


class CapturedSQL:
    """The statements run while capturing, in order: `.statements` as sent to the database,
    `.normalized` lower-cased with each run of whitespace made one space (for matching text)."""

    def __init__(self):
        self.statements = []

    def __repr__(self):
        return f"CapturedSQL({self.statements!r})"

    @property
    def count(self):
        return len(self.statements)

    @property
    def normalized(self):
        return [" ".join(statement.split()).lower() for statement in self.statements]

    def from_table(self, table):
        """The statements (normalized) that select FROM `table`."""
        pattern = re.compile(rf"\bfrom {re.escape(table.lower())}\b")
        return [statement for statement in self.normalized if pattern.search(statement)]

    def _record(self, conn, cursor, statement, parameters, context, executemany):
        self.statements.append(statement)


@contextmanager
def capture_sql():
    """with capture_sql() as sql: ... then sql.statements, sql.count, sql.normalized, sql.from_table()."""
    captured = CapturedSQL()
    sa.event.listen(db.engine, "before_cursor_execute", captured._record)
    try:
        yield captured
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", captured._record)


def get_with_sql(client, url):
    """GET `url` with `client`: (the response, the SQL that request ran)."""
    with capture_sql() as sql:
        response = client.get(url)
    return response, sql
