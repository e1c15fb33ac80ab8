"""Many rows of one table inserted at once (an import's batches).

On PostgreSQL the rows go by COPY: one statement whatever the number of rows, its data formatted by
the driver's C code, and its per-statement triggers (the stage counters, the ledger's balances) add
up all its rows at once. An `INSERT … VALUES` of a thousand rows would be tens of thousands of
parameters re-parsed for every batch, and the driver's executemany one statement per row. New ids
come from the table's sequence first. Updates go as one `UPDATE … FROM unnest(…)`. Elsewhere it is
the ORM's bulk INSERT and an UPDATE per row."""

from sqlalchemy import bindparam, func, insert, select, text, update

from extensions import db
from services.platform import database


def insert_rows(model, rows):
    """Insert `rows` (dicts with the same keys) into `model`'s table; the columns' Python defaults
    fill what the rows leave out."""
    if not rows:
        return
    if not database.on_postgresql():
        db.session.execute(insert(model), rows)
        return
    table, dialect = model.__table__, db.engine.dialect
    names = list(rows[0])
    defaults = {}
    for column in table.columns:
        if column.name not in rows[0] and column.default is not None:
            defaults[column.name] = column.default.arg(None) if column.default.is_callable else column.default.arg
    quote = dialect.identifier_preparer.quote
    # Only the table's own columns (KeyError otherwise), quoted; the values go as COPY's data.
    columns = ", ".join(quote(table.c[name].name) for name in [*names, *defaults])
    fixed = tuple(defaults.values())
    cursor = db.session.connection().connection.driver_connection.cursor()
    with cursor, cursor.copy(f"COPY {quote(table.name)} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row((*(row[name] for name in names), *fixed))


def insert_returning_ids(model, rows):
    """insert_rows, and the new rows' ids in the rows' order."""
    if not rows:
        return []
    if not database.on_postgresql():
        statement = insert(model).returning(model.id, sort_by_parameter_order=True)
        return db.session.execute(statement, rows).scalars().all()
    sequence = func.pg_get_serial_sequence(model.__tablename__, "id")
    ids = db.session.scalars(select(func.nextval(sequence)).select_from(func.generate_series(1, len(rows)))).all()
    insert_rows(model, [{**row, "id": new_id} for row, new_id in zip(rows, ids, strict=True)])
    return ids


def update_rows(model, rows):
    """Set the columns of `rows` (dicts with the same keys, "id" among them) on the rows of those ids:
    on PostgreSQL one `UPDATE … FROM unnest(…)`, elsewhere one UPDATE executed per row."""
    if not rows:
        return
    table, dialect = model.__table__, db.engine.dialect
    names = [name for name in rows[0] if name != "id"]
    if not database.on_postgresql():
        setting = update(table).where(table.c.id == bindparam("_id")).values({n: bindparam(n) for n in names})
        db.session.execute(setting, [{**{n: row[n] for n in names}, "_id": row["id"]} for row in rows])
        return
    quote = dialect.identifier_preparer.quote
    types = {name: table.c[name].type.compile(dialect=dialect) for name in ["id", *names]}
    arrays = ", ".join(f"CAST(:{name} AS {type_}[])" for name, type_ in types.items())
    aliases = ", ".join(quote(name) for name in types)
    setting = ", ".join(f"{quote(name)} = given.{quote(name)}" for name in names)
    statement = (
        f"UPDATE {quote(table.name)} SET {setting} FROM unnest({arrays}) AS given({aliases})"  # noqa: S608
        f" WHERE {quote(table.name)}.id = given.id"
    )
    db.session.execute(text(statement), {name: [row[name] for row in rows] for name in types})
