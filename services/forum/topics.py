"""A branch's topics as a person sees them — pinned first, then by last activity — paged by keyset
(never OFFSET, never a COUNT of the branch), with what he has not read; a topic's posts in pages;
the unread counts of the branches (each bounded)."""

from datetime import datetime

from sqlalchemy import and_, func, or_, select

from extensions import db
from models.forum import ForumParticipant, ForumPost, ForumTopic
from models.platform.user import User
from services.forum import visibility

PAGE = 50
PINNED_SHOWN = 50
POSTS_PAGE = 100
UNREAD_CAP = 100  # a branch shows "99+" beyond


def _with_watermark(user):
    mine = and_(ForumParticipant.topic_id == ForumTopic.id, ForumParticipant.user_id == user.id)
    return (
        select(ForumTopic, func.coalesce(ForumParticipant.last_read_post_id, 0).label("read_to"))
        .outerjoin(ForumParticipant, mine)
        .where(visibility.topic_clause(user))
    )


def names_of(user_ids):
    """{user id: the name shown} of these people, in one statement."""
    ids = sorted({user_id for user_id in user_ids if user_id})
    if not ids:
        return {}
    rows = db.session.execute(select(User.id, User.full_name, User.username).where(User.id.in_(ids)))
    return {row.id: row.full_name or row.username for row in rows}


def cursor_of(topic):
    return f"{topic.last_post_at.isoformat()}_{topic.id}"


def parse_cursor(text):
    """(last_post_at, id) of a cursor, or None for a missing or malformed one."""
    moment, _, topic_id = str(text or "").partition("_")
    if not topic_id.isdigit() or len(topic_id) > 18:
        return None
    try:
        return datetime.fromisoformat(moment), int(topic_id)
    except ValueError:
        return None


def page(user, branch, after=None):
    """(pinned, topics, next cursor): on the first page the pinned topics, then a page of the others
    by last activity, newest first; each row (topic, unread)."""
    base = _with_watermark(user).where(ForumTopic.branch_id == branch.id)
    pinned = []
    if after is None:
        rows = db.session.execute(base.where(ForumTopic.pinned.is_(True))
                                  .order_by(ForumTopic.last_post_at.desc(), ForumTopic.id.desc()).limit(PINNED_SHOWN))  # fmt: skip
        pinned = [(topic, topic.last_post_id > read_to) for topic, read_to in rows]
    query = base.where(ForumTopic.pinned.is_(False))
    if after is not None:
        moment, topic_id = after
        query = query.where(or_(ForumTopic.last_post_at < moment,
                                and_(ForumTopic.last_post_at == moment, ForumTopic.id < topic_id)))  # fmt: skip
    rows = db.session.execute(
        query.order_by(ForumTopic.last_post_at.desc(), ForumTopic.id.desc()).limit(PAGE + 1)
    ).all()
    topics = [(topic, topic.last_post_id > read_to) for topic, read_to in rows[:PAGE]]
    next_cursor = cursor_of(topics[-1][0]) if len(rows) > PAGE else None
    return pinned, topics, next_cursor


def posts(topic, after=0):
    """(posts, more): a page of the topic's posts after the post id `after`, oldest first."""
    query = select(ForumPost).where(ForumPost.topic_id == topic.id, ForumPost.id > (after or 0))
    rows = db.session.scalars(query.order_by(ForumPost.id).limit(POSTS_PAGE + 1)).all()
    return rows[:POSTS_PAGE], len(rows) > POSTS_PAGE


def unread_by_branch(user, branch_ids):
    """{branch id: how many of its topics he sees have posts he has not read}, each count stopping
    at UNREAD_CAP (one bounded query per branch)."""
    counts = {}
    for branch_id in sorted(branch_ids):
        unread = (
            _with_watermark(user)
            .where(ForumTopic.branch_id == branch_id,
                   ForumTopic.last_post_id > func.coalesce(ForumParticipant.last_read_post_id, 0))
            .limit(UNREAD_CAP)
            .subquery()
        )  # fmt: skip
        count = db.session.scalar(select(func.count()).select_from(unread)) or 0
        if count:
            counts[branch_id] = count
    return counts
