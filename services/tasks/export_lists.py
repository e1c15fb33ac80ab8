"""The tasks' exportable lists: incoming, outgoing, the team's, followed and all tasks, and the auto-tasks
history."""

from flask_babel import lazy_gettext as _l

from services.exports import registry as exports
from services.exports.registry import localized

TASK_COLUMNS = (
    _l("Task number"),
    _l("Title"),
    _l("Status"),
    _l("Author"),
    _l("Responsible"),
    _l("Deadline"),
    _l("Created"),
    _l("Closed"),
)
AUTO_COLUMNS = (
    _l("Card number"),
    _l("Step"),
    _l("Stage"),
    _l("Responsible"),
    _l("Opened"),
    _l("Deadline"),
    _l("Closed"),
    _l("Closed by"),
    _l("Entered values"),
)


def _without(args, *names):
    return {k: v for k, v in args.items() if k not in names}


def _task_error(error):
    return exports.ExportError(error.message, status=error.status)


def task_rows(tab):
    def rows(user, args):
        from models.tasks.task import Task
        from services.tasks import lists as task_lists
        from services.tasks import operations as tasks

        try:
            query = task_lists.task_query(user, tab, _without(args, "before", "tab"))
        except tasks.TaskError as error:
            raise _task_error(error) from error

        def convert(task):
            return (
                task.id,
                task.title,
                str(tasks.STATUS_LABELS.get(task.status, task.status)),
                task.author.display_name if task.author else "",
                task.assignee.display_name if task.assignee else "",
                task.deadline,
                task.created_at,
                task.closed_at,
            )

        return exports.keyset(query, Task.id, convert=convert, entities=True)

    return rows


def task_check(args):
    from services.tasks import lists as task_lists

    return task_lists.TaskFilters.from_args(args).errors


def auto_check(args):
    from services.tasks import auto_tasks

    return auto_tasks.AutoFilters.from_args(args).errors


def auto_rows(user, args):
    """The stage-task history with the page's filters, read page after page by its own cursor."""
    from services import pipeline
    from services.tasks import auto_tasks
    from services.tasks import operations as tasks

    filters = auto_tasks.AutoFilters.from_args(_without(args, "after"))
    stages, fields = pipeline.stage_labels(), pipeline.stage_fields()
    while True:
        try:
            page, cursor = auto_tasks.auto_task_page(user, filters, page_size=exports.BATCH)
        except tasks.TaskError as error:
            raise _task_error(error) from error
        people = pipeline.people_names(page, lambda step: fields.get(step.stage_id, ()))
        converted = [
            (
                step.number,
                step.seq,
                localized(stages.get(step.stage_id)),
                people.get(step.assignee_id, ""),
                step.opened_at,
                step.deadline,
                step.closed_at,
                people.get(step.closed_by_id, ""),
                "; ".join(
                    f"{label}: {text}"
                    for label, text in pipeline.entered_values(step.values, fields.get(step.stage_id, ()), people)
                ),
            )
            for step in page
        ]
        yield from converted
        if cursor is None:
            return
        filters.after = auto_tasks.parse_cursor(cursor)


def register():
    for tab, title, permission in (
        ("incoming", _l("Incoming tasks"), "tasks.view"),
        ("outgoing", _l("Outgoing tasks"), "tasks.view"),
        ("team", _l("My team's tasks"), "tasks.view"),
        ("watching", _l("Tasks I follow"), "tasks.view"),
        ("all", _l("All tasks"), "tasks.view_all"),
    ):
        exports.register(
            f"tasks.{tab}", title, permission, TASK_COLUMNS, task_rows(tab), task_check, describe=task_words
        )
    exports.register(
        "tasks.auto", _l("Auto-tasks"), "cards.view", AUTO_COLUMNS, auto_rows, auto_check, describe=auto_words
    )


def _person(text):
    from extensions import db
    from models.platform.user import User
    from services.tasks import operations as tasks

    person = db.session.get(User, tasks.parse_id(text)) if tasks.parse_id(text) else None
    return str(person) if person is not None else "—"


def _period_words(args):
    words = []
    if args.get("from"):
        words.append((_l("From"), args["from"]))
    if args.get("to"):
        words.append((_l("To"), args["to"]))
    return words


def task_words(args, user):
    """A tasks tab's filters in words: the period, the people by name, the status by its label."""
    from services.tasks import operations as tasks

    words = _period_words(args)
    if args.get("author"):
        words.append((_l("Author"), _person(args["author"])))
    if args.get("responsible"):
        words.append((_l("Responsible"), _person(args["responsible"])))
    if args.get("status"):
        words.append((_l("Status"), tasks.STATUS_LABELS.get(args["status"], "—")))
    if args.get("overdue") == "1":
        words.append((_l("Overdue only"), _l("yes")))
    return words


def auto_words(args, user):
    """The auto-tasks tab's filters in words: the period, the person, the state, the stage, the card."""
    from services import pipeline
    from services.tasks import auto_tasks
    from services.tasks import operations as tasks

    words = _period_words(args)
    if args.get("responsible"):
        words.append((_l("Responsible"), _person(args["responsible"])))
    if args.get("state"):
        words.append((_l("Status"), auto_tasks.AUTO_STATES.get(args["state"], "—")))
    if args.get("stage"):
        stage = pipeline.stage_labels().get(tasks.parse_id(args["stage"]))
        words.append((_l("Stage"), stage.label if stage else "—"))
    if args.get("seq"):
        words.append((_l("Step"), args["seq"]))
    if args.get("card"):
        number = tasks.card_number_of(user, tasks.parse_id(args["card"])) if tasks.parse_id(args["card"]) else ""
        words.append((_l("Card"), number or "—"))
    return words
