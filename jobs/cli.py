import logging

import click
from flask import current_app
from flask.cli import with_appcontext


@click.command("worker")
@click.option("--burst", is_flag=True, help="Run the queued jobs and exit.")
@with_appcontext
def worker_command(burst):
    """Run an RQ worker for all queues (services mode)."""
    from jobs.runner import run_worker

    run_worker(current_app._get_current_object(), burst=burst)


@click.command("scheduler")
@with_appcontext
def scheduler_command():
    """Run the scheduler of periodic jobs (services mode). Only one schedules at a time (a lease in
    Redis); another one started stands by and takes over when the first stops."""
    from jobs.runner import run_scheduler

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    run_scheduler()


@click.command("finance-rebuild")
@with_appcontext
def finance_rebuild_command():
    """Recompute the financial report's daily and monthly totals from the ledger."""
    from extensions import db
    from services.finance import totals as finance_totals

    with db.engine.begin() as connection:
        finance_totals.rebuild(connection)
        problems = finance_totals.check(connection)
    click.echo("finance totals rebuilt" if not problems else f"{len(problems)} cells still differ")


@click.command("backup")
@click.argument("path", required=False, type=click.Path(dir_okay=False))
@with_appcontext
def backup_command(path):
    """Write a backup of the database (pg_dump custom format; SQLite: a copy) to PATH
    (default: instance/backups/kartoteka-<UTC time>.dump)."""
    from config import INSTANCE_DIR
    from services.platform import backup

    try:
        written = backup.backup(
            current_app.config["SQLALCHEMY_DATABASE_URI"], path or backup.default_path(INSTANCE_DIR / "backups")
        )
    except backup.BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"backup written: {written}")


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--database-url", help="Restore into this database instead of the app's own (DATABASE_URL).")
@click.option("--create", is_flag=True, help="Create the database first (PostgreSQL).")
@click.option("--jobs", default=2, show_default=True, help="Parallel pg_restore jobs.")
@with_appcontext
def restore_command(path, database_url, create, jobs):
    """Restore a `flask backup` file into an empty database (never over existing tables)."""
    from config import normalize_database_url
    from services.platform import backup

    url = normalize_database_url(database_url) if database_url else current_app.config["SQLALCHEMY_DATABASE_URI"]
    try:
        if create:
            backup.create_database(url)
        backup.restore(path, url, jobs=jobs)
    except backup.BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo("restored; run `flask db upgrade` if the code is newer than the backup")


@click.command("set-password")
@click.argument("username")
@click.password_option(help="The new password (asked for, twice, when not given).")
@with_appcontext
def set_password_command(username, password):
    """Set a person's password (the owner's, when it is lost): his sessions and sockets end."""
    from sqlalchemy import func, select

    from extensions import db
    from models.platform.user import User
    from services.platform import staff
    from services.platform.passwords import MIN_LENGTH

    user = db.session.scalar(select(User).where(func.lower(User.username) == username.strip().lower()))
    if user is None or user.deleted_at is not None:
        raise click.ClickException(f"no such person: {username}")
    if len(password) < MIN_LENGTH:
        raise click.ClickException(f"the password must have at least {MIN_LENGTH} characters")
    staff.set_password(user, password)
    db.session.commit()
    click.echo(f"password set for {user.username}; his sessions were ended")


def init_app(app):
    app.cli.add_command(set_password_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(finance_rebuild_command)
    app.cli.add_command(worker_command)
    app.cli.add_command(scheduler_command)
