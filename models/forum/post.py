"""Forum posts (Markdown, rendered and sanitised when read), their earlier versions, and their
photos (each a re-encoded picture and its thumbnail, services/platform/uploads.py)."""

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import db
from models.base import utcnow

BODY_MAX = 20_000


class ForumPost(db.Model):
    __tablename__ = "forum_posts"
    __scope__ = "all"  # read only through its topic, services/forum/visibility.py
    __table_args__ = (sa.Index("ix_forum_posts_topic", "topic_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    topic_id: Mapped[int] = mapped_column(sa.ForeignKey("forum_topics.id"), nullable=False)
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), nullable=False)
    author = relationship("User", lazy="raise_on_sql", foreign_keys=[author_id])  # names: topics.names_of
    body: Mapped[str] = mapped_column(sa.Text, nullable=False)
    created_at: Mapped[dt.datetime] = mapped_column(nullable=False, default=utcnow)
    edited_at: Mapped[dt.datetime | None] = mapped_column()


class ForumPostEdit(db.Model):
    """The body a post had before one of its edits."""

    __tablename__ = "forum_post_edits"
    __scope__ = "all"
    __table_args__ = (sa.Index("ix_forum_post_edits_post", "post_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(sa.ForeignKey("forum_posts.id", ondelete="CASCADE"), nullable=False)
    body: Mapped[str] = mapped_column(sa.Text, nullable=False)
    edited_at: Mapped[dt.datetime] = mapped_column(nullable=False, default=utcnow)
    edited_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))


class ForumPhoto(db.Model):
    __tablename__ = "forum_photos"
    __scope__ = "all"  # served only after its topic's check
    __table_args__ = (sa.Index("ix_forum_photos_post", "post_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    topic_id: Mapped[int] = mapped_column(sa.ForeignKey("forum_topics.id"), nullable=False)
    post_id: Mapped[int] = mapped_column(sa.ForeignKey("forum_posts.id"), nullable=False)
    file_id: Mapped[int] = mapped_column(sa.ForeignKey("stored_files.id"), nullable=False)
    file = relationship("StoredFile", lazy="joined", foreign_keys=[file_id])
    thumb_file_id: Mapped[int] = mapped_column(sa.ForeignKey("stored_files.id"), nullable=False)
    thumb = relationship("StoredFile", lazy="joined", foreign_keys=[thumb_file_id])
    created_at: Mapped[dt.datetime] = mapped_column(nullable=False, default=utcnow)
