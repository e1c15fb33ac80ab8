"""Scheduled jobs of the pipeline engine, for every subject (services/pipeline/periodic.py does the
work). Both are idempotent: a second run in the same period changes nothing, whichever scheduler,
retry or worker runs it.

- `open_periodic_stage_tasks`: in every stage with a periodic interval, a subject whose open task
  is at least that old gets it closed and a fresh one in the same stage;
- `roll_bank_check_deadlines`: in stages with deadline roll-over, open tasks due today or earlier
  on subjects that still wait (cards without the bank's answer) move to the start of the next
  (business) day.
"""

from flask_babel import lazy_gettext as _l

from extensions import db
from models.base import utcnow
from services.pipeline import periodic
from services.pipeline.calendar import business_rules, next_deadline

BATCH_SIZE = 500


def open_periodic_stage_tasks(now=None, batch_size=BATCH_SIZE, after_batch=None):
    """Returns how many tasks were opened. `after_batch(count)` runs after each committed batch."""
    now = now or utcnow()
    opened = 0
    for stage in periodic.periodic_stages():
        after_id, changed = 0, 0
        while True:
            rows = periodic.due_for_renewal(stage, now, after_id, batch_size)
            if not rows:
                break
            after_id = rows[-1][0].id
            count = sum(periodic.renew(subject, stage, task_id, seq, now) for subject, task_id, seq in rows)
            db.session.commit()
            changed += count
            if after_batch:
                after_batch(count)
        if changed:
            periodic.column_changed(stage)
        opened += changed
    db.session.commit()
    return opened


def roll_bank_check_deadlines(now=None, batch_size=BATCH_SIZE * 2):
    """Returns how many tasks got the new deadline. One UPDATE per batch of task ids."""
    cutoff, target = next_deadline(now or utcnow(), *business_rules())
    stages = periodic.rollover_stages()
    moved, touched = 0, set()
    for same_subject in periodic.by_subject_type(stages):
        after_id = 0
        while True:
            rows, count = periodic.roll_over_batch(same_subject, cutoff, target, after_id, batch_size)
            if not rows:
                break
            db.session.commit()
            moved += count
            touched.update(row.stage_id for row in rows)
            after_id = rows[-1].id
    for stage in stages:
        if stage.id in touched:
            periodic.column_changed(stage)
    db.session.commit()
    return moved


PERIODIC = (
    {
        "id": "open-periodic-stage-tasks",
        "func": "jobs.pipeline.open_periodic_stage_tasks",
        "label": _l("Renew the periodic stage tasks"),
        "interval_seconds": 3600,
        "timeout": 1800,
    },
    {
        "id": "roll-bank-check-deadlines",
        "func": "jobs.pipeline.roll_bank_check_deadlines",
        "label": _l("Move the bank checks' deadlines to the next working day"),
        "interval_seconds": 900,
        "timeout": 900,
    },
)


def init_app(app):
    from jobs import schedule

    schedule.register(*PERIODIC)
