"""The suggestions pages. The section is declared anonymous (services/suggestions init_app): its
requests are logged without the user and his address and do not touch his session row. The
sending view reads the signed-in person only to check whom he may address and to count his day."""

from flask import abort, flash, redirect, request
from flask_admin import expose
from flask_babel import gettext as _
from flask_login import current_user

from admin_views.base import SecuredView, parse_id
from extensions import db
from services.platform import unit_of_work
from services.platform.errors import RefusedChange
from services.suggestions import addressees, answering, reading, sending
from services.suggestions.daily_limit import PER_DAY

TABS = ("board", "inbox")


class SuggestionsView(SecuredView):
    permission = "suggestions.send"

    @expose("/")
    def index(self):
        return self._page(request.args.get("tab") or "board")

    def _page(self, tab, code=200):
        inbox_open = reading.has_inbox(current_user)
        if tab not in TABS or (tab == "inbox" and not inbox_open):
            abort(404)
        status = request.args.get("status") or None
        if status is not None and status not in answering.STATUS_LABELS:
            status = None
        before = parse_id(request.args.get("before")) if request.args.get("before") else None
        clause = reading.inbox_clause(current_user) if tab == "inbox" else reading.board_clause(current_user)
        rows, next_before = reading.page(clause, status, before)
        page = self.render(
            "admin/suggestions/index.html",
            tab=tab,
            inbox_open=inbox_open,
            rows=rows,
            status=status,
            before=before,
            next_before=next_before,
            statuses=answering.STATUS_LABELS,
            histories=reading.histories([row.id for row in rows]) if tab == "inbox" else {},
            administrator_label=addressees.ADMINISTRATOR_LABEL,
        )
        return page, code

    @expose("/new", methods=("GET", "POST"))
    def new(self):
        choices = addressees.choices_for(current_user.id)
        form = {"addressee": request.form.get("addressee", ""), "body": request.form.get("body", "")}
        errors, status = {}, 200
        if request.method == "POST":
            try:
                sending.send(current_user, form["addressee"], form["body"])
            except RefusedChange as error:
                db.session.rollback()
                errors = error.errors or {"body": error.message}
                status = error.status
                flash(str(error.message), "error")
            else:
                unit_of_work.commit(keep=current_user)
                flash(_("Your suggestion was sent. Nothing of it names you."), "success")
                return redirect(self.get_url(".index"))
        return self.render(
            "admin/suggestions/new.html", choices=choices, form=form, errors=errors, per_day=PER_DAY
        ), status

    @expose("/<id:suggestion_id>/reply", methods=("POST",))
    def reply(self, suggestion_id):
        """The addressee's answer and status in one form."""
        suggestion = reading.answerable(current_user, suggestion_id)
        if suggestion is None:
            abort(404)
        try:
            answered = answering.answer(current_user, suggestion, request.form.get("answer"))
            moved = answering.set_status(current_user, suggestion, request.form.get("status") or suggestion.status)
        except RefusedChange as error:
            db.session.rollback()
            flash(" ".join(str(message) for message in error.errors.values()) or str(error.message), "error")
            return self._page("inbox", error.status)
        unit_of_work.commit(keep=current_user)
        if answered or moved:
            flash(_("Saved."), "success")
        return redirect(self.get_url(".index", tab="inbox", _anchor=f"suggestion-{suggestion_id}"))
