"""The built-in exportable lists: the cards tabs and the archive, the tasks tabs and auto-tasks,
the financial report. (The Flask-Admin directory lists — staff, contractors, banks, change log —
register in admin_views/export_lists.py, through their views' own search and filters.)"""

import dataclasses

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from extensions import db
from models.card import Card
from models.pipeline import Stage
from services import card_lists, exports
from services.timezones import now_utc

CARD_COLUMNS = (
    _l("Card number"),
    _l("Contact name"),
    _l("Phone"),
    _l("Bank"),
    _l("Supplier"),
    _l("Agent"),
    _l("Manager"),
    _l("Accountant"),
    _l("Current stage"),
    _l("In the stage since"),
)
TAB_TITLES = {"new": _l("New cards"), "in_work": _l("Cards in work"), "worked_off": _l("Worked-off cards")}


def localized(record):
    """A record's uk/ru/en label in the language in force (jobs included)."""
    if record is None:
        return ""
    language = str(get_locale() or "uk")
    return getattr(record, f"name_{language}", None) or record.name_uk


def _stage_labels():
    return {stage.id: localized(stage) for stage in db.session.scalars(db.select(Stage))}


def _card_tuple(labels):
    def convert(record):
        row = card_lists.row_of(record)
        return (
            row.number,
            row.contact_name,
            row.contact_phone,
            row.bank,
            row.supplier,
            row.agent,
            row.manager,
            row.accountant,
            labels.get(row.stage_id, ""),
            row.stage_entered_at,
        )

    return convert


def tab_rows(bucket):
    def rows(user, args):
        return exports.keyset(card_lists.rows_query(user, bucket), Card.id, convert=_card_tuple(_stage_labels()))

    return rows


def archive_check(args):
    return card_lists.ArchiveFilters.from_args(args).errors


def archive_rows(user, args):
    """The archive with the page's filters, every page of it (the page's own `after` is ignored)."""
    filters = dataclasses.replace(card_lists.ArchiveFilters.from_args(args), after=None)
    if filters.errors:
        raise exports.ExportError(_l("The filter was not understood."), errors=filters.errors)
    labels = _stage_labels()
    while True:
        page, next_after = card_lists.archive_page(user, filters, page_size=exports.BATCH)
        yield from (
            (r.number, r.contact_name, r.contact_phone, r.bank, r.supplier, r.agent, r.manager, r.accountant,
             labels.get(r.stage_id, ""), r.stage_entered_at)
            for r in page
        )  # fmt: skip
        if next_after is None:
            return
        filters = dataclasses.replace(filters, after=next_after)


# --- tasks -----------------------------------------------------------------------------------------

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
        from models.task import Task
        from services import tasks

        try:
            query = tasks.task_query(user, tab, _without(args, "before", "tab"))
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
    from services import tasks

    return tasks.TaskFilters.from_args(args).errors


def auto_check(args):
    from services import auto_tasks

    return auto_tasks.AutoFilters.from_args(args).errors


def auto_rows(user, args):
    """The stage-task history with the page's filters, read page after page by its own cursor."""
    from services import auto_tasks, pipeline, tasks

    filters = auto_tasks.AutoFilters.from_args(_without(args, "after"))
    stages, fields = pipeline.stage_labels(), pipeline.stage_fields()
    while True:
        try:
            page, cursor = auto_tasks.auto_task_page(user, filters, page_size=exports.BATCH)
        except tasks.TaskError as error:
            raise _task_error(error) from error
        people = auto_tasks.people_names(page, fields)
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
                    for label, text in auto_tasks.entered_values(step, fields.get(step.stage_id, ()), people)
                ),
            )
            for step in page
        ]
        yield from converted
        if cursor is None:
            return
        filters.after = auto_tasks.parse_cursor(cursor)


# --- the financial report ---------------------------------------------------------------------------

FINANCE_COLUMNS = (
    _l("Section"),
    _l("Name"),
    _l("Work-off"),
    _l("Work-off transactions"),
    _l("Confirmed profit"),
    _l("Cards with confirmed profit"),
)


def _period(args):
    from services import finance

    return finance.parse_period(args, now_utc().date())


def finance_check(args):
    from services import finance

    try:
        _period(args)
    except finance.FinanceError as error:
        return error.errors
    return {}


def finance_rows(user, args):
    from services import finance

    period_from, period_to = _period(args)
    report = finance.report(period_from, period_to)
    total = report.total
    label = f"{period_from.isoformat()} — {period_to.isoformat()}"
    yield (str(_l("Total")), label, total.work_off, total.work_off_count, total.profit, total.profit_count)
    for section, rows in ((_l("By month"), report.by_month), (_l("By bank"), report.by_bank),
                          (_l("By agent"), report.by_agent)):  # fmt: skip
        for row in rows:
            yield (str(section), row.label, row.work_off, row.work_off_count, row.profit, row.profit_count)


def register_all():
    for bucket, title in TAB_TITLES.items():
        exports.register(f"cards.{bucket}", title, "cards.view", CARD_COLUMNS, tab_rows(bucket))
    exports.register("cards.archive", _l("Card archive"), "cards.view", CARD_COLUMNS, archive_rows, archive_check)
    exports.register("tasks.incoming", _l("Incoming tasks"), "tasks.view", TASK_COLUMNS, task_rows("incoming"),
                     task_check)  # fmt: skip
    exports.register("tasks.outgoing", _l("Outgoing tasks"), "tasks.view", TASK_COLUMNS, task_rows("outgoing"),
                     task_check)  # fmt: skip
    exports.register("tasks.all", _l("All tasks"), "tasks.view_all", TASK_COLUMNS, task_rows("all"), task_check)
    exports.register("tasks.auto", _l("Auto-tasks"), "cards.view", AUTO_COLUMNS, auto_rows, auto_check)
    exports.register(
        "finance.report", _l("Financial report"), "reports.finance", FINANCE_COLUMNS, finance_rows, finance_check
    )
