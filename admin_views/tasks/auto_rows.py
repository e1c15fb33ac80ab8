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

# On a phone the table stacks (.table-stack): key cells under their labels, "col-extra" ones hidden.
ROW = (
    '<tr class="task-row task-state-{state} {state_class}" data-stage-task-id="{task_id}">\n'
    '  <td class="text-nowrap" data-label="{l_card}"><a href="{card_link}{card_id}">{number}</a></td>\n'
    '  <td data-label="{l_stage}">{stage}</td>\n'
    '  <td class="col-extra">{seq}</td>\n'
    '  <td data-label="{l_responsible}">{assignee}</td>\n'
    '  <td class="text-nowrap col-extra" data-label="{l_opened}">{opened}</td>\n'
    '  <td class="text-nowrap" data-label="{l_deadline}">{deadline}</td>\n'
    '  <td class="text-nowrap" data-label="{l_closed}">{closed}</td>\n'
    '  <td class="col-extra" data-label="{l_by}">{closed_by}</td>\n'
    '  <td class="col-extra" data-label="{l_next}">{next_stage}</td>\n'
    '  <td class="auto-values col-extra">{values}</td>\n'
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
    headings = {
        "l_card": _("Card"),
        "l_stage": _("Stage"),
        "l_responsible": _("Responsible"),
        "l_opened": _("Opened"),
        "l_deadline": _("Deadline"),
        "l_closed": _("Closed"),
        "l_by": _("By"),
        "l_next": _("Next stage"),
    }
    headings = {key: escape(text) for key, text in headings.items()}

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
            **headings,
        )

    # Markup of escaped values only: every text above went through html.escape, the ids are numbers.
    return Markup("\n".join(row_markup(step) for step in steps))  # noqa: S704
