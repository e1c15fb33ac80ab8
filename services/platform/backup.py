"""Backups of the database: `pg_dump -Fc` (PostgreSQL) or SQLite's online backup, restore into an
empty database, and a fingerprint (row count + checksum per table) to check a restore."""

import os
import shutil
import sqlite3
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa


class BackupError(Exception):
    pass


def _libpq_env(url):
    """Connection settings for pg_dump/pg_restore as PG* variables: no password on a command line."""
    url = sa.engine.make_url(url)
    env = dict(os.environ)
    for name, value in (
        ("PGHOST", url.host),
        ("PGPORT", url.port),
        ("PGUSER", url.username),
        ("PGPASSWORD", url.password),
        ("PGDATABASE", url.database),
    ):
        if value is not None:
            env[name] = str(value)
    return env


def _tool(name):
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed (Debian: postgresql-client)")
    return path


def default_path(directory):
    return Path(directory) / f"kartoteka-{datetime.now(UTC):%Y%m%d-%H%M%S}.dump"


def backup(url, path):
    """Write a consistent snapshot of the database at `url` to `path`; returns the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    url = sa.engine.make_url(url)
    if url.get_backend_name() == "sqlite":
        source, target = sqlite3.connect(url.database), sqlite3.connect(path)
        with target:
            source.backup(target)
        source.close()
        target.close()
        return path
    done = subprocess.run(  # noqa: S603 - fixed arguments, settings in the environment
        [_tool("pg_dump"), "--format=custom", "--no-owner", "--no-acl", f"--file={path}"],
        env=_libpq_env(url),
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        path.unlink(missing_ok=True)
        raise BackupError(done.stderr.strip() or f"pg_dump exited with {done.returncode}")
    return path


def create_database(url):
    """Create the (PostgreSQL) database of `url`; an error if it exists."""
    url = sa.engine.make_url(url)
    server = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with server.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{url.database}"'))
    finally:
        server.dispose()


def restore(path, url, jobs=2):
    """Restore a `backup` file into the database at `url`, which must have no tables yet."""
    path, url = Path(path), sa.engine.make_url(url)
    if not path.is_file():
        raise BackupError(f"no such backup file: {path}")
    engine = sa.create_engine(url)
    try:
        tables = sa.inspect(engine).get_table_names()
    finally:
        engine.dispose()
    if tables:
        raise BackupError(f"the database {url.database} is not empty ({len(tables)} tables); restore into a new one")
    if url.get_backend_name() == "sqlite":
        shutil.copyfile(path, url.database)
        return
    done = subprocess.run(  # noqa: S603
        [
            _tool("pg_restore"),
            "--no-owner",
            "--no-acl",
            "--exit-on-error",
            f"--jobs={jobs}",
            f"--dbname={url.database}",
            str(path),
        ],
        env=_libpq_env(url),
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise BackupError(done.stderr.strip() or f"pg_restore exited with {done.returncode}")


def fingerprint(connection, tables=None):
    """{table: (rows, md5 of all rows in primary-key order)} for the given or all tables (PostgreSQL)."""
    inspector = sa.inspect(connection)
    result = {}
    for table in tables or sorted(inspector.get_table_names()):
        keys = inspector.get_pk_constraint(table)["constrained_columns"] or ["ctid"]
        order = ", ".join(f't."{key}"' for key in keys)
        # The names come from the database's own catalogue.
        query = f"SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY {order}), '')) FROM \"{table}\" t"  # noqa: S608
        rows, digest = connection.execute(sa.text(query)).one()
        result[table] = (rows, digest)
    return result
