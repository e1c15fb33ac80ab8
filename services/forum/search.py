"""Search over topic titles and post bodies, among the topics the person sees: PostgreSQL full-text
search ('simple' configuration, GIN expression indexes), SQLite FTS5 in embedded mode (a table kept
by triggers, migrations b1c2d3e4f531). At most RESULTS hits, newest first."""

import re

from sqlalchemy import func, literal, select, text, union_all

from extensions import db
from models.forum import ForumPost, ForumTopic
from services.forum import visibility
from services.platform import rich_text

RESULTS = 50
QUERY_MAX = 200
WORD_RE = re.compile(r"\w+", re.UNICODE)


def words(query):
    return WORD_RE.findall(str(query or "")[:QUERY_MAX])[:10]


def _postgresql_hits(user, found):
    query = func.plainto_tsquery("simple", " ".join(found))
    titles = select(ForumTopic.id.label("topic_id"), literal(0).label("post_id")).where(
        func.to_tsvector("simple", ForumTopic.title).op("@@")(query), visibility.topic_clause(user)
    )
    bodies = (
        select(ForumPost.topic_id, ForumPost.id.label("post_id"))
        .join(ForumTopic, ForumTopic.id == ForumPost.topic_id)
        .where(func.to_tsvector("simple", ForumPost.body).op("@@")(query), visibility.topic_clause(user))
    )  # fmt: skip
    hits = union_all(titles, bodies).subquery()
    return db.session.execute(
        select(hits.c.topic_id, hits.c.post_id).order_by(hits.c.post_id.desc(), hits.c.topic_id.desc()).limit(RESULTS)
    ).all()


def _sqlite_hits(user, found):
    match = " ".join('"' + word.replace('"', "") + '"' for word in found)
    fts = text("SELECT topic_id, post_id FROM forum_search WHERE forum_search MATCH :match").columns(
        ForumTopic.id.label("topic_id"), ForumPost.id.label("post_id")
    ).subquery()  # fmt: skip
    statement = (
        select(fts.c.topic_id, fts.c.post_id)
        .join(ForumTopic, ForumTopic.id == fts.c.topic_id)
        .where(visibility.topic_clause(user))
        .order_by(fts.c.post_id.desc(), fts.c.topic_id.desc())
        .limit(RESULTS)
    )
    return db.session.execute(statement, {"match": match}).all()


def search(user, query):
    """[(topic, post or None, snippet)] of the hits: the snippet is plain text (escaped when shown)."""
    found = words(query)
    if not found:
        return []
    dialect = db.session.get_bind().dialect.name
    hits = _postgresql_hits(user, found) if dialect == "postgresql" else _sqlite_hits(user, found)
    topics = {topic.id: topic for topic in db.session.scalars(
        select(ForumTopic).where(ForumTopic.id.in_({row.topic_id for row in hits})))}  # fmt: skip
    posts = {post.id: post for post in db.session.scalars(
        select(ForumPost).where(ForumPost.id.in_({row.post_id for row in hits if row.post_id})))}  # fmt: skip
    out = []
    for row in hits:
        topic, post = topics.get(row.topic_id), posts.get(row.post_id)
        if topic is None:
            continue
        out.append((topic, post, _snippet(post.body if post else topic.title, found)))
    return out


def _snippet(body, found, width=160):
    plain = rich_text.plain(body, limit=5000)
    lower = plain.lower()
    at = min((lower.find(word.lower()) for word in found if word.lower() in lower), default=0)
    start = max(at - width // 3, 0)
    piece = plain[start : start + width]
    return ("…" if start else "") + piece + ("…" if start + width < len(plain) else "")
