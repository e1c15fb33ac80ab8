"""The archive tab of the cards section: server-side filters and keyset pages (no COUNT)."""

from flask_babel import lazy_gettext as _l

from services.cards import choices as card_choices
from services.cards import lists as card_lists
from services.platform import people_choices

FILTER_LABELS = {
    "number": _l("Card number"),
    "contact": _l("Contact (name or phone)"),
    "bank": _l("Bank"),
    "supplier": _l("Supplier"),
    "agent": _l("Agent"),
    "manager": _l("Manager"),
    "accountant": _l("Accountant"),
    "after": _l("Page"),
}


def _options():
    """The choices of the filter's selects: (arg name, [(id, label)])."""
    options = {"bank": card_choices.all_banks(), "supplier": card_choices.all_suppliers()}
    for role in ("agent", "manager", "accountant"):
        options[role] = people_choices.people_with_role(role)
    return options


def archive_context(user, args):
    """Template values of the archive tab; `errors` is non-empty (→ 400) when the filter is malformed."""
    filters = card_lists.ArchiveFilters.from_args(args)
    context = {
        "filters": filters,
        "errors": {FILTER_LABELS.get(name, name): message for name, message in filters.errors.items()},
        "options": _options(),
        "filter_labels": FILTER_LABELS,
        "rows": [],
        "next_after": None,
        "first_page_args": filters.as_args(),
    }
    if not filters.errors:
        context["rows"], context["next_after"] = card_lists.archive_page(user, filters)
        if context["next_after"] is not None:
            context["next_page_args"] = filters.as_args(after=context["next_after"])
    return context
