"""A person's chats: those he follows (a read row), the latest message first, with how many he has
not read; keyset by the chat's last message id. A chat he may no longer open is not shown."""

from sqlalchemy import func, select

from extensions import db
from models.chats import Chat, ChatMessage, ChatRead
from services.chats import rules

PAGE = 20
UNREAD_COUNTED = 99  # a chat shows "99+" beyond: the count never reads more than this


def unread_count(client_id, watermark):
    newer = select(ChatMessage.id).where(ChatMessage.client_id == client_id, ChatMessage.id > watermark)
    return db.session.scalar(select(func.count()).select_from(newer.limit(UNREAD_COUNTED + 1).subquery()))


def unread_of(user, client_id):
    """How many messages of this chat the person has not read (0 with no messages)."""
    last = db.session.get(Chat, client_id)
    if last is None:
        return 0
    mark = db.session.get(ChatRead, (user.id, client_id))
    watermark = mark.last_read_message_id if mark else 0
    return unread_count(client_id, watermark) if last.last_message_id > watermark else 0


def page(user, before=None, unread_only=False, limit=PAGE):
    """[(client, last message time, unread count)] and the next page's key (or None)."""
    client = rules.client_model()
    query = (
        select(Chat, ChatRead.last_read_message_id, client)
        .join(ChatRead, ChatRead.client_id == Chat.client_id)
        .join(client, client.id == Chat.client_id)
        .where(ChatRead.user_id == user.id, client.deleted_at.is_(None))
    )
    if unread_only:
        query = query.where(Chat.last_message_id > ChatRead.last_read_message_id)
    if before is not None:
        query = query.where(Chat.last_message_id < before)
    rows = db.session.execute(query.order_by(Chat.last_message_id.desc()).limit(limit + 1)).all()
    more = len(rows) > limit
    rows = rows[:limit]
    shown = [
        (found, chat.last_message_at, unread_count(chat.client_id, mark) if chat.last_message_id > mark else 0)
        for chat, mark, found in rows
        if rules.may_open(user, chat.client_id)
    ]
    return shown, (rows[-1][0].last_message_id if more and rows else None)
