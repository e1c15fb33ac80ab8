"""The cards' pages: the task tracker, the cards section, and the banks and suppliers directories."""

from flask_babel import lazy_gettext as _l

from admin_views import DIRECTORIES, add_page
from admin_views.exports.model_lists import view_rows
from services.exports import registry as exports


def init_app(app):
    from admin_views.cards import card_view, directories, tracker
    from models.cards import Bank, Card, Contractor

    add_page(10, "tracker", lambda: tracker.TrackerView(name=_l("Task tracker"), endpoint="tracker", url="tracker"))
    add_page(30, "cards", lambda: card_view.CardView(Card, name=_l("Cards"), endpoint="cards", url="cards"))
    add_page(
        60,
        "contractors",
        lambda: directories.ContractorView(
            Contractor, name=_l("Contractors"), endpoint="contractors", url="contractors", category=DIRECTORIES
        ),
    )
    add_page(
        70,
        "banks",
        lambda: directories.BankView(Bank, name=_l("Banks"), endpoint="banks", url="banks", category=DIRECTORIES),
    )
    _register_export_lists(directories.COMMON_LABELS)
    _describe_changes()


def _describe_changes():
    from admin_views.change_words import describe
    from services.cards import operations as cards

    describe("cards", _l("Card"), {"pipeline_id": _l("Pipeline"), "stage_id": _l("Stage")}, view="cards")
    describe(
        "transactions",
        _l("Transaction"),
        {
            "card_id": _l("Card"),
            "stage_id": _l("Stage"),
            "date": _l("Date"),
            "type": _l("Type"),
            "amount": _l("Amount"),
            "commission_kind": _l("Commission kind"),
            "commission_rate": _l("Commission rate"),
            "commission": _l("Commission"),
            "note": _l("Note"),
        },
        {"type": cards.TYPE_LABELS, "commission_kind": cards.KIND_LABELS},
    )
    describe("banks", _l("Bank"), view="banks")
    describe("contractors", _l("Supplier"), view="contractors")


def _register_export_lists(common):
    exports.register(
        "contractors",
        _l("Contractors"),
        "contractors.view",
        (common["name"], _l("Contact person"), _l("Phone"), _l("Email"), common["is_active"], common["notes"],
         common["created_at"]),
        view_rows("contractors", ("name", "contact_name", "phone", "email", "is_active", "notes", "created_at")),
    )  # fmt: skip
    exports.register(
        "banks",
        _l("Banks"),
        "banks.view",
        (common["name"], _l("Bank code (MFO)"), _l("Commission, %"), _l("Fixed commission"), common["is_active"],
         common["notes"]),
        view_rows("banks", ("name", "code", "commission_percent", "commission_fixed", "is_active", "notes")),
    )  # fmt: skip
