"""The fields an imported row may fill, how a file's header is guessed onto them, and the check of
one row: (the values as stored, {field: reason}) — the same check for the dry run and the run."""

import re
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import lazyload

from extensions import db
from models.any_of import any_of
from models.clients import CLIENTS_PIPELINE, Client
from models.pipeline import Pipeline, Stage
from models.platform.org import Office
from models.platform.user import User
from services.platform import dates, money, phones

EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
FIELDS = {
    "external_id": _l("External id (required)"),
    "full_name": _l("Name (required)"),
    "phone": _l("Phone"),
    "email": _l("E-mail"),
    "source": _l("Source"),
    "office": _l("Office"),
    "responsible": _l("Responsible employee (login or name)"),
    "stage": _l("Stage reached (code or name)"),
    "paid": _l("Paid before, total"),
    "paid_on": _l("Last paid on"),
    "points": _l("Points before"),
}
REQUIRED = ("external_id", "full_name")
# Header words that name a field, in the three languages (lower case, spaces squeezed).
GUESSES = {
    "external_id": ("id", "external id", "код", "зовнішній id", "внешний id"),
    "full_name": ("name", "full name", "client", "ім'я", "піб", "клієнт", "имя", "фио", "клиент"),
    "phone": ("phone", "телефон"),
    "email": ("email", "e-mail", "пошта", "почта"),
    "source": ("source", "джерело", "источник"),
    "office": ("office", "офіс", "офис"),
    "responsible": ("responsible", "employee", "відповідальний", "співробітник", "ответственный", "сотрудник"),
    "stage": ("stage", "етап", "этап"),
    "paid": ("paid", "payments", "сплачено", "оплачено", "оплати", "оплаты"),
    "paid_on": ("paid on", "date", "дата оплати", "дата оплаты"),
    "points": ("points", "бали", "баллы"),
}


def guess(header):
    """{field: column number} of the header's columns whose words name a field."""
    found = {}
    for index, title in enumerate(header):
        words = " ".join(str(title).lower().split())
        for field, names in GUESSES.items():
            if field not in found and words in names:
                found[field] = index
    return found


@dataclass
class Lookups:
    """What the rows are checked against, read once per run: stages, offices, people."""

    stages: dict
    offices: dict
    people: dict
    first_stage: object

    @classmethod
    def load(cls):
        board = db.session.scalar(select(Pipeline).where(Pipeline.code == CLIENTS_PIPELINE))
        stages = {}
        for stage in db.session.scalars(select(Stage).where(Stage.pipeline_id == board.id)):
            for name in (stage.code, stage.name_uk, stage.name_ru, stage.name_en):
                if name:
                    stages[name.lower()] = stage
        offices = {office.name.lower(): office for office in db.session.scalars(select(Office))}
        people = {}
        active = select(User).where(User.deleted_at.is_(None), User.is_blocked.is_(False)).options(lazyload("*"))
        for user in db.session.scalars(active):
            people[user.username.lower()] = user
            if user.full_name:
                people.setdefault(user.full_name.lower(), user)
        return cls(stages, offices, people, board.stages[0])


def known_external_ids(ids):
    """Those of `ids` that a client already carries."""
    if not ids:
        return set()
    return set(db.session.scalars(select(Client.external_id).where(any_of(Client.external_id, ids))))


def known_contacts(phones_and_emails):
    """The phones and e-mails (as stored) that live clients already have."""
    if not phones_and_emails:
        return set()
    values, live = sorted(phones_and_emails), Client.deleted_at.is_(None)
    found = set(db.session.scalars(select(Client.phone).where(any_of(Client.phone, values), live)))
    # E-mails are kept in lower case (services.clients.operations): ix_clients_email serves this.
    found |= set(db.session.scalars(select(Client.email).where(any_of(Client.email, values), live)))
    return found


def check(cells, mapping, lookups):
    """(values, errors) of one row: `cells` the row's texts, `mapping` {field: column number}."""
    raw = {field: (cells[column] if column < len(cells) else "").strip() for field, column in mapping.items()}
    values, errors = {}, {}
    for field in REQUIRED:
        if not raw.get(field):
            errors[field] = _l("Required.")
    values["external_id"], values["full_name"] = (
        raw.get("external_id", "")[:64],
        " ".join(raw.get("full_name", "").split()),
    )
    if len(raw.get("external_id", "")) > 64 or len(values["full_name"]) > 160:
        errors.setdefault("full_name" if len(values["full_name"]) > 160 else "external_id", _l("Too long."))
    phone = phones.normalized(raw.get("phone", ""))
    digits = sum(ch.isdigit() for ch in phone)
    if phone and not 7 <= digits <= 15:
        errors["phone"] = _l("Not a phone number.")
    values["phone"] = phone[:40]
    email = raw.get("email", "").lower()
    if email and not EMAIL.fullmatch(email):
        errors["email"] = _l("Not an e-mail address.")
    values["email"], values["source"] = email[:254], raw.get("source", "")[:80]
    _named(raw, "office", lookups.offices, values, errors, _l("No such office."))
    _named(raw, "responsible", lookups.people, values, errors, _l("No such employee."))
    _named(raw, "stage", lookups.stages, values, errors, _l("No such stage."))
    for field in ("paid", "points"):
        try:
            values[field] = money.parse_money(raw[field]) if raw.get(field) else None
        except money.MoneyError:
            errors[field] = _l("Enter an amount, e.g. 1250.50.")
    try:
        values["paid_on"] = dates.parse_date(raw.get("paid_on"))
    except dates.DateError as error:
        errors["paid_on"] = error.message
    return values, errors


def _named(raw, field, known, values, errors, message):
    text = raw.get(field, "")
    values[field] = known.get(text.lower()) if text else None
    if text and values[field] is None:
        errors[field] = message
