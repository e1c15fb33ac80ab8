"""An employee's documents: he and his leaders (and whoever manages staff) read them; he, his leaders
and staff managers add and delete them. Another's document by id is a 404."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from extensions import db
from models.base import utcnow
from models.platform.employee_document import EmployeeDocument
from services.platform import access, uploads
from services.platform.errors import RefusedChange


class DocumentError(RefusedChange):
    pass


def may_change(user, person):
    return person.id == user.id or access.can_manage_person(user, person)


def add(person, upload, by):
    if not may_change(by, person):
        raise DocumentError(_l("You may not add this person's documents."), status=403)
    stored = uploads.store(upload, by, refusal=DocumentError)
    document = EmployeeDocument(user_id=person.id, file_id=stored.id)
    db.session.add(document)
    db.session.flush()
    return document


def visible(user, document_id):
    query = select(EmployeeDocument).where(EmployeeDocument.id == document_id, EmployeeDocument.deleted_at.is_(None))
    document = db.session.scalar(access.scope(user, query, EmployeeDocument))
    return document


def of_person(person):
    query = select(EmployeeDocument).where(EmployeeDocument.user_id == person.id, EmployeeDocument.deleted_at.is_(None))
    return db.session.scalars(query.order_by(EmployeeDocument.id.desc()).limit(200)).all()


def delete(document, person, by):
    if not may_change(by, person):
        raise DocumentError(_l("You may not delete this person's documents."), status=403)
    document.deleted_at = utcnow()
    db.session.flush()
