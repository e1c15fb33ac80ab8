"""The values entered at a stage, in words: a choice's label, a person's name, yes or no, money with
its thousands spaced — never the stored codes and ids (the stage history, the auto-tasks tab and its
export)."""

from flask_babel import gettext as _
from sqlalchemy import select

from extensions import db
from models.platform.user import User
from services.platform.money import money_text


def entered_values(values, fields, people=None):
    """[(label, text)] of `values` (a closed stage task's) in the stage's field order; `fields`: the
    stage's fields (pipeline.stage_fields, or a Stage's own); `people`: {id: name} (people_names)."""
    values = values or {}
    return [(spec.label, _text(spec, values[spec.name], people)) for spec in fields if spec.name in values]


def _text(spec, value, people):
    if spec.type == "bool":
        return _("yes") if value else _("no")
    if spec.type == "choice":
        return str(dict(spec.choice_list()).get(value, value))
    if spec.type == "user":
        return str((people or {}).get(value, "—" if value in (None, "") else value))
    if spec.type == "money" and value not in (None, ""):
        try:
            return money_text(value)
        except (ValueError, ArithmeticError):
            return str(value)
    return "" if value is None else str(value)


def people_names(tasks, fields_of):
    """{user id: name} of the tasks' responsibles, of who closed them and of the people chosen in their
    "user" fields (`fields_of(task)`: the task's stage fields): one query."""
    ids = set()
    for task in tasks:
        ids.update(filter(None, (task.assignee_id, task.closed_by_id)))
        for spec in fields_of(task):
            value = (task.values or {}).get(spec.name)
            if spec.type == "user" and isinstance(value, int):
                ids.add(value)
    if not ids:
        return {}
    rows = db.session.execute(select(User.id, User.full_name, User.username).where(User.id.in_(ids))).all()
    return {row.id: row.full_name or row.username for row in rows}
