"""The cards' exportable lists: the three small tabs and the archive with its filters."""

import dataclasses

from flask_babel import lazy_gettext as _l

from extensions import db
from models.cards.card import Card
from models.pipeline import Stage
from services.cards import lists as card_lists
from services.exports import registry as exports
from services.exports.registry import localized

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


def archive_words(args, user):
    """The archive's filters in words: the typed texts, and the names of the bank, supplier and people."""
    from models.cards.directory import Bank, Contractor
    from models.platform.user import User

    filters = card_lists.ArchiveFilters.from_args(args)
    words = []
    if filters.number:
        words.append((_l("Card number"), filters.number))
    if filters.contact:
        words.append((_l("Contact (name or phone)"), filters.contact))
    named = (
        (_l("Bank"), Bank, filters.bank_id),
        (_l("Supplier"), Contractor, filters.contractor_id),
        (_l("Agent"), User, filters.agent_id),
        (_l("Manager"), User, filters.manager_id),
        (_l("Accountant"), User, filters.accountant_id),
    )
    for label, model, record_id in named:
        if record_id is not None:
            record = db.session.get(model, record_id)
            words.append((label, str(record) if record is not None else "—"))
    return words


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


def register():
    for bucket, title in TAB_TITLES.items():
        exports.register(f"cards.{bucket}", title, "cards.view", CARD_COLUMNS, tab_rows(bucket))
    exports.register(
        "cards.archive",
        _l("Card archive"),
        "cards.view",
        CARD_COLUMNS,
        archive_rows,
        archive_check,
        describe=archive_words,
    )
