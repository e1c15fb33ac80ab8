"""A client's documents: uploaded by whoever may edit the client, listed and downloaded by whoever
sees him, deleted softly (the change log keeps who and when)."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from extensions import db
from models.base import utcnow
from models.clients import ClientDocument
from services.platform import access, uploads
from services.platform.errors import RefusedChange


class DocumentError(RefusedChange):
    pass


def add(client, upload, by):
    if not access.can(by, "clients.edit", client):
        raise DocumentError(_l("You may not add this client's documents."), status=403)
    stored = uploads.store(upload, by, refusal=DocumentError)
    document = ClientDocument(client_id=client.id, office_id=client.office_id, file_id=stored.id)
    db.session.add(document)
    db.session.flush()
    return document


def visible(user, document_id):
    """The live document with this id if `user` sees its client, else None."""
    document = db.session.scalar(
        select(ClientDocument).where(ClientDocument.id == document_id, ClientDocument.deleted_at.is_(None))
    )
    if document is None or document.client.deleted_at is not None or not access.in_scope(user, document):
        return None
    return document


def of_client(client):
    query = select(ClientDocument).where(ClientDocument.client_id == client.id, ClientDocument.deleted_at.is_(None))
    return db.session.scalars(query.order_by(ClientDocument.id.desc()).limit(200)).all()


def delete(document, by):
    if not access.can(by, "clients.edit", document.client):
        raise DocumentError(_l("You may not delete this client's documents."), status=403)
    document.deleted_at = utcnow()
    db.session.flush()
