"""`flask backup` and `flask restore`: a restore into a fresh database has the same data."""

import subprocess
import sys
import uuid

import pytest
import sqlalchemy as sa

from deploy.cluster import ROOT
from services.platform.backup import fingerprint
from tests.faults.conftest import needs_services
from tests.services_setup import drop_database

pytestmark = [pytest.mark.faults, needs_services]
KEY_TABLES = ["users", "cards", "stage_tasks", "transactions", "stage_responsibles", "memberships", "change_log"]


def flask(app, *args):
    env = {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": str(ROOT),
        "FLASK_APP": "app:create_app",
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "SECRET_KEY": "backup-drill",
        "KARTOTEKA_EMBEDDED_WORKERS": "0",
    }
    return subprocess.run(  # noqa: S603
        [sys.executable, "-m", "flask", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


def test_a_backup_restored_into_a_fresh_database_has_the_same_rows(app, demo, tmp_path):
    from extensions import db

    dump = tmp_path / "kartoteka.dump"
    done = flask(app, "backup", str(dump))
    assert done.returncode == 0, done.stderr
    assert dump.stat().st_size > 0

    source_url = sa.engine.make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    name = f"kartoteka_restore_{uuid.uuid4().hex[:8]}"
    target_url = source_url.set(database=name).render_as_string(hide_password=False)
    server_url = source_url.set(database="postgres").render_as_string(hide_password=False)
    try:
        done = flask(app, "restore", str(dump), "--create", "--database-url", target_url)
        assert done.returncode == 0, done.stderr
        with db.engine.connect() as connection:
            tables = sa.inspect(connection).get_table_names()
            assert set(KEY_TABLES) <= set(tables)
            before = fingerprint(connection)
        target = sa.create_engine(target_url)
        with target.connect() as connection:
            after = fingerprint(connection)
        target.dispose()
        assert after == before
        assert all(before[table][0] > 0 for table in ("users", "cards", "stage_tasks"))

        # Restoring over a database that has tables is refused, and changes nothing.
        refused = flask(app, "restore", str(dump), "--database-url", target_url)
        assert refused.returncode != 0 and "not empty" in refused.stderr
    finally:
        drop_database(server_url, name)
