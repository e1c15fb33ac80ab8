"""Forum branches: a tree (any depth) with who may see each branch — everyone, an audience of
departments, positions and offices, or its invited members only. A sub-branch is seen only by who
sees its parent (services/forum/visibility.py)."""

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from extensions import db
from models.base import Audited

BRANCH_VISIBILITIES = ("all", "audience", "private")
AUDIENCE_KINDS = ("department", "position", "office")


class ForumBranch(Audited, db.Model):
    __tablename__ = "forum_branches"
    __scope__ = "all"  # read only through services/forum/visibility.py, which applies the branch rules

    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("forum_branches.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(160), nullable=False)
    description: Mapped[str] = mapped_column(sa.String(500), nullable=False, default="")
    visibility: Mapped[str] = mapped_column(sa.String(20), nullable=False, default="all")

    def __str__(self):
        return self.title


class ForumBranchAudience(db.Model):
    """One department, position or office that sees an `audience` branch."""

    __tablename__ = "forum_branch_audience"
    __scope__ = "all"

    branch_id: Mapped[int] = mapped_column(sa.ForeignKey("forum_branches.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    target_id: Mapped[int] = mapped_column(primary_key=True)


class ForumBranchMember(db.Model):
    """An invited member of a `private` branch."""

    __tablename__ = "forum_branch_members"
    __scope__ = "all"
    __table_args__ = (sa.Index("ix_forum_branch_members_user", "user_id"),)

    branch_id: Mapped[int] = mapped_column(sa.ForeignKey("forum_branches.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), primary_key=True)
