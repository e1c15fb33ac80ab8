"""The events section (/admin/events/): a person's agenda for today or the week, the same events as a
board by status, and an event's form and outcome. Rules live in services/clients/events.py."""

from datetime import timedelta

from flask import abort, flash, redirect, request
from flask_admin import expose
from flask_admin.helpers import get_redirect_target
from flask_babel import gettext as _
from flask_login import current_user

from admin_views.base import SecuredView, parse_id
from extensions import db
from models.base import utcnow
from models.clients import Event
from models.platform.user import User
from services.clients import events as event_rules
from services.clients import operations as clients
from services.platform import access, people_choices, unit_of_work
from services.platform.timezones import to_local, today_local, user_zone

RANGES = ("today", "week")
VIEWS = ("agenda", "board")


class EventView(SecuredView):
    permission = "clients.view"
    remind_choices = event_rules.REMIND_CHOICES

    def scoped_event(self, event_id):
        event = db.session.get(Event, event_id)
        if event is None or event.client.deleted_at is not None or not access.in_scope(current_user, event):
            abort(404)
        return event

    def may_change(self, event):
        return event_rules.may_change(current_user, event)

    def overdue(self, event, now=None):
        return event.status.is_open and event.starts_at < (now or utcnow())

    def _person(self):
        person_id = parse_id(request.args.get("person")) if request.args.get("person") else current_user.id
        if person_id is None or not access.sees_person(current_user, person_id):
            abort(404)
        person = db.session.get(User, person_id)
        if person is None:
            abort(404)
        return person

    @expose("/")
    def index(self):
        person, span = self._person(), request.args.get("range", "week")
        view = request.args.get("view", "agenda")
        if span not in RANGES or view not in VIEWS:
            abort(404)
        zone, today = user_zone(), today_local()
        bounds = event_rules.day_bounds if span == "today" else event_rules.week_bounds
        start, end = bounds(today, zone)
        found = event_rules.agenda(current_user, person.id, start, end)
        days = {}
        for event in found:
            days.setdefault(to_local(event.starts_at, zone).date(), []).append(event)
        statuses = event_rules.statuses()
        by_status = {status.id: [event for event in found if event.status_id == status.id] for status in statuses}
        return self.render(
            "admin/clients/events.html", person=person, span=span, view=view, days=days, statuses=statuses,
            by_status=by_status, people=people_choices.seen_by(current_user), now=utcnow(), today=today,
        )  # fmt: skip

    # --- the form ---------------------------------------------------------------------------------

    def _form_page(self, client, event, values, errors=None, status=200):
        people = people_choices.seen_by(current_user)
        page = self.render("admin/clients/event_form.html", client=client, event=event, values=values,
                           errors=errors or {}, types=event_rules.types(), people=people)  # fmt: skip
        return page, status

    def _sent(self):
        names = ("type_id", "starts_at", "duration_minutes", "assignee_id", "title", "remind_minutes")
        return {name: request.form.get(name, "") for name in names}

    def _refused(self, client, event, error):
        db.session.rollback()
        flash(str(error.message), "error")
        return self._form_page(client, event, self._sent(), error.errors, 422 if error.status == 400 else error.status)

    @expose("/new/", methods=("GET", "POST"))
    def create_view(self):
        client = clients.visible_client(current_user, parse_id(request.args.get("client")) or 0)
        if client is None:
            abort(404)
        if not access.can(current_user, "clients.edit", client):
            abort(403)
        if request.method == "POST":
            try:
                event = event_rules.plan(client, current_user, user_zone(), **self._sent())
            except event_rules.EventError as error:
                return self._refused(client, None, error)
            unit_of_work.commit(keep=current_user)
            flash(_("The event is planned."), "success")
            return redirect(
                self.get_url(".index", person=event.assignee_id if event.assignee_id != current_user.id else None)
            )
        kinds = event_rules.types()
        values = {"type_id": kinds[0].id if kinds else "", "duration_minutes": kinds[0].default_minutes if kinds else 30,
                  "assignee_id": client.responsible_id or current_user.id, "remind_minutes": 30,
                  "starts_at": (to_local(utcnow(), user_zone()) + timedelta(hours=1)).strftime("%Y-%m-%dT%H:00")}  # fmt: skip
        return self._form_page(client, None, values)

    @expose("/<id:event_id>/edit", methods=("GET", "POST"))
    def edit_view(self, event_id):
        event = self.scoped_event(event_id)
        if not self.may_change(event):
            abort(403)
        if request.method == "POST":
            try:
                event_rules.change(event, current_user, request.form.get("version"), user_zone(), **self._sent())
            except event_rules.EventError as error:
                return self._refused(event.client, event, error)
            unit_of_work.commit(keep=current_user)
            flash(_("The event is saved."), "success")
            return redirect(self.get_url(".index"))
        values = {"type_id": event.type_id, "duration_minutes": event.duration_minutes, "assignee_id": event.assignee_id,
                  "remind_minutes": event.remind_minutes, "title": event.title,
                  "starts_at": to_local(event.starts_at, user_zone()).strftime("%Y-%m-%dT%H:%M")}  # fmt: skip
        return self._form_page(event.client, event, values)

    @expose("/<id:event_id>/status", methods=("POST",))
    def status(self, event_id):
        event = self.scoped_event(event_id)
        try:
            event_rules.set_status(event, current_user, request.form.get("version"), request.form.get("status_id"),
                                   request.form.get("result_note", ""))  # fmt: skip
        except event_rules.EventError as error:
            db.session.rollback()
            if error.status == 403:
                abort(403)
            flash(" ".join([str(error.message), *(str(m) for m in error.errors.values())]), "error")
            return self.index(), 422 if error.status == 400 else error.status
        unit_of_work.commit(keep=current_user)
        flash(_("The event's outcome is saved."), "success")
        return redirect(get_redirect_target("next") or self.get_url(".index"))
