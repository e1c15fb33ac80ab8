import click
from flask import current_app
from flask.cli import with_appcontext


@click.command("worker")
@click.option("--burst", is_flag=True, help="Run the queued jobs and exit.")
@with_appcontext
def worker_command(burst):
    """Run an RQ worker for all queues (services mode)."""
    from jobs.runner import make_worker

    make_worker(current_app._get_current_object()).work(burst=burst, with_scheduler=False)


@click.command("scheduler")
@with_appcontext
def scheduler_command():
    """Run the scheduler of periodic jobs (services mode; holds a Redis lock)."""
    from jobs.runner import make_scheduler, register_periodic_jobs

    scheduler = make_scheduler()
    register_periodic_jobs(scheduler)
    scheduler.run()


@click.command("finance-rebuild")
@with_appcontext
def finance_rebuild_command():
    """Recompute the financial report's daily and monthly totals from the ledger."""
    from extensions import db
    from services import finance

    with db.engine.begin() as connection:
        finance.rebuild(connection)
        problems = finance.check(connection)
    click.echo("finance totals rebuilt" if not problems else f"{len(problems)} cells still differ")


def init_app(app):
    app.cli.add_command(finance_rebuild_command)
    app.cli.add_command(worker_command)
    app.cli.add_command(scheduler_command)
