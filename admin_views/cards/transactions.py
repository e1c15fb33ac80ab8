"""The transactions panel of a card page: add and remove (JSON for the page's script, a redirect
for a plain form post), only in stages that allow it and only for who may; totals from
services.platform.money.card_figures, the one place that computes them."""

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_admin import expose
from flask_babel import gettext as _
from flask_login import current_user

from extensions import db
from models.base import utcnow
from models.cards.card import COMMISSION_KINDS, TRANSACTION_TYPES
from services.cards import operations as cards
from services.platform import money, unit_of_work
from services.platform.money import money_text
from services.platform.timezones import to_local


def wants_json():
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


def refusal(error):
    """A refused change: JSON with the messages for the script, else the error page — always 4xx."""
    if wants_json():
        return jsonify(
            {"ok": False, "message": str(error.message), "errors": {k: str(v) for k, v in error.errors.items()}}
        ), error.status
    details = [str(error.message)] + [str(v) for v in error.errors.values()]
    return render_template("errors/error.html", status=error.status, message=" ".join(details)), error.status


def figures_json(card):
    figures = money.card_figures(card.transactions)
    return {name: format(getattr(figures, name), "f") for name in ("total", "commission", "profit")}


def transaction_json(transaction):
    return {
        "id": transaction.id,
        "date": transaction.date.isoformat(),
        "type": transaction.type,
        "type_label": str(cards.TYPE_LABELS[transaction.type]),
        "amount": format(transaction.amount, "f"),
        "commission_kind": transaction.commission_kind,
        "commission_rate": format(transaction.commission_rate, "f"),
        "commission": format(transaction.commission, "f"),
        "note": transaction.note or "",
    }


TRANSACTION_FIELDS = ("date", "type", "amount", "commission_kind", "commission_rate", "note")
MAX_NEW_ROWS = 100


def sent_transactions(form):
    """(the new rows in the order added, the ids of rows to remove) the card's edit form sends:
    fields "tx_new-<key>-<name>" and "tx_remove". Anything else is left out; unreadable ids are None,
    which no transaction has."""
    rows = {}
    for name, value in form.items():
        prefix, _dash, rest = name.partition("-")
        key, _dash, field = rest.partition("-")
        if prefix == "tx_new" and key.isdigit() and field in TRANSACTION_FIELDS and len(rows) <= MAX_NEW_ROWS:
            rows.setdefault(int(key), {"key": int(key)})[field] = value
    removed = [cards.parse_id(value) for value in form.getlist("tx_remove")]
    return [rows[key] for key in sorted(rows)][:MAX_NEW_ROWS], removed


def transactions_panel(card):
    """What the transactions panel shows of a card (the card's page, the tracker's move modal); on
    a refused save of the card's form, the new and removed rows it sent, to be sent again."""
    kind, rate = cards.commission_default(card.bank)
    pending, removing = sent_transactions(request.form) if request.method == "POST" else ([], [])
    return {
        "pending": [{name: row.get(name, "") for name in ("key", *TRANSACTION_FIELDS)} for row in pending],
        "removing": set(removing),
        "transactions": card.transactions,
        "figures": money.card_figures(card.transactions),
        "editable": cards.may_edit_transactions(current_user, card),
        "open_stage": cards.transactions_open(card),
        "types": [(code, cards.TYPE_LABELS[code]) for code in TRANSACTION_TYPES],
        "kinds": [(code, cards.KIND_LABELS[code]) for code in COMMISSION_KINDS],
        "type_labels": cards.TYPE_LABELS,
        "kind_labels": cards.KIND_LABELS,
        "default_kind": kind,
        "default_rate": format(rate, "f"),
        "today": to_local(utcnow()).date().isoformat(),
        "money": money_text,
        "add_url": url_for("cards.add_transaction", card_id=card.id),
    }


class CardTransactionsMixin:
    """Endpoints and template helpers of the transactions panel; mixed into CardView."""

    def transactions_panel(self, card):
        return transactions_panel(card)

    @expose("/<id:card_id>/transactions", methods=["POST"])
    def add_transaction(self, card_id):
        card = self.scoped_card(card_id)
        try:
            transaction = cards.add_transaction(card, request.form, current_user)
        except cards.CardError as error:
            db.session.rollback()
            return refusal(error)
        unit_of_work.commit(keep=current_user)
        if wants_json():
            return jsonify({"ok": True, "row": transaction_json(transaction), "figures": figures_json(card)})
        flash(_("Transaction added."), "success")
        return redirect(self.card_url(card) + "#transactions", code=303)

    @expose("/<id:card_id>/transactions/<id:transaction_id>/delete", methods=["POST"])
    def remove_transaction(self, card_id, transaction_id):
        card = self.scoped_card(card_id)
        try:
            cards.remove_transaction(card, transaction_id, current_user)
        except cards.CardError as error:
            db.session.rollback()
            return refusal(error)
        unit_of_work.commit(keep=current_user)
        if wants_json():
            return jsonify({"ok": True, "removed": transaction_id, "figures": figures_json(card)})
        flash(_("Transaction removed."), "success")
        return redirect(self.card_url(card) + "#transactions", code=303)
