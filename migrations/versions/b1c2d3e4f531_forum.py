"""forum: branches (a tree with audiences and members), topics, posts with edits and photos, read
watermarks per (topic, person), and full-text search (PostgreSQL GIN expression indexes, SQLite FTS5)

Revision ID: b1c2d3e4f531
Revises: b1c2d3e4f533
Create Date: 2026-12-08 01:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "b1c2d3e4f531"
down_revision = "b1c2d3e4f533"
branch_labels = None
depends_on = None

# SQLite: one FTS5 table of topic titles (post_id 0) and post bodies, kept by triggers.
SQLITE_UP = [
    "CREATE VIRTUAL TABLE forum_search USING fts5(body, topic_id UNINDEXED, post_id UNINDEXED)",
    """CREATE TRIGGER forum_search_topic_insert AFTER INSERT ON forum_topics BEGIN
         INSERT INTO forum_search (body, topic_id, post_id) VALUES (NEW.title, NEW.id, 0); END""",
    """CREATE TRIGGER forum_search_topic_update AFTER UPDATE OF title ON forum_topics BEGIN
         DELETE FROM forum_search WHERE topic_id = OLD.id AND post_id = 0;
         INSERT INTO forum_search (body, topic_id, post_id) VALUES (NEW.title, NEW.id, 0); END""",
    """CREATE TRIGGER forum_search_topic_delete AFTER DELETE ON forum_topics BEGIN
         DELETE FROM forum_search WHERE topic_id = OLD.id; END""",
    """CREATE TRIGGER forum_search_post_insert AFTER INSERT ON forum_posts BEGIN
         INSERT INTO forum_search (body, topic_id, post_id) VALUES (NEW.body, NEW.topic_id, NEW.id); END""",
    """CREATE TRIGGER forum_search_post_update AFTER UPDATE OF body ON forum_posts BEGIN
         DELETE FROM forum_search WHERE post_id = OLD.id;
         INSERT INTO forum_search (body, topic_id, post_id) VALUES (NEW.body, NEW.topic_id, NEW.id); END""",
    """CREATE TRIGGER forum_search_post_delete AFTER DELETE ON forum_posts BEGIN
         DELETE FROM forum_search WHERE post_id = OLD.id; END""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS forum_search_post_delete",
    "DROP TRIGGER IF EXISTS forum_search_post_update",
    "DROP TRIGGER IF EXISTS forum_search_post_insert",
    "DROP TRIGGER IF EXISTS forum_search_topic_delete",
    "DROP TRIGGER IF EXISTS forum_search_topic_update",
    "DROP TRIGGER IF EXISTS forum_search_topic_insert",
    "DROP TABLE IF EXISTS forum_search",
]
POSTGRESQL_UP = [
    "CREATE INDEX ix_forum_topics_search ON forum_topics USING gin (to_tsvector('simple', title))",
    "CREATE INDEX ix_forum_posts_search ON forum_posts USING gin (to_tsvector('simple', body))",
]
POSTGRESQL_DOWN = ["DROP INDEX IF EXISTS ix_forum_posts_search", "DROP INDEX IF EXISTS ix_forum_topics_search"]


def _audit_columns():
    return [
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
    ]


def upgrade():
    op.create_table(
        "forum_branches",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("parent_id", sa.Integer(), sa.ForeignKey("forum_branches.id"), nullable=True),
        sa.Column("title", sa.String(length=160), nullable=False),
        sa.Column("description", sa.String(length=500), nullable=False),
        sa.Column("visibility", sa.String(length=20), nullable=False),
        *_audit_columns(),
    )
    op.create_index("ix_forum_branches_parent_id", "forum_branches", ["parent_id"])
    op.create_table(
        "forum_branch_audience",
        sa.Column("branch_id", sa.Integer(), sa.ForeignKey("forum_branches.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("kind", sa.String(length=20), primary_key=True),
        sa.Column("target_id", sa.Integer(), primary_key=True),
    )
    op.create_table(
        "forum_branch_members",
        sa.Column("branch_id", sa.Integer(), sa.ForeignKey("forum_branches.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"), primary_key=True),
    )
    op.create_index("ix_forum_branch_members_user", "forum_branch_members", ["user_id"])
    op.create_table(
        "forum_topics",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("branch_id", sa.Integer(), sa.ForeignKey("forum_branches.id"), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("author_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("restricted", sa.Boolean(), nullable=False),
        sa.Column("pinned", sa.Boolean(), nullable=False),
        sa.Column("closed", sa.Boolean(), nullable=False),
        sa.Column("last_post_id", sa.Integer(), nullable=False),
        sa.Column("last_post_at", sa.DateTime(), nullable=False),
        sa.Column("post_count", sa.Integer(), nullable=False),
        *_audit_columns(),
    )
    op.create_index("ix_forum_topics_branch_order", "forum_topics", ["branch_id", "pinned", "last_post_at", "id"])
    op.create_table(
        "forum_participants",
        sa.Column("topic_id", sa.Integer(), sa.ForeignKey("forum_topics.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"), primary_key=True),
        sa.Column("invited", sa.Boolean(), nullable=False),
        sa.Column("invited_by_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("last_read_post_id", sa.Integer(), nullable=False),
    )
    op.create_index("ix_forum_participants_read", "forum_participants", ["topic_id", "last_read_post_id"])
    op.create_index("ix_forum_participants_user", "forum_participants", ["user_id", "topic_id"])
    op.create_table(
        "forum_posts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("topic_id", sa.Integer(), sa.ForeignKey("forum_topics.id"), nullable=False),
        sa.Column("author_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("edited_at", sa.DateTime(), nullable=True),
    )
    op.create_index("ix_forum_posts_topic", "forum_posts", ["topic_id", "id"])
    op.create_table(
        "forum_post_edits",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("post_id", sa.Integer(), sa.ForeignKey("forum_posts.id", ondelete="CASCADE"), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("edited_at", sa.DateTime(), nullable=False),
        sa.Column("edited_by_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
    )
    op.create_index("ix_forum_post_edits_post", "forum_post_edits", ["post_id", "id"])
    op.create_table(
        "forum_photos",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("topic_id", sa.Integer(), sa.ForeignKey("forum_topics.id"), nullable=False),
        sa.Column("post_id", sa.Integer(), sa.ForeignKey("forum_posts.id"), nullable=False),
        sa.Column("file_id", sa.Integer(), sa.ForeignKey("stored_files.id"), nullable=False),
        sa.Column("thumb_file_id", sa.Integer(), sa.ForeignKey("stored_files.id"), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_forum_photos_post", "forum_photos", ["post_id"])
    dialect = op.get_bind().dialect.name
    for statement in POSTGRESQL_UP if dialect == "postgresql" else SQLITE_UP if dialect == "sqlite" else []:
        op.execute(statement)


def downgrade():
    dialect = op.get_bind().dialect.name
    for statement in POSTGRESQL_DOWN if dialect == "postgresql" else SQLITE_DOWN if dialect == "sqlite" else []:
        op.execute(statement)
    for table in ("forum_photos", "forum_post_edits", "forum_posts", "forum_participants", "forum_topics",
                  "forum_branch_members", "forum_branch_audience", "forum_branches"):  # fmt: skip
        op.drop_table(table)
