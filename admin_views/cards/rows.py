"""The rows of a cards table (the tabs of the cards section and the archive), built in one pass: one
link opens the card, another its stage tasks. A tab shows up to a thousand rows, and the template's
loop (eleven escapes and a stage badge a row) cost more than the rest of the page together."""

import html

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

# On a phone the table stacks (static/css/kartoteka.css, .table-stack): each cell under its
# data-label, the key ones only; the "col-extra" cells are on the card's page.
ROW = (
    '<tr class="js-card-row" data-href="{url}" data-card-id="{card_id}">\n'
    '  <td class="text-nowrap" data-label="{l_number}"><a href="{url}" class="card-open">{number}</a></td>\n'
    '  <td data-label="{l_contact}">{contact}</td>\n'
    '  <td class="text-nowrap" data-label="{l_phone}">{phone}</td>\n'
    '  <td class="col-extra" data-label="{l_bank}">{bank}</td>\n'
    '  <td class="col-extra" data-label="{l_supplier}">{supplier}</td>\n'
    '  <td class="col-extra" data-label="{l_agent}">{agent}</td>\n'
    '  <td class="col-extra" data-label="{l_manager}">{manager}</td>\n'
    "{accountant}"
    '  <td data-label="{l_stage}">{badge}</td>\n'
    '  <td class="text-right" data-order="{days}" data-label="{l_days}">{days}</td>\n'
    '  <td class="text-nowrap">\n'
    '    <a href="{tasks_url}?card={card_id}" class="card-tasks" title="{tasks_title}">{tasks_label}</a>\n'
    "  </td>\n"
    "</tr>"
)
EXTRA, EXTRA_KEYS = ' class="col-extra"', {"bank", "supplier", "agent", "manager", "accountant"}
BADGE = '<span class="badge" style="background-color: {colour}; color: {text}">{label}</span>'
HEADINGS = (
    ("number", _l("Card number")),
    ("contact", _l("Contact name")),
    ("phone", _l("Phone")),
    ("bank", _l("Bank")),
    ("supplier", _l("Supplier")),
    ("agent", _l("Agent")),
    ("manager", _l("Manager")),
    ("accountant", _l("Accountant")),
    ("stage", _l("Current stage")),
)


def card_rows_renderer(stages, now, card_href, badge_text):
    """card_rows(rows, with_accountant) for a page: `stages` {id: stage}, `card_href` card id → the
    row's link, `badge_text` a stage colour → its text colour."""
    escape = html.escape
    badges = {}  # stage id → its badge, made once a page

    def badge(stage_id):
        if stage_id not in badges:
            stage = stages.get(stage_id)
            badges[stage_id] = (
                BADGE.format(
                    colour=escape(stage.color or ""),
                    text=escape(badge_text(stage.color)),
                    label=escape(str(stage.label)),
                )
                if stage is not None
                else ""
            )
        return badges[stage_id]

    def card_rows(rows, with_accountant=False):
        head = "".join(
            f"    <th{EXTRA if key in EXTRA_KEYS else ''}>{escape(str(label))}</th>\n"
            for key, label in HEADINGS
            if with_accountant or key != "accountant"
        )
        words = {
            "tasks_url": escape(url_for("tasks.auto")),
            "tasks_title": escape(_("Stage tasks of this card")),
            "tasks_label": escape(_("stage tasks")),
            "l_days": escape(_("Days in stage")),
            **{f"l_{key}": escape(str(label)) for key, label in HEADINGS},
        }
        accountant_label = words["l_accountant"]
        body = "\n".join(
            ROW.format(
                url=escape(card_href(row.id)),
                card_id=int(row.id),
                number=escape(row.number),
                contact=escape(row.contact_name),
                phone=escape(row.contact_phone),
                bank=escape(row.bank),
                supplier=escape(row.supplier),
                agent=escape(row.agent),
                manager=escape(row.manager),
                accountant=(
                    f'  <td class="col-extra" data-label="{accountant_label}">{escape(row.accountant)}</td>\n'
                    if with_accountant
                    else ""
                ),
                badge=badge(row.stage_id),
                days=int(row.days_in_stage(now)),
                **words,
            )
            for row in rows
        )
        # Markup of escaped values only: every text above went through html.escape, ids and days are
        # numbers.
        days, actions = escape(_("Days in stage")), escape(_("Actions"))
        return Markup(  # noqa: S704
            f"<thead>\n  <tr>\n{head}"
            f'    <th class="text-right dt-num">{days}</th>\n'
            f'    <th data-orderable="false"><span class="sr-only">{actions}</span></th>\n'
            f"  </tr>\n</thead>\n<tbody>\n{body}\n</tbody>"
        )

    return card_rows
