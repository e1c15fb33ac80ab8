"""The auto-tasks tab's table rows, built in one pass. A page shows 50 steps, and the template's loop
(a link built through the router, three local times, labels looked up through the locale and ten
escapes a row) cost more than the rest of the page together."""

import html

from flask_babel import gettext as _
from markupsafe import Markup

from models.base import utcnow
from services.pipeline.values import entered_values
from services.platform.timezones import format_local, user_zone
from services.tasks.operations import STATE_CLASSES

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


def auto_task_rows(steps, stages, fields, people, card_link):
    """Markup of the table's rows: `steps` (services.tasks.auto_tasks.Step), `stages` {id: stage label}
    and `fields` {stage id: its fields} (services.pipeline), `people` {user id: name}, `card_link`
    the tab's URL ending in "card=" (the card's id follows)."""
    escape = html.escape
    zone, card_link, now = user_zone(), escape(card_link), utcnow()
    open_text, dash = escape(_("open")), "—"
    labels = {stage_id: escape(str(stage.label)) for stage_id, stage in stages.items()}
    names = {user_id: escape(name) for user_id, name in people.items()}

    def row_markup(step):
        state = "overdue" if step.is_overdue(now) else ("in_work" if step.is_open else "done")
        values = entered_values(step.values, fields.get(step.stage_id, ()), people)
        return ROW.format(
            state=state,
            state_class=STATE_CLASSES[state],
            task_id=int(step.id),
            card_link=card_link,
            card_id=int(step.subject_id),
            number=escape(step.number),
            stage=labels.get(step.stage_id, ""),
            seq=int(step.seq),
            assignee=names.get(step.assignee_id, dash),
            opened=escape(format_local(step.opened_at, zone)),
            deadline=escape(format_local(step.deadline, zone)),
            closed=escape(format_local(step.closed_at, zone)) if step.closed_at else open_text,
            closed_by=names.get(step.closed_by_id, ""),
            next_stage=labels.get(step.moved_to_stage_id, ""),
            values="".join(VALUE.format(label=escape(str(label)), text=escape(str(text))) for label, text in values),
        )

    # Markup of escaped values only: every text above went through html.escape, the ids are numbers.
    return Markup("\n".join(row_markup(step) for step in steps))  # noqa: S704
