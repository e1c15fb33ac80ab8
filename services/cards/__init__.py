"""Payment cards on the cards pipeline: their people, transactions, board, lists and directories."""

from flask_babel import lazy_gettext as _l

PERMISSIONS = {
    "cards.view": _l("See cards and the task tracker"),
    "cards.create": _l("Add cards"),
    "cards.edit": _l("Edit cards"),
    "cards.move": _l("Move own and subordinates' cards between stages"),
    "cards.move_any": _l("Move any card"),
    "cards.reveal_number": _l("See a card's full number (each time written to the change log)"),
    "transactions.edit": _l("Add and remove card transactions"),
    "contractors.view": _l("See contractors"),
    "contractors.manage": _l("Manage contractors"),
    "banks.view": _l("See banks"),
    "banks.manage": _l("Manage banks"),
}


def init_app(app):
    from models.cards.card import Card
    from services.cards import card_numbers, export_lists, money_book, stage_values
    from services.pipeline import subjects
    from services.platform import access, notifications

    access.register_permissions(PERMISSIONS)
    notifications.register("cards.handed", _l("A card handed to me"),
                           _l("%(author)s made you responsible for the card %(number)s"), section="/admin/cards/")  # fmt: skip
    subjects.register_search(Card.__subject_type__, card_numbers.picked, Card.number, Card.contact_name)
    subjects.register_label(Card.__subject_type__, _l("Cards"))
    subjects.register_page(Card.__subject_type__, "/admin/cards/details/?id={id}")
    export_lists.register()
    money_book.register_book()
    stage_values.connect()
