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
    }
    describe("tasks", _l("Task"), labels, {"status": tasks.STATUS_LABELS})
