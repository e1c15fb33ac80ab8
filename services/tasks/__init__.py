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
    from services.tasks import export_lists, operations

    access.register_permissions(PERMISSIONS)
    export_lists.register()
    notifications.register(
        "tasks.assigned", _l("A task set to me"), _l("%(author)s set you a task: %(title)s"), section="/admin/tasks/"
    )
    notifications.register("tasks.watching", _l("A task I was asked to follow"),
                           _l("%(author)s asked you to follow the task: %(title)s"), section="/admin/tasks/")  # fmt: skip
    notifications.register("tasks.commented", _l("A comment in a task I take part in"),
                           _l("%(author)s commented on the task: %(title)s"), section="/admin/tasks/")  # fmt: skip
    notifications.register("tasks.status", _l("A new status of a task I take part in"),
                           _l("%(author)s moved the task «%(title)s» to «%(status)s»"), section="/admin/tasks/",
                           labels={"status": operations.STATUS_LABELS})  # fmt: skip
