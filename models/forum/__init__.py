"""The forum: a tree of branches, topics in them, posts in Markdown with photos, and each person's
read position per topic."""

from models.forum.branch import AUDIENCE_KINDS, BRANCH_VISIBILITIES, ForumBranch, ForumBranchAudience, ForumBranchMember
from models.forum.post import ForumPhoto, ForumPost, ForumPostEdit
from models.forum.topic import ForumParticipant, ForumTopic

__all__ = [
    "AUDIENCE_KINDS",
    "BRANCH_VISIBILITIES",
    "ForumBranch",
    "ForumBranchAudience",
    "ForumBranchMember",
    "ForumParticipant",
    "ForumPhoto",
    "ForumPost",
    "ForumPostEdit",
    "ForumTopic",
]
