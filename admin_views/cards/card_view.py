"""The cards section: four tabs (three small ones searched in the browser, the archive filtered
on the server), the card's create/edit pages with the per-stage responsible people, and the
transactions panel (admin_views/cards/transactions.py)."""

from flask import abort, flash, jsonify, redirect, request
from flask_admin import expose
from flask_admin.helpers import get_redirect_target
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, lazyload
from sqlalchemy.orm.exc import StaleDataError
from wtforms import HiddenField
from wtforms.validators import ValidationError

from admin_views.base import SecuredModelView
from admin_views.cards.archive import archive_context
from admin_views.cards.rows import card_rows_renderer
from admin_views.cards.transactions import CardTransactionsMixin, sent_transactions
from forms.platform.id_select import IdSelectField, options_html
from models.base import utcnow
from models.cards.card import Card
from models.cards.directory import Bank, Contractor
from models.platform.user import NAME_ONLY_LOADS, User
from services import pipeline
from services.cards import card_numbers
from services.cards import choices as card_choices
from services.cards import lists as card_lists
from services.cards import operations as cards
from services.platform import access, people_choices, phones, unit_of_work

TABS = (
    ("new", _l("New cards")),
    ("in_work", _l("In work")),
    ("worked_off", _l("Worked off")),
    ("archive", _l("Archive")),
)
CARD_LABELS = {
    "number": _l("Card number"),
    "contact_name": _l("Contact name"),
    "contact_phone": _l("Phone"),
    "bank": _l("Bank"),
    "contractor": _l("Supplier"),
    "agent": _l("Agent"),
    "manager": _l("Manager"),
    "accountant": _l("Accountant"),
    "stage": _l("Current stage"),
    "stage_entered_at": _l("In the stage since"),
    "bank_answer_date": _l("Bank's answer date"),
    "notes": _l("Notes"),
    "created_at": _l("Created"),
    "updated_at": _l("Updated"),
}
ID_SLOT = "CARDIDSLOT"  # letters only: URL-encoded as is
# A card's page shows its people by name (~50 queries with their eager relations) and its stages by
# name (their fields and moves are seven more queries). The responsible people come by name from
# cards.chosen_responsibles; the collection loads only if the scope check needs it.
CARD_PAGE_LOADS = (
    *(joinedload(person).options(*NAME_ONLY_LOADS) for person in (Card.agent, Card.manager, Card.accountant)),
    joinedload(Card.stage).options(*pipeline.STAGE_ONLY),
    lazyload(Card.responsibles),
)
STALE_MESSAGE = _l(
    "This card was changed by someone else while you were editing. Reload the page and enter your changes again."
)


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _card_number(form, field):
    """A full card number, or the masked one the edit form showed, sent back unchanged; a number no
    other card has."""
    card = getattr(form, "_obj", None)
    if card is not None and field.data == field.object_data:
        return
    try:
        digits = card_numbers.full_digits(field.data)
    except card_numbers.NumberError as error:
        raise ValidationError(str(error.message)) from None
    if card_numbers.taken(digits, other_than=card.id if card is not None else None):
        raise ValidationError(_("A card with this number already exists."))


def _people(role_code):
    return lambda: people_choices.people_with_role(role_code)


def badge_text_colour(colour):
    """Dark text on light stage colours, white on dark ones."""
    text = (colour or "").lstrip("#")
    if len(text) != 6:
        return "#fff"
    try:
        red, green, blue = (int(text[i : i + 2], 16) for i in (0, 2, 4))
    except ValueError:
        return "#fff"
    return "#212529" if (red * 299 + green * 587 + blue * 114) / 1000 > 150 else "#fff"


class CardView(CardTransactionsMixin, SecuredModelView):
    permission = "cards.view"
    manage_permission = "cards.edit"
    create_permission = "cards.create"
    create_template = "admin/cards/create.html"
    edit_template = "admin/cards/edit.html"
    details_template = "admin/cards/details.html"
    column_labels = CARD_LABELS
    column_details_list = (
        "number",
        "contact_name",
        "contact_phone",
        "bank",
        "contractor",
        "agent",
        "manager",
        "accountant",
        "stage",
        "stage_entered_at",
        "bank_answer_date",
        "notes",
        "created_at",
        "updated_at",
    )
    form_columns = (
        "number",
        "contact_name",
        "contact_phone",
        "bank",
        "contractor",
        "agent",
        "manager",
        "accountant",
        "notes",
    )
    form_args = {
        "number": {
            "filters": [_strip],
            "validators": [_card_number],
            "description": _l("All its digits; pages show only the first six and the last four."),
        },
        "contact_name": {"filters": [_strip]},
        "contact_phone": {"filters": [lambda value: phones.normalized(value) if isinstance(value, str) else value]},
        "bank": {"choices": card_choices.active_banks, "model": Bank},
        "contractor": {"choices": card_choices.active_suppliers, "model": Contractor},
        "agent": {"choices": _people("agent"), "model": User},
        "manager": {"choices": _people("manager"), "model": User},
        "accountant": {"choices": _people("accountant"), "model": User},
    }
    form_overrides = dict.fromkeys(("bank", "contractor", "agent", "manager", "accountant"), IdSelectField)
    form_widget_args = {"number": {"autofocus": True, "inputmode": "numeric", "autocomplete": "off"}}
    badge_text = staticmethod(badge_text_colour)

    @property
    def can_create(self):
        return current_user.is_authenticated and access.can(current_user, self.create_permission)

    @property
    def can_delete(self):
        # Cards are never deleted from the panel; they end in the archive.
        return False

    def scoped_card(self, card_id, *options):
        """The card if it exists and the user may see it; 404 otherwise (never another's data)."""
        card = cards.visible_card(current_user, card_id, *options)
        if card is None:
            abort(404)
        return card

    def card_url(self, card):
        endpoint = ".edit_view" if self.can_edit else ".details_view"
        return self.get_url(endpoint, id=card.id, url=get_redirect_target())

    def _card_id_from_args(self):
        """A missing or malformed id is a 404 (Flask-Admin would redirect to the list)."""
        card_id = cards.parse_id(request.args.get("id"))
        if card_id is None:
            abort(404)
        return card_id

    def get_one(self, id):
        """The page's one load of its card: 404 for a card the user may not see."""
        pk = cards.parse_id(id)
        if pk is None:
            abort(404)
        return self.scoped_card(pk, *CARD_PAGE_LOADS)

    # --- the tabs ---------------------------------------------------------------------------------

    @expose("/")
    def index_view(self):
        tab = request.args.get("tab", "new")
        if tab not in card_lists.BUCKETS:
            abort(400)
        context = {
            "tab": tab,
            "tabs": TABS,
            "card_rows": card_rows_renderer(pipeline.stage_labels(), utcnow(), self._card_href(), badge_text_colour),
        }
        if tab == "archive":
            masked = card_numbers.masked_in_args(request.args, "number")
            if masked is not None:
                return redirect(self.get_url(".index_view", **masked))
            context.update(archive_context(current_user, request.args))
            status = 400 if context["errors"] else 200
            return self.render("admin/cards/index.html", **context), status
        rows, more = card_lists.tab_rows(current_user, tab)
        return self.render("admin/cards/index.html", rows=rows, more=more, limit=card_lists.TAB_LIMIT, **context)

    def _card_href(self):
        """card id → the row's link (edit or details, back to this page): the URL is built once and
        the id put in, not encoded again for each of the rows."""
        endpoint = ".edit_view" if self.can_edit else ".details_view"
        head, _slot, tail = self.get_url(endpoint, id=ID_SLOT, url=request.full_path).partition(ID_SLOT)
        return lambda card_id: f"{head}{int(card_id)}{tail}"

    # --- create, edit, details --------------------------------------------------------------------

    @expose("/edit/", methods=("GET", "POST"))
    def edit_view(self):
        card_id = self._card_id_from_args()
        if not self.can_edit:
            # A 404 before a redirect that would confirm the card exists; the card alone, not its
            # people, directories and transactions.
            self.scoped_card(card_id, lazyload("*"))
            return redirect(self.get_url(".details_view", id=card_id, url=get_redirect_target()))
        return super().edit_view()

    @expose("/details/")
    def details_view(self):
        self._card_id_from_args()
        return super().details_view()

    def get_edit_form(self):
        class CardEditForm(super().get_edit_form()):
            lock_version = HiddenField()

        return CardEditForm

    def edit_form(self, obj=None):
        form = super().edit_form(obj)
        if request.method == "GET" and obj is not None:
            form.lock_version.data = str(obj.version)
        return form

    def update_model(self, form, model):
        sent = (form.lock_version.data or "").strip()
        if cards.parse_id(sent) != model.version:
            flash(str(STALE_MESSAGE), "error")
            return False
        return super().update_model(form, model)

    def on_model_change(self, form, model, is_created):
        # The form put the typed text in `number`: a full number is sealed and masked; the masked
        # one the edit form showed, sent back, stays (_card_number let nothing else through).
        if is_created or form.number.data != form.number.object_data:
            card_numbers.assign(model, form.number.data)
        model.contact_name = model.contact_name or ""
        model.contact_phone = model.contact_phone or ""
        if is_created:
            cards.place_on_pipeline(model, by=current_user)
        else:
            self._saved_with_the_card(model)

    def _saved_with_the_card(self, card):
        """The edit form's other parts, in the card's unit of work: the people chosen for each stage
        and the transactions added or removed. A refusal refuses the whole save."""
        new_rows, removed = sent_transactions(request.form)
        try:
            cards.set_responsibles(card, request.form, current_user, card.version)  # its "stage_<id>" fields
            cards.change_transactions(card, new_rows, removed, current_user)
        except cards.CardError as error:
            raise ValidationError(" ".join([str(error.message), *(str(v) for v in error.errors.values())])) from None

    def handle_view_exception(self, exc):
        if isinstance(exc, StaleDataError):
            flash(str(STALE_MESSAGE), "error")
            return True
        if isinstance(exc, IntegrityError):
            flash(_("A card with this number already exists."), "error")
            return True
        return super().handle_view_exception(exc)

    def create_form(self, obj=None):
        """A new card's people start as its author where he holds their role (a manager adding a
        card is its manager), so that the card he adds is one he sees."""
        form = super().create_form(obj)
        if request.method == "GET":
            for role_code in ("agent", "manager", "accountant"):
                if current_user.role is not None and current_user.role.code == role_code:
                    getattr(form, role_code).data = current_user._get_current_object()
        return form

    def get_save_return_url(self, model, is_created=False):
        if is_created:
            return (
                self.get_url(".edit_view", id=model.id) if self.can_edit else self.get_url(".details_view", id=model.id)
            )
        return super().get_save_return_url(model, is_created)

    # --- the full number ---------------------------------------------------------------------------

    def may_reveal(self):
        return card_numbers.may_reveal(current_user)

    @expose("/<id:card_id>/number", methods=["POST"])
    def full_number(self, card_id):
        """The card's full number for a role granted its reveal, each reading in the change log."""
        card = self.scoped_card(card_id, lazyload("*"))
        if not self.may_reveal():
            abort(403)
        number = card_numbers.revealed(card, current_user)
        unit_of_work.commit(keep=current_user)
        if number is None:
            response = jsonify(message=_("Only the masked number of this card was ever recorded."))
        else:
            response = jsonify(number=number)
        response.headers["Cache-Control"] = "no-store"
        return response

    # --- responsible people per stage -------------------------------------------------------------

    def responsible_rows(self, card):
        return cards.responsible_rows(card)

    def people_options(self, chosen, stage_id):
        """The <option>s of everyone who may be made responsible, the `chosen` NamedPerson selected
        (listed too if he has been blocked since: the next save keeps him) — or, on a refused save,
        the person the form sent."""
        people = people_choices.active_people()
        if chosen is not None and all(person_id != chosen.id for person_id, _name in people):
            people = [chosen, *people]
        selected = chosen.id if chosen else None
        if request.method == "POST":
            selected = cards.parse_id(request.form.get(f"stage_{stage_id}", ""))
        return Markup(options_html(people, selected))  # noqa: S704
