"""Clients: adding one (never a silent second copy of a phone or e-mail already known), placing him on
the training pipeline, and the history of the employees responsible for him."""

import re

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from extensions import db
from models.base import utcnow
from models.clients import CLIENTS_PIPELINE, Client, ClientResponsible
from models.clients.client import LANGUAGES
from models.pipeline import Pipeline
from models.platform.org import Office
from models.platform.user import User
from services import pipeline
from services.pipeline import signals
from services.platform import access, notifications, phones
from services.platform.errors import RefusedChange, parse_id
from services.platform.timezones import is_valid_zone

TEXT_LIMITS = {"full_name": 160, "phone": 40, "phone_other": 40, "email": 254, "messenger": 120, "country": 80,
               "source": 80, "tags": 255}  # fmt: skip
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


class ClientError(RefusedChange):
    """A refused change to a client; `same` lists the clients a new one would duplicate."""

    def __init__(self, message, status=400, errors=None, same=()):
        super().__init__(message, status, errors)
        self.same = list(same)


def visible_client(user, client_id, *options):
    """The live client with this id if `user` may see him, else None (missing and hidden look alike)."""
    query = select(Client).where(Client.id == client_id, Client.deleted_at.is_(None)).options(*options)
    client = db.session.scalar(query)
    return client if client is not None and access.in_scope(user, client) else None


def clients_pipeline():
    return db.session.scalar(select(Pipeline).where(Pipeline.code == CLIENTS_PIPELINE))


def _clean(values):
    """The client's fields as stored, and {field: message} for what cannot be."""
    clean, errors = {}, {}
    for name, limit in TEXT_LIMITS.items():
        text = " ".join(str(values.get(name) or "").split())
        if len(text) > limit:
            errors[name] = _l("At most %(count)s characters.", count=limit)
        clean[name] = text
    if not clean["full_name"]:
        errors["full_name"] = _l("Enter the client's name.")
    clean["phone"], clean["phone_other"] = phones.normalized(clean["phone"]), phones.normalized(clean["phone_other"])
    clean["email"] = clean["email"].lower()
    if clean["email"] and not _EMAIL.fullmatch(clean["email"]):
        errors["email"] = _l("Enter an e-mail address such as name@example.com.")
    clean["language"] = values.get("language") or "uk"
    if clean["language"] not in LANGUAGES:
        errors["language"] = _l("Not a valid choice.")
    clean["timezone"] = values.get("timezone") or "Europe/Kyiv"
    if not is_valid_zone(clean["timezone"]):
        errors["timezone"] = _l("Choose a time zone from the list.")
    clean["notes"] = str(values.get("notes") or "").strip() or None
    return clean, errors


def same_clients(phone, email, other_phone=""):
    """Live clients who have one of these phones (in either phone field) or this e-mail."""
    numbers = {number for number in (phone, other_phone) if number}
    conditions = [Client.phone.in_(numbers), Client.phone_other.in_(numbers)] if numbers else []
    if email:
        conditions.append(Client.email == email)
    if not conditions:
        return []
    return db.session.scalars(select(Client).where(or_(*conditions), Client.deleted_at.is_(None))).all()


def create(by, **values):
    """A new client for `by` (or the responsible employee chosen), on the first training stage."""
    if not access.can(by, "clients.create"):
        raise ClientError(_l("You may not add clients."), status=403)
    clean, errors = _clean(values)
    responsible = _responsible(by, values.get("responsible_id"), errors)
    office_id = _office(values.get("office_id"), errors) or _only_office(responsible)
    referrer_id = _referrer(by, values.get("referrer_id"), errors)
    if errors:
        raise ClientError(_l("Check the client's fields."), errors=errors)
    same = same_clients(clean["phone"], clean["email"], clean["phone_other"])
    if same:
        raise ClientError(_l("This client is already known."), status=409, same=same)
    board = clients_pipeline()
    first = board.stages[0]
    client = Client(
        **clean, office_id=office_id, responsible_id=responsible.id, referrer_id=referrer_id,
        pipeline_id=board.id, stage_id=first.id, bucket=first.bucket,
    )  # fmt: skip
    db.session.add(client)
    db.session.flush()
    db.session.add(ClientResponsible(client_id=client.id, user_id=responsible.id, changed_by_id=by.id))
    pipeline.start(client, first, by=by)
    db.session.flush()
    return client


def update(client, by, version, **values):
    """Change the client's fields; a phone or e-mail of another live client is refused (409, `same`)."""
    if not access.can(by, "clients.edit", client):
        raise ClientError(_l("You may not change this client."), status=403)
    if parse_id(version) != client.version:
        raise ClientError(_l("Someone else changed this client meanwhile: reload the page and enter your changes again."),
                          status=409)  # fmt: skip
    clean, errors = _clean(values)
    office_id = _office(values.get("office_id"), errors)
    referrer_id = _referrer(by, values.get("referrer_id"), errors)
    if referrer_id == client.id:
        errors["referrer_id"] = _l("A client cannot be his own referrer.")
    if errors:
        raise ClientError(_l("Check the client's fields."), errors=errors)
    same = [
        other for other in same_clients(clean["phone"], clean["email"], clean["phone_other"]) if other.id != client.id
    ]
    if same:
        raise ClientError(_l("Another client has this phone or e-mail."), status=409, same=same)
    for name, value in clean.items():
        setattr(client, name, value)
    client.office_id, client.referrer_id = office_id, referrer_id
    if values.get("responsible_id") not in (None, ""):
        set_responsible(client, values["responsible_id"], by)
    db.session.flush()
    return client


def delete(client, by):
    """A client leaves the lists and the board; his history stays (soft delete)."""
    if not access.can(by, "clients.edit", client):
        raise ClientError(_l("You may not change this client."), status=403)
    client.deleted_at = utcnow()
    db.session.flush()


def set_responsible(client, user_id, by):
    """Hand the client to another employee: the current stretch ends now, the new one begins."""
    if not access.can(by, "clients.edit", client):
        raise ClientError(_l("You may not change this client."), status=403)
    errors = {}
    person = _responsible(by, user_id, errors)
    if errors:
        raise ClientError(_l("Check the client's fields."), errors=errors)
    if person.id == client.responsible_id:
        return
    before = frozenset(client.scope_people_ids())
    now = utcnow()
    current = db.session.scalars(
        select(ClientResponsible).where(ClientResponsible.client_id == client.id, ClientResponsible.until.is_(None))
    ).all()
    for stretch in current:
        stretch.until = now
    db.session.add(ClientResponsible(client_id=client.id, user_id=person.id, since=now, changed_by_id=by.id))
    client.responsible_id = person.id
    db.session.flush()
    signals.people_changed.send(client, before=before)
    notifications.notify([person.id], "clients.handed", link=f"/admin/clients/{client.id}/", exclude=by.id,
                         by=by.display_name, client=client.full_name)  # fmt: skip


def responsible_history(client):
    """The client's responsible employees, the current first: [ClientResponsible]."""
    return db.session.scalars(
        select(ClientResponsible)
        .where(ClientResponsible.client_id == client.id)
        .order_by(ClientResponsible.since.desc(), ClientResponsible.id.desc())
    ).all()


def _responsible(by, user_id, errors):
    """The employee to be responsible: `by` himself, or one of the people he sees who is active."""
    if user_id in (None, ""):
        return by
    person = db.session.get(User, parse_id(user_id)) if parse_id(user_id) else None
    sees = person is not None and (access.scope_level(by) == "all" or person.id in access.visible_set(by))
    if not sees or not person.is_active:
        errors["responsible_id"] = _l("Choose one of your people.")
        return by
    return person


def _office(office_id, errors):
    if office_id in (None, ""):
        return None
    office = db.session.get(Office, parse_id(office_id)) if parse_id(office_id) else None
    if office is None or not office.is_active:
        errors["office_id"] = _l("Not a valid choice.")
        return None
    return office.id


def _only_office(person):
    """The office of a person who works in one: where his new client belongs unless chosen."""
    offices = {membership.office_id for membership in person.memberships}
    return offices.pop() if len(offices) == 1 else None


def _referrer(by, referrer_id, errors):
    if referrer_id in (None, ""):
        return None
    referrer = db.session.get(Client, parse_id(referrer_id)) if parse_id(referrer_id) else None
    if referrer is None or referrer.deleted_at is not None or not access.in_scope(by, referrer):
        errors["referrer_id"] = _l("No such client among yours.")
        return None
    return referrer.id
