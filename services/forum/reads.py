"""Who has read what: one row per (topic, person) whose `last_read_post_id` is the highest post he
has seen there — a watermark, never a row per message. It only ever rises: one UPDATE … WHERE
last_read_post_id < :new, which two readers at once (two tabs, two devices) cannot turn back."""

from sqlalchemy import and_, func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from extensions import db
from models.forum import ForumParticipant, ForumPost
from models.platform.user import User
from services.forum import signals, visibility

READERS_SHOWN = 200


def _insert():
    dialect = db.session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(ForumParticipant)


def mark_read(user, topic, post_id, announce=True):
    """Raise `user`'s watermark in the topic to `post_id` (at most the topic's last post); True when it
    rose. The row is made on first read."""
    post_id = min(int(post_id or 0), topic.last_post_id)
    if post_id <= 0:
        return False
    statement = _insert().values(topic_id=topic.id, user_id=user.id, invited=False, last_read_post_id=0)
    db.session.execute(statement.on_conflict_do_nothing(index_elements=["topic_id", "user_id"]))
    raised = db.session.execute(
        update(ForumParticipant)
        .where(ForumParticipant.topic_id == topic.id, ForumParticipant.user_id == user.id,
               ForumParticipant.last_read_post_id < post_id)
        .values(last_read_post_id=post_id)
        .execution_options(synchronize_session=False)
    ).rowcount  # fmt: skip
    if raised and announce:
        signals.read.send(None, topic_id=topic.id, user_id=user.id, post_id=post_id)
    return bool(raised)


def watermark(user_id, topic_id):
    return db.session.scalar(select(ForumParticipant.last_read_post_id).where(
        ForumParticipant.topic_id == topic_id, ForumParticipant.user_id == user_id)) or 0  # fmt: skip


def audience(topic):
    """M of "read by N of M": for a restricted topic its invited participants; for an open one the
    branch's audience (visibility.branch_audience_size, an upper bound of who sees it) — each less
    the message's own author, who is not counted as reading his own message."""
    if topic.restricted:
        return db.session.scalar(select(func.count()).select_from(ForumParticipant).where(
            ForumParticipant.topic_id == topic.id, ForumParticipant.invited.is_(True))) or 0  # fmt: skip
    return visibility.branch_audience_size(topic.branch_id)


def receipts(topic, post_ids):
    """{post id: (N, M)} for these posts of the topic: N the people other than its author whose
    watermark reached it — one indexed count on (topic_id, last_read_post_id) per post, in one
    statement — M as `audience` says, less the author."""
    ids = sorted({post_id for post_id in post_ids if post_id})[:500]
    if not ids:
        return {}
    readers = (
        select(func.count())
        .select_from(ForumParticipant)
        .where(ForumParticipant.topic_id == topic.id, ForumParticipant.last_read_post_id >= ForumPost.id,
               ForumParticipant.user_id != ForumPost.author_id)
        .correlate(ForumPost)
        .scalar_subquery()
    )  # fmt: skip
    invited = (
        select(func.count()).select_from(ForumParticipant)
        .where(ForumParticipant.topic_id == topic.id, ForumParticipant.invited.is_(True)).scalar_subquery()
    )  # fmt: skip
    columns = [ForumPost.id, readers] + ([invited] if topic.restricted else [])
    rows = db.session.execute(select(*columns).where(ForumPost.topic_id == topic.id, ForumPost.id.in_(ids))).all()
    if not rows:
        return {}
    everyone = rows[0][2] if topic.restricted else audience(topic)
    return {row[0]: (row[1], max(everyone - 1, row[1])) for row in rows}


def readers(topic, post):
    """The names of those who read the post ([]: at most READERS_SHOWN, by name), and for a
    restricted topic the invited ones who have not (None for an open topic)."""
    base = (
        select(User.full_name, User.username)
        .join(ForumParticipant, ForumParticipant.user_id == User.id)
        .where(ForumParticipant.topic_id == topic.id, User.id != post.author_id)
        .order_by(User.full_name, User.id)
        .limit(READERS_SHOWN)
    )
    read = [row.full_name or row.username for row in db.session.execute(
        base.where(ForumParticipant.last_read_post_id >= post.id))]  # fmt: skip
    unread = None
    if topic.restricted:
        waiting = base.where(and_(ForumParticipant.last_read_post_id < post.id, ForumParticipant.invited.is_(True)))
        unread = [row.full_name or row.username for row in db.session.execute(waiting)]
    return read, unread
