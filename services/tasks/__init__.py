"""Ordinary tasks between staff, and the auto-tasks tab of the stage tasks."""

from flask_babel import lazy_gettext as _l

PERMISSIONS = {
    "tasks.view": _l("Set tasks and see own tasks and the stage tasks"),
    "tasks.view_all": _l("See all tasks"),
    "tasks.assign_any": _l("Set tasks to anyone"),
}


def init_app(app):
    from flask_babel import lazy_gettext as _l

    from services.platform import access, notifications
    from services.tasks import export_lists

    access.register_permissions(PERMISSIONS)
    export_lists.register()
    notifications.register(
        "tasks.assigned", _l("A task set to me"), _l("%(author)s set you a task: %(title)s"), section="/admin/tasks/"
    )
