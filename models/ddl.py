"""The one helper that writes the app's database triggers, on PostgreSQL and SQLite, for the
migrations: the cache signals' bump triggers (models/platform/signal_ddl.py) and the pipeline
subjects' triggers (models/pipeline/subject_ddl.py) are both made of these statements. The standard
library only, so that a migration imports it without the app.

Names go into the DDL as they are: each is checked to be a plain lower-case identifier first."""

import re

DIALECTS = ("postgresql", "sqlite")
IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]{0,62}")


def plain(*names):
    """Raise unless every name is a plain lower-case identifier; returns the first."""
    for name in names:
        if not isinstance(name, str) or not IDENTIFIER.fullmatch(name):
            raise ValueError(f"not a plain lower-case name: {name!r}")
    return names[0] if names else None


def known_dialect(dialect):
    if dialect not in DIALECTS:
        raise ValueError(f"no triggers for {dialect!r}")
    return dialect


# --- PostgreSQL: a function a trigger runs, and the trigger -----------------------------------------


def pg_function(name, body, declare="", replace=False):
    """A plpgsql trigger function `name()` running `body` (statements ending in RETURN)."""
    head = "CREATE OR REPLACE FUNCTION" if replace else "CREATE FUNCTION"
    declared = f"DECLARE\n{declare}\n" if declare else ""
    return f"{head} {plain(name)}() RETURNS trigger LANGUAGE plpgsql AS $$\n{declared}BEGIN\n{body}\nEND $$"


def pg_trigger(name, when, table, function, each="ROW", condition=None, new_table=None):
    """`CREATE TRIGGER name <when> ON table [REFERENCING NEW TABLE AS new_table] FOR EACH <each>
    [WHEN (condition)] EXECUTE FUNCTION …`; `when` as "AFTER INSERT OR UPDATE OF a, b"."""
    plain(name, table, function)
    where = f"\nWHEN ({condition})" if condition else ""
    referencing = f"\nREFERENCING NEW TABLE AS {plain(new_table)}" if new_table else ""
    return (
        f"CREATE TRIGGER {name} {when} ON {table}{referencing}\nFOR EACH {each}{where}\nEXECUTE FUNCTION {function}()"
    )


def pg_drop_trigger(name, table):
    return f"DROP TRIGGER IF EXISTS {plain(name)} ON {plain(table)}"


def pg_drop_function(name, arguments=""):
    return f"DROP FUNCTION IF EXISTS {plain(name)}({arguments})"


# --- SQLite: row-level triggers with their statements inline ----------------------------------------


def sqlite_trigger(name, when, table, body, condition=None):
    """`CREATE TRIGGER name <when> ON table [WHEN condition] BEGIN body END` (always FOR EACH ROW)."""
    plain(name, table)
    where = f" WHEN {condition}" if condition else ""
    return f"CREATE TRIGGER {name} {when} ON {table}{where} BEGIN\n{body}\nEND"


def sqlite_drop_trigger(name):
    return f"DROP TRIGGER IF EXISTS {plain(name)}"
