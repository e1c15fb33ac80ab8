"""Forum topics with their kept counters (no COUNT per row), and one row per (topic, person): an
invited participant and/or a reader, with his read position as a watermark — the highest post id he
has seen — rather than a row per message."""

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import db
from models.base import Audited, utcnow


class ForumTopic(Audited, db.Model):
    __tablename__ = "forum_topics"
    __scope__ = "all"  # read only through services/forum/visibility.py
    __table_args__ = (
        # The branch page: pinned first, then by last activity, keyset-paged.
        sa.Index("ix_forum_topics_branch_order", "branch_id", "pinned", "last_post_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(sa.ForeignKey("forum_branches.id"), nullable=False)
    branch = relationship("ForumBranch", lazy="raise_on_sql")
    title: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), nullable=False)
    author = relationship("User", lazy="raise_on_sql", foreign_keys=[author_id])  # names: topics.names_of
    # Restricted: seen by its participants only (the author and who he invited); else by whoever sees the branch.
    restricted: Mapped[bool] = mapped_column(nullable=False, default=False)
    pinned: Mapped[bool] = mapped_column(nullable=False, default=False)
    closed: Mapped[bool] = mapped_column(nullable=False, default=False)
    last_post_id: Mapped[int] = mapped_column(nullable=False, default=0)
    last_post_at: Mapped[dt.datetime] = mapped_column(nullable=False, default=utcnow)
    post_count: Mapped[int] = mapped_column(nullable=False, default=0)

    def __str__(self):
        return self.title


class ForumParticipant(db.Model):
    __tablename__ = "forum_participants"
    __scope__ = "all"
    __table_args__ = (
        # "read by N": one indexed count of the watermarks at or above a post.
        sa.Index("ix_forum_participants_read", "topic_id", "last_read_post_id"),
        sa.Index("ix_forum_participants_user", "user_id", "topic_id"),
    )

    topic_id: Mapped[int] = mapped_column(sa.ForeignKey("forum_topics.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), primary_key=True)
    invited: Mapped[bool] = mapped_column(nullable=False, default=False)
    invited_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    last_read_post_id: Mapped[int] = mapped_column(nullable=False, default=0)
