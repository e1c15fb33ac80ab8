"""A closed period's frozen results are never changed: the database refuses an UPDATE of one (a
correction is an adjustment in an open period). Importable from migrations."""

from models import ddl

FROZEN = "the salary of a closed period is never changed: adjust it in an open period"


def postgresql_up():
    return [
        ddl.pg_function("salary_results_frozen", f"RAISE EXCEPTION '{FROZEN}';\nRETURN NULL;"),
        ddl.pg_trigger("salary_results_frozen", "BEFORE UPDATE", "salary_results", "salary_results_frozen"),
    ]


def postgresql_down():
    return [
        ddl.pg_drop_trigger("salary_results_frozen", "salary_results"),
        ddl.pg_drop_function("salary_results_frozen"),
    ]


def sqlite_up():
    return [
        ddl.sqlite_trigger(
            "salary_results_frozen", "BEFORE UPDATE", "salary_results", f"SELECT RAISE(ABORT, '{FROZEN}');"
        )
    ]


def sqlite_down():
    return [ddl.sqlite_drop_trigger("salary_results_frozen")]
