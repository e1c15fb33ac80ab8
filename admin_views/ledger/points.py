"""A person's points and bonuses (/admin/points/): his balances, read from the kept balances, and his
entries newest first in keyset pages; a leader also sees his people's balances and opens each one's
entries. Anyone else's page is a 404."""

from flask import abort, request
from flask_admin import expose
from flask_login import current_user
from sqlalchemy.orm import lazyload

from admin_views.base import SecuredView, parse_id
from admin_views.ledger.rules import KIND_LABELS
from extensions import db
from models.ledger import KINDS
from models.platform.user import User
from services import ledger
from services.ledger import rules as ledger_rules
from services.platform import access, people_choices

PEOPLE_SHOWN = 200


class PointsView(SecuredView):
    permission = "points.view"
    kind_labels = KIND_LABELS

    def _person(self):
        person_id = parse_id(request.args.get("employee")) if request.args.get("employee") else current_user.id
        if person_id is None or not access.sees_person(current_user, person_id):
            abort(404)
        person = db.session.get(User, person_id, options=[lazyload("*")])  # his name only
        if person is None or person.deleted_at is not None:
            abort(404)
        return person

    @expose("/")
    def index(self):
        person = self._person()
        kind = request.args.get("kind", "points")
        if kind not in KINDS:
            abort(404)
        before = parse_id(request.args.get("before")) if request.args.get("before") else None
        if request.args.get("before") and before is None:
            abort(400)
        entries, next_before = ledger.history("employee", person.id, kind, before=before)
        return self.render(
            "admin/ledger/points.html",
            person=person,
            kind=kind,
            balances=ledger.balances_of("employee", {person.id}).get(person.id, {}),
            entries=entries,
            next_before=next_before,
            paged=before is not None,
            rule_names=ledger_rules.names(),
            people=self._people(person),
        )

    def _people(self, person):
        """[(id, name, {kind: balance})] of the people the viewer sees besides himself, by name."""
        if person.id != current_user.id:
            return []
        everyone = people_choices.active_people()
        if access.scope_kind(current_user) != "all":
            visible = access.visible_set(current_user)
            everyone = [(i, name) for i, name in everyone if i in visible]
        shown = [(i, name) for i, name in everyone if i != current_user.id][:PEOPLE_SHOWN]
        balances = ledger.balances_of("employee", {i for i, _name in shown})
        return [(i, name, balances.get(i, {})) for i, name in shown]
