"""Ordinary tasks for tests, made as the tasks section makes them."""

from datetime import timedelta

from extensions import db
from models.base import utcnow
from services.tasks import operations as tasks


def set_task(by, to, title="Call the bank", deadline=None, commit=True, **extra):
    task = tasks.create(by, title=title, description="", assignee_id=to.id,
                        deadline=deadline or utcnow() + timedelta(days=1), **extra)  # fmt: skip
    if commit:
        db.session.commit()
    return task
