"""Topics and their posts: a new topic with its first post, replies, edits kept with their history,
pinning and closing, invitations of one's own subordinates, mentions. Kept counters on the topic
(post count, last post) are raised with each post; the author's own watermark follows his post."""

import re

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from extensions import db
from models.base import utcnow
from models.forum import ForumParticipant, ForumPost, ForumPostEdit, ForumTopic
from models.forum.post import BODY_MAX
from models.platform.user import User
from services.forum import photos, reads, signals, visibility
from services.platform import access, notifications
from services.platform.errors import RefusedChange, parse_id

TITLE_MAX = 200
MENTION_RE = re.compile(r"(?<![\w@])@([A-Za-z0-9_.\-]{2,60})")
MENTIONS_MAX = 20


class ForumError(RefusedChange):
    pass


def topic_link(topic):
    return f"/admin/forum/topic/{topic.id}/"


def _body(body):
    body = (body or "").replace("\r\n", "\n").strip()
    if not body:
        raise ForumError(_l("Write the message."), status=422, errors={"body": _l("Write the message.")})
    if len(body) > BODY_MAX:
        message = _l("At most %(n)s characters.", n=BODY_MAX)
        raise ForumError(message, status=422, errors={"body": message})
    return body


def create_topic(user, branch, title, body, restricted=False, uploads=()):
    if branch is None or branch.id not in visibility.branch_ids(user):
        raise ForumError(_l("The branch is not found."), status=404)
    title = (title or "").strip()
    if not title or len(title) > TITLE_MAX:
        message = _l("Give the topic a title of at most %(n)s characters.", n=TITLE_MAX)
        raise ForumError(message, status=422, errors={"title": message})
    body = _body(body)
    topic = ForumTopic(branch_id=branch.id, title=title, author_id=user.id, restricted=bool(restricted),
                       created_by_id=user.id, updated_by_id=user.id)  # fmt: skip
    db.session.add(topic)
    db.session.flush()
    db.session.add(ForumParticipant(topic_id=topic.id, user_id=user.id, invited=True, last_read_post_id=0))
    db.session.flush()
    add_post(user, topic, body, uploads)
    return topic


def add_post(user, topic, body, uploads=()):
    """A reply by `user` (who sees the topic) to an open topic; flushed, with its photos."""
    if not visibility.sees_topic(user, topic):
        raise ForumError(_l("The topic is not found."), status=404)
    if topic.closed:
        raise ForumError(_l("The topic is closed: it takes no new messages."), status=409)
    body = _body(body)
    now = utcnow()
    post = ForumPost(topic_id=topic.id, author_id=user.id, body=body, created_at=now)
    db.session.add(post)
    db.session.flush()
    photos.attach(user, topic, post, uploads)
    db.session.execute(update(ForumTopic).where(ForumTopic.id == topic.id).values(
        post_count=ForumTopic.post_count + 1, last_post_id=post.id, last_post_at=now))  # fmt: skip
    db.session.refresh(topic)
    reads.mark_read(user, topic, post.id, announce=False)
    _notify_mentions(user, topic, body)
    signals.posted.send(None, topic_id=topic.id, post_id=post.id)
    return post


def edit_post(user, post, body):
    """The author edits his post while the topic is open; the earlier body is kept."""
    topic = db.session.get(ForumTopic, post.topic_id)
    if post.author_id != user.id or not visibility.sees_topic(user, topic):
        raise ForumError(_l("Only the author may edit a message."), status=403)
    if topic.closed:
        raise ForumError(_l("The topic is closed: it takes no new messages."), status=409)
    body = _body(body)
    if body == post.body:
        return post
    db.session.add(ForumPostEdit(post_id=post.id, body=post.body, edited_at=utcnow(), edited_by_id=user.id))
    post.body = body
    post.edited_at = utcnow()
    db.session.flush()
    _notify_mentions(user, topic, body)
    signals.posted.send(None, topic_id=topic.id, post_id=post.id, edited=True)
    return post


def history(post):
    """The earlier bodies of a post, newest first."""
    query = select(ForumPostEdit).where(ForumPostEdit.post_id == post.id).order_by(ForumPostEdit.id.desc())
    return db.session.scalars(query.limit(100)).all()


def visible_post(user, post_id):
    """(post, topic) if `user` sees the post's topic, else (None, None)."""
    post = db.session.get(ForumPost, post_id) if post_id else None
    topic = visibility.visible_topic(user, post.topic_id) if post else None
    return (post, topic) if topic else (None, None)


def set_flags(user, topic, pinned=None, closed=None):
    branch = visibility.visible_branch(user, topic.branch_id)
    if not visibility.may_manage(user, branch):
        raise ForumError(_l("Only the branch's managers may pin and close topics."), status=403)
    if pinned is not None:
        topic.pinned = bool(pinned)
    if closed is not None:
        topic.closed = bool(closed)
    topic.updated_by_id = user.id
    db.session.flush()
    return topic


def may_invite(user, topic):
    """The author invites his subordinates; a leader who sees the topic invites his."""
    if not visibility.sees_topic(user, topic):
        return False
    return topic.author_id == user.id or bool(access.subordinate_set(user))


def invitable(user, topic):
    """The people `user` may invite to the topic: his subordinates who see its branch and are not
    invited yet, by name (at most 500)."""
    if not may_invite(user, topic):
        return []
    ids = sorted(access.subordinate_set(user) - {user.id})
    if not ids:
        return []
    invited = set(db.session.scalars(select(ForumParticipant.user_id).where(
        ForumParticipant.topic_id == topic.id, ForumParticipant.invited.is_(True))))  # fmt: skip
    people = db.session.scalars(select(User).where(User.id.in_(ids), User.is_blocked.is_(False),
                                                   User.deleted_at.is_(None)).order_by(User.full_name).limit(500))  # fmt: skip
    return [
        person for person in people if person.id not in invited and topic.branch_id in visibility.branch_ids(person)
    ]


def invite(user, topic, person_ids):
    """Invite these people (each one of `user`'s subordinates who sees the branch) to the topic; each
    is told (forum.invited). Anyone else → refused, nobody invited."""
    if not may_invite(user, topic):
        raise ForumError(_l("You may not invite people to this topic."), status=403)
    ids = [parse_id(value) for value in person_ids or ()]
    if not ids or any(item is None for item in ids):
        raise ForumError(_l("Choose whom to invite."), status=422, errors={"people": _l("Choose whom to invite.")})
    allowed = {person.id for person in invitable(user, topic)}
    if not set(ids) <= allowed:
        message = _l("You may invite only your own subordinates who see this branch.")
        raise ForumError(message, status=422, errors={"people": message})
    for person_id in sorted(set(ids)):
        row = db.session.get(ForumParticipant, (topic.id, person_id))
        if row is None:
            db.session.add(ForumParticipant(topic_id=topic.id, user_id=person_id, invited=True,
                                            invited_by_id=user.id, last_read_post_id=0))  # fmt: skip
        else:
            row.invited, row.invited_by_id = True, user.id
    db.session.flush()
    notifications.notify(sorted(set(ids)), "forum.invited", link=topic_link(topic), exclude=user.id,
                         by=user.full_name or user.username, topic=topic.title)  # fmt: skip


def _notify_mentions(user, topic, body):
    names = sorted({name.rstrip(".") for name in MENTION_RE.findall(body)})[:MENTIONS_MAX]
    if not names:
        return
    people = db.session.scalars(select(User).where(User.username.in_(names), User.is_blocked.is_(False),
                                                   User.deleted_at.is_(None)))  # fmt: skip
    told = [person.id for person in people if person.id != user.id and visibility.sees_topic(person, topic)]
    if told:
        notifications.notify(told, "forum.mentioned", link=topic_link(topic), exclude=user.id,
                             by=user.full_name or user.username, topic=topic.title)  # fmt: skip
