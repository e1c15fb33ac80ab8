"""Salary jobs: closing a period (its progress told to the page), everyone's salary and forecast for
the open period (the wide team tables read them), the automatic raises, and `flask salary-check`."""

import click
from flask.cli import with_appcontext
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from extensions import db

PROGRESS_KEY = "kartoteka:salary-close:{id}"
PERIODIC = (
    {
        "id": "salary-raises",
        "func": "jobs.salary.raise_targets",
        "label": _l("Raise the salary targets met long enough"),
        "interval_seconds": 6 * 3600,
    },
    {
        "id": "salary-estimates",
        "func": "jobs.salary.estimate_salaries",
        "label": _l("Compute everyone's salary and forecast for the open period"),
        "interval_seconds": 30 * 60,
    },
)


def progress_of(period_id):
    """(done, total) of a running close, as its job last told; (0, None) before it tells."""
    from extensions import queues

    kept = queues.connection.hgetall(PROGRESS_KEY.format(id=period_id)) or {}
    total = kept.get(b"total")
    return int(kept.get(b"done", 0)), int(total) if total not in (None, b"") else None


def _teller(period_id):
    from extensions import queues

    def tell(done, total):
        queues.connection.hset(PROGRESS_KEY.format(id=period_id), mapping={"done": done, "total": total or ""})
        queues.connection.expire(PROGRESS_KEY.format(id=period_id), 86400)

    return tell


def close_period(period_id, by_id):
    """Freeze the period's salaries and close it, in one transaction; again after a failure, it
    goes on where nothing was kept (a closed period is left as it is)."""
    from models.platform.user import User
    from models.salary import SalaryPeriod
    from services.platform.audit import acting_as
    from services.salary import closing

    period = db.session.get(SalaryPeriod, period_id, populate_existing=True)
    if period is None or period.status == "closed":
        return 0
    by = db.session.get(User, by_id)
    with acting_as(by_id), force_locale((by.language if by else None) or "uk"):
        frozen = closing.close(period, by, _teller(period_id))
    db.session.commit()
    return frozen


@click.command("salary-check")
@with_appcontext
def salary_check_command():
    """Recompute every frozen salary from its kept inputs and compare it with the frozen figure."""
    from services.salary import closing

    wrong = closing.mismatches()
    for result, total in wrong:
        click.echo(f"period {result.period_id}, person {result.user_id}: frozen {result.total}, recomputed {total}")
    if wrong:
        raise click.ClickException(f"{len(wrong)} frozen salaries differ from their recomputation")
    click.echo("every frozen salary equals its recomputation")


def init_app(app):
    from jobs import schedule

    schedule.register(*PERIODIC)
    schedule.name("jobs.salary.close_period", _l("Close a salary period"))
    schedule.name("jobs.salary.estimate_salaries", _l("Compute everyone's salary and forecast for the open period"))
    app.cli.add_command(salary_check_command)


ESTIMATE_SOON_KEY = "kartoteka:salary-estimate-soon"


def estimate_soon():
    """Queue estimate_salaries now, unless it was queued in the last minute (a wide table found
    nothing computed yet)."""
    from extensions import queues

    if queues.connection.set(ESTIMATE_SOON_KEY, 1, nx=True, ex=60):
        queues.enqueue(estimate_salaries, job_timeout=3600)


def estimate_salaries(today=None):
    """Everyone's salary and forecast for the period of today, kept for the wide team tables; the
    number of people."""
    from services.platform.timezones import now_utc
    from services.salary import estimates, periods

    period = periods.ensure(today or now_utc().date())
    if period.status != "open":
        return 0
    counted = estimates.refresh(period)
    db.session.commit()
    return counted


def raise_targets(today=None):
    """Daily: the targets met long enough, raised for the next period that has not begun (made if
    missing); each person and target once whatever runs it."""
    from services.platform.timezones import now_utc
    from services.salary import periods, raises

    today = today or now_utc().date()
    upcoming = periods.ensure(periods.ensure(today).ends_on)
    added = raises.run(upcoming)
    db.session.commit()
    return len(added)
