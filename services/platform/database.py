"""Database discipline for PostgreSQL: no statement runs forever and no connect hangs, so a
request either finishes or fails fast with a 503 (admin_views/platform/errors.py) and the pool recovers."""

from psycopg.pq import TransactionStatus
from sqlalchemy import event, text
from sqlalchemy.exc import InterfaceError, OperationalError, SQLAlchemyError

from extensions import db

# The web's statements are short reads of a few indexes. PostgreSQL would JIT-compile those whose
# estimate passes jit_above_cost (a tracker column's scope can: ~40 ms of compiling for a statement
# that runs in a few) and start a parallel worker for some (~10 ms before the first row), while
# the other cores serve other requests. Neither, on every connection of the app.
SESSION_SETTINGS = "-c jit=off -c max_parallel_workers_per_gather=0"

# An execution option (joins_as_written): the statement's joins run in the order written
# (join_collapse_limit = 1 for that statement alone; every other one is planned with the server's
# setting). For the statements written in the order they should run, whose joins cost more to
# reorder than to run: a card's load by its key with its bank, supplier, three people and stage
# (searching every order of those six joins took ~2.5 ms of planning for a statement that runs in
# 0.2; services.cards.operations.visible_card), and the tracker's board statements
# (services.cards.board_statements), measured with their joins in that order.
JOINS_AS_WRITTEN = "kartoteka_joins_as_written"


WROTE = "kartoteka_wrote"  # on a connection's info: a statement other than a SELECT ran in its transaction

# An execution option: plan the statement for its values every time. psycopg prepares a statement
# run five times, and after five more PostgreSQL may keep one generic plan for every value. A plan
# that hinges on a value (how many cards a contact's trigrams match, where an id bound falls) must
# not: the generic plan of the archive's contact search ANDs the trigrams with every archived id
# (70 ms a search, 10 ms when planned for its term).
CUSTOM_PLAN = "kartoteka_custom_plan"


def joins_as_written(statement):
    """`statement` with the JOINS_AS_WRITTEN option: on PostgreSQL its joins run in the order written."""
    return statement.execution_options(**{JOINS_AS_WRITTEN: True})


def _set_join_collapse_limit(cursor, value):
    """SET LOCAL on the statement's connection, past SQLAlchemy's events: not a write (WROTE), and the
    cursor's rows stay its own."""
    cursor.connection.execute(f"SET LOCAL join_collapse_limit = {value}", prepare=False)


def on_postgresql():
    """Whether the request's session talks to PostgreSQL (services mode) rather than SQLite."""
    return db.session.get_bind().dialect.name == "postgresql"


def without_statement_timeout(session):
    """Lifts the statement timeout until the session's transaction ends: for maintenance commands
    (the counters' rebuild and check) whose statements scan whole tables, unlike a request's."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL statement_timeout = 0"))


def _reads(statement):
    """A SELECT, or an EXPLAIN that only plans (an estimate of rows, services.cards.lists)."""
    head = statement.lstrip()[:40].upper()
    return head.startswith("SELECT") or (head.startswith("EXPLAIN") and "ANALY" not in head)


def _only_read(session):
    if not session.in_transaction() or not session.is_active or session.new or session.dirty or session.deleted:
        return False
    connection = session.connection()
    if connection.info.get(WROTE, True):
        return False
    return connection.connection.driver_connection.info.transaction_status == TransactionStatus.INTRANS


def _end_session(error=None):
    """Close the request's session; if its connection was killed meanwhile, the ROLLBACK of the
    close fails: drop the connection instead, so the answer already made is not turned into a
    500 and the pool gets a fresh connection next time.

    A transaction that only read ends with COMMIT instead: psycopg forgets its prepared statements
    at every ROLLBACK (the statement may have been prepared against something rolled back), so
    ending reads with it would make PostgreSQL parse and plan the same statements on every request."""
    try:
        if error is None and _only_read(db.session()):
            db.session.commit()
    except SQLAlchemyError:
        pass  # the close below rolls back instead
    try:
        db.session.remove()
    except (OperationalError, InterfaceError):
        db.session().invalidate()
        db.session.remove()


def _unicode_case(dbapi_connection, connection_record):
    """SQLite's own lower() and upper() fold ASCII only, so "анна" ILIKE-matched nothing of "Анна";
    Python's fold every script, as PostgreSQL's do (ILIKE is lower() LIKE lower() on SQLite)."""
    dbapi_connection.create_function("lower", 1, _fold(str.lower), deterministic=True)
    dbapi_connection.create_function("upper", 1, _fold(str.upper), deterministic=True)


def _fold(method):
    return lambda value: method(value) if isinstance(value, str) else value


def init_app(app):
    # Registered after Flask-SQLAlchemy's own teardown, so it runs first (teardowns run in reverse).
    app.teardown_appcontext(_end_session)
    with app.app_context():
        engine = db.engine
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _unicode_case)
    if engine.dialect.name != "postgresql":
        return
    statement_ms = int(app.config["DATABASE_STATEMENT_TIMEOUT_MS"])
    connect_seconds = int(app.config["DATABASE_CONNECT_TIMEOUT_SECONDS"])

    @event.listens_for(engine, "before_cursor_execute")
    def _note_writes(connection, cursor, statement, parameters, context, executemany):
        if not _reads(statement):
            connection.info[WROTE] = True

    @event.listens_for(engine, "do_execute")
    def _planned_as_asked(cursor, statement, parameters, context):
        custom_plan = context.execution_options.get(CUSTOM_PLAN)
        as_written = context.execution_options.get(JOINS_AS_WRITTEN)
        if not (custom_plan or as_written):
            return None
        if as_written:
            _set_join_collapse_limit(cursor, "1")
        cursor.execute(statement, parameters, prepare=False if custom_plan else None)
        if as_written:  # a failed statement ends its transaction, and the setting with it
            _set_join_collapse_limit(cursor, "DEFAULT")
        return True

    @event.listens_for(engine, "begin")
    def _fresh_transaction(connection):
        connection.info[WROTE] = False

    @event.listens_for(engine, "do_connect")
    def _limits(dialect, connection_record, cargs, cparams):
        cparams.setdefault("connect_timeout", connect_seconds)
        options = cparams.get("options", "")
        cparams["options"] = f"{options} -c statement_timeout={statement_ms} {SESSION_SETTINGS}".strip()
