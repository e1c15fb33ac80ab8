"""Tasks jobs: the repeated tasks made once their day begins."""

from flask_babel import lazy_gettext as _l

from extensions import db

PERIODIC = (
    {
        "id": "tasks-repeats",
        "func": "jobs.tasks.make_repeated_tasks",
        "label": _l("Set the repeated tasks whose day has begun"),
        "interval_seconds": 30 * 60,
    },
)


def make_repeated_tasks(now=None):
    """The number of tasks made."""
    from services.tasks import repeats

    made = repeats.make_due(now)
    db.session.commit()
    return made


def init_app(app):
    from jobs import schedule

    schedule.register(*PERIODIC)
