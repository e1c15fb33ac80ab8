"""What a load balancer asks before sending traffic: database, Redis and migrations."""

from pathlib import Path

from alembic.config import Config as AlembicConfig
from alembic.script import ScriptDirectory
from sqlalchemy import text

from extensions import db, queues
from services.platform import cache

MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "migrations"
_heads = cache.keyed("migration heads")  # by the migrations' directory


def migration_heads():
    def read():
        config = AlembicConfig()
        config.set_main_option("script_location", str(MIGRATIONS_DIR))
        return frozenset(ScriptDirectory.from_config(config).get_heads())

    return _heads.value_of(str(MIGRATIONS_DIR), read)


def _database():
    with db.engine.connect() as connection:
        connection.execute(text("SELECT 1"))
        applied = frozenset(connection.execute(text("SELECT version_num FROM alembic_version")).scalars())
    return applied


def checks():
    """{check: "ok" or the reason it failed}; never raises."""
    result = {}
    try:
        applied = _database()
        result["database"] = "ok"
        result["migrations"] = "ok" if applied == migration_heads() else "pending"
    except Exception as error:
        result["database"] = f"unreachable: {type(error).__name__}"
        result["migrations"] = "unknown"
    try:
        queues.connection.ping()
        result["redis"] = "ok"
    except Exception as error:
        result["redis"] = f"unreachable: {type(error).__name__}"
    return result


def is_ready(result):
    return all(value == "ok" for value in result.values())
