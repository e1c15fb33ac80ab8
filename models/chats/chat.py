"""A client's chat: its head row (the last message, for unread badges), its messages (kept with the
client whoever leaves), the people a participant added, and each reader's watermark."""

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import db
from models.base import utcnow

BODY_MAX = 4000


class Chat(db.Model):
    """One per client that has had a message; `last_message_id` says what is unread to whom."""

    __tablename__ = "chats"
    __scope__ = "all"  # read only through services/chats/rules.py, which checks the client's scope

    client_id: Mapped[int] = mapped_column(sa.ForeignKey("clients.id"), primary_key=True)
    last_message_id: Mapped[int] = mapped_column(nullable=False, default=0)
    last_message_at: Mapped[dt.datetime] = mapped_column(nullable=False, default=utcnow)


class ChatMessage(db.Model):
    __tablename__ = "chat_messages"
    __scope__ = "all"  # read only through services/chats/rules.py
    __table_args__ = (sa.Index("ix_chat_messages_client", "client_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(sa.ForeignKey("clients.id"), nullable=False)
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), nullable=False)
    author = relationship("User", lazy="joined")
    body: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    file_id: Mapped[int | None] = mapped_column(sa.ForeignKey("stored_files.id"))
    file = relationship("StoredFile", lazy="joined")
    created_at: Mapped[dt.datetime] = mapped_column(nullable=False, default=utcnow)


class ChatMember(db.Model):
    """Someone a participant added from his own team (services/chats/rules.py says how long he stays)."""

    __tablename__ = "chat_members"
    __scope__ = "all"

    client_id: Mapped[int] = mapped_column(sa.ForeignKey("clients.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), primary_key=True)
    user = relationship("User", foreign_keys=[user_id], lazy="joined")
    added_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), nullable=False)
    created_at: Mapped[dt.datetime] = mapped_column(nullable=False, default=utcnow)


class ChatRead(db.Model):
    """How far a person has read a chat: raised only, by one conditional UPDATE. A row also makes the
    chat one he follows (his list of chats)."""

    __tablename__ = "chat_reads"
    __scope__ = "all"
    __table_args__ = (sa.Index("ix_chat_reads_client", "client_id"),)

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), primary_key=True)
    client_id: Mapped[int] = mapped_column(sa.ForeignKey("clients.id"), primary_key=True)
    last_read_message_id: Mapped[int] = mapped_column(nullable=False, default=0)
