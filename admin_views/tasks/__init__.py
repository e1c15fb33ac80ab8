"""The tasks section: incoming, outgoing and all tasks, and the auto-tasks tab."""

from flask_babel import lazy_gettext as _l

from admin_views import add_page


def init_app(app):
    from admin_views.tasks import task_views

    add_page(20, "tasks", lambda: task_views.TasksView(name=_l("Tasks"), endpoint="tasks", url="tasks"))
    _describe_changes()


def _describe_changes():
    from admin_views.change_words import describe
    from services.tasks import operations as tasks
    from services.tasks import repeats

    labels = {
        "title": _l("Title"),
        "description": _l("Description"),
        "author_id": _l("Author"),
        "assignee_id": _l("Responsible"),
        "deadline": _l("Deadline"),
        "status": _l("Status"),
        "card_id": _l("Card"),
        "client_id": _l("Client"),
        "closed_at": _l("Closed"),
        "recurrence_id": _l("Repeat"),
        "occurs_on": _l("Day"),
    }
    describe("tasks", _l("Task"), labels, {"status": tasks.STATUS_LABELS})
    repeat_labels = {
        "repeat": _l("Repeat"),
        "author_id": _l("Author"),
        "assignee_id": _l("Responsible"),
        "title": _l("Title"),
        "description": _l("Description"),
        "card_id": _l("Card"),
        "client_id": _l("Client"),
        "first_on": _l("First day"),
        "due_time": _l("Due at"),
        "timezone": _l("Time zone"),
        "next_on": _l("Next day"),
        "until": _l("Last day"),
        "active": _l("Repeating"),
    }
    describe("task_recurrences", _l("Repeated task"), repeat_labels, {"repeat": repeats.REPEAT_LABELS})
