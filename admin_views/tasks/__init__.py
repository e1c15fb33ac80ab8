"""The tasks section: incoming, outgoing and all tasks, and the auto-tasks tab."""

from flask_babel import lazy_gettext as _l

from admin_views import add_page


def init_app(app):
    from admin_views.tasks import task_views

    add_page(20, "tasks", lambda: task_views.TasksView(name=_l("Tasks"), endpoint="tasks", url="tasks"))
