"""A chat's messages: written by whoever may open the chat (plain text, an optional attachment under
the documents' upload rules), read page by page by id (keyset), and each reader's watermark raised
only forward. Nothing here commits; the view does, and the sockets hear of it after (events)."""

import re

from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from sqlalchemy import func, select, update

from extensions import db
from models.chats import Chat, ChatMessage, ChatRead
from models.chats.chat import BODY_MAX
from services.chats import events, rules
from services.platform import notifications, uploads
from services.platform.errors import RefusedChange

PAGE = 30
LINK = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)


class ChatError(RefusedChange):
    pass


def link_of(client_id):
    """The chat's own page: it opens for everyone in the chat, also a person added from outside the
    client's scope, who cannot open the client's page."""
    return f"/admin/chats/{client_id}/"


def as_html(text):
    """The message as safe HTML: everything escaped, web links made links, line breaks kept."""
    parts, last = [], 0
    for found in LINK.finditer(text or ""):
        url = found.group(0).rstrip(".,;:!?)")
        end = found.start() + len(url)
        parts.append(escape(text[last : found.start()]))
        parts.append(Markup('<a href="{0}" rel="noopener noreferrer nofollow" target="_blank">{0}</a>').format(url))
        last = end
    parts.append(escape((text or "")[last:]))
    return Markup("").join(parts).replace("\n", Markup("<br>"))


def post(client, by, body, upload=None):
    """A new message of `by` in the client's chat (he may open it: the caller checked), flushed;
    the participants but him are notified, once per unread chat."""
    body = (body or "").replace("\r\n", "\n").strip()
    has_file = upload is not None and bool(upload.filename)
    if not body and not has_file:
        raise ChatError(_l("Write a message or attach a file."), errors={"body": _l("Write a message.")})
    if len(body) > BODY_MAX:
        raise ChatError(_l("A message is at most %(n)s characters.", n=BODY_MAX), errors={"body": _l("Too long.")})
    stored = None
    if has_file:
        stored = uploads.store(upload, by, refusal=ChatError)
    message = ChatMessage(client_id=client.id, author_id=by.id, body=body, file_id=stored.id if stored else None)
    db.session.add(message)
    db.session.flush()
    _head(client.id, message)
    participants = rules.participant_ids(client)
    follow(client.id, participants | {by.id})
    raise_watermark(by.id, client.id, message.id)
    notifications.notify(participants, "chats.message", link=link_of(client.id), exclude=by.id, once_unread=True,
                         by=by.display_name, client=client.full_name)  # fmt: skip
    events.posted.send(None, client_id=client.id, message_id=message.id, author_id=by.id)
    return message


def _head(client_id, message):
    changed = db.session.execute(
        update(Chat).where(Chat.client_id == client_id)
        .values(last_message_id=message.id, last_message_at=message.created_at)
    ).rowcount  # fmt: skip
    if not changed:
        db.session.add(Chat(client_id=client_id, last_message_id=message.id, last_message_at=message.created_at))
        db.session.flush()


def follow(client_id, user_ids):
    """A read row (at 0) for each of them who has none: the chat is then in their list. Two requests
    may add the same row at once; the second's is skipped (ON CONFLICT DO NOTHING), never an error."""
    kept = set(db.session.scalars(select(ChatRead.user_id).where(
        ChatRead.client_id == client_id, ChatRead.user_id.in_(sorted(user_ids)))))  # fmt: skip
    missing = sorted(set(user_ids) - kept)
    if not missing:
        return
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    rows = [{"user_id": user_id, "client_id": client_id, "last_read_message_id": 0} for user_id in missing]
    db.session.execute(insert(ChatRead).values(rows).on_conflict_do_nothing())


def raise_watermark(user_id, client_id, message_id):
    """His read position in the chat moves up to `message_id` (never down): one conditional UPDATE,
    so concurrent readers can only raise it. True if it moved."""
    follow(client_id, {user_id})
    moved = db.session.execute(
        update(ChatRead)
        .where(ChatRead.user_id == user_id, ChatRead.client_id == client_id,
               ChatRead.last_read_message_id < message_id)
        .values(last_read_message_id=message_id)
    ).rowcount  # fmt: skip
    return bool(moved)


def mark_read(client, user, message_id):
    """The reader saw the chat up to `message_id` (a message of this chat): his watermark is raised,
    his notification of the chat read, and the others' pages told."""
    last = db.session.scalar(select(func.max(ChatMessage.id)).where(ChatMessage.client_id == client.id)) or 0
    message_id = min(message_id, last)
    if message_id <= 0:
        return False
    moved = raise_watermark(user.id, client.id, message_id)
    notifications.mark_read(user.id, kind="chats.message", link=link_of(client.id))
    if moved:
        events.read.send(None, client_id=client.id, user_id=user.id, message_id=message_id)
    return moved


def after(client_id, after_id=0, limit=PAGE * 2):
    """The messages newer than `after_id`, oldest first (what a page has not shown yet)."""
    query = select(ChatMessage).where(ChatMessage.client_id == client_id, ChatMessage.id > after_id)
    return db.session.scalars(query.order_by(ChatMessage.id).limit(limit)).all()


def before(client_id, before_id=None, limit=PAGE):
    """Up to `limit` messages older than `before_id` (the latest when None), oldest first, and
    whether there are more before them."""
    query = select(ChatMessage).where(ChatMessage.client_id == client_id)
    if before_id is not None:
        query = query.where(ChatMessage.id < before_id)
    rows = db.session.scalars(query.order_by(ChatMessage.id.desc()).limit(limit + 1)).all()
    return list(reversed(rows[:limit])), len(rows) > limit


def visible_message(user, message_id):
    """The message with this id if `user` may open its chat (an attachment's download), else None."""
    message = db.session.get(ChatMessage, message_id)
    if message is None or rules.client_of(user, message.client_id) is None:
        return None
    return message


def watermarks(client_id, user_ids):
    """{user id: how far he has read} for these people."""
    if not user_ids:
        return {}
    query = select(ChatRead.user_id, ChatRead.last_read_message_id).where(
        ChatRead.client_id == client_id, ChatRead.user_id.in_(sorted(user_ids)))  # fmt: skip
    found = dict(db.session.execute(query).all())
    return {user_id: found.get(user_id, 0) for user_id in user_ids}


def history(client_id, batch=500):
    """Every message of the chat, oldest first, read in batches (the client's export)."""
    last = 0
    while True:
        rows = after(client_id, last, limit=batch)
        yield from rows
        if len(rows) < batch:
            return
        last = rows[-1].id
