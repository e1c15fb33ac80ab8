"""The auto-tasks tab's table rows, built in one pass. A page shows 50 steps, and the template's loop
(a link built through the router, three local times, labels looked up through the locale and ten
escapes a row) cost more than the rest of the page together."""

import html

from flask_babel import gettext as _
from markupsafe import Markup

from services.tasks import STATE_CLASSES
from services.timezones import format_local, user_zone

ROW = (
    '<tr class="task-row task-state-{state} {state_class}" data-stage-task-id="{task_id}">\n'
    '  <td class="text-nowrap"><a href="{card_link}{card_id}">{number}</a></td>\n'
    "  <td>{stage}</td>\n"
    "  <td>{seq}</td>\n"
    "  <td>{assignee}</td>\n"
    '  <td class="text-nowrap">{opened}</td>\n'
    '  <td class="text-nowrap">{deadline}</td>\n'
    '  <td class="text-nowrap">{closed}</td>\n'
    "  <td>{closed_by}</td>\n"
    "  <td>{next_stage}</td>\n"
    '  <td class="auto-values">{values}</td>\n'
    "</tr>"
)
VALUE = '<div><span class="text-muted">{label}:</span> {text}</div>'


def auto_task_rows(rows, numbers, card_link):
    """Markup of the table's rows: `rows` are (stage task, [(label, text)] entered), `numbers`
    {card id: number}, `card_link` the tab's URL ending in "card=" (the card's id follows)."""
    escape = html.escape
    zone, card_link = user_zone(), escape(card_link)
    open_text = escape(_("open"))
    labels = {}  # stage id → its escaped label, looked up once a page

    def label_of(stage):
        if stage is None:
            return ""
        if stage.id not in labels:
            labels[stage.id] = escape(str(stage.label))
        return labels[stage.id]

    def name_of(user, empty):
        return escape(user.display_name) if user is not None else empty

    def row_markup(task, values):
        state = "overdue" if task.is_overdue else ("in_work" if task.is_open else "done")
        return ROW.format(
            state=state,
            state_class=STATE_CLASSES[state],
            task_id=int(task.id),
            card_link=card_link,
            card_id=int(task.subject_id),
            number=escape(str(numbers.get(task.subject_id, task.subject_id))),
            stage=label_of(task.stage),
            seq=int(task.seq),
            assignee=name_of(task.assignee, "—"),
            opened=escape(format_local(task.opened_at, zone)),
            deadline=escape(format_local(task.deadline, zone)),
            closed=escape(format_local(task.closed_at, zone)) if task.closed_at else open_text,
            closed_by=name_of(task.closed_by, ""),
            next_stage=label_of(task.moved_to_stage),
            values="".join(VALUE.format(label=escape(str(label)), text=escape(str(text))) for label, text in values),
        )

    # Markup of escaped values only: every text above went through html.escape, the ids are numbers.
    return Markup("\n".join(row_markup(task, values) for task, values in rows))  # noqa: S704
