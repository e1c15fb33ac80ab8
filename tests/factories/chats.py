"""Factories of the client chats: a message written through the service and committed."""

from extensions import db
from services.chats import messages


def write(client, author, body="Hello"):
    message = messages.post(client, author, body)
    db.session.commit()
    return message
