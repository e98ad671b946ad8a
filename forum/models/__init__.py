"""The models, importable from one place."""

from .article import Article, ArticleStatus, Tag, article_tags
from .base import Base, utcnow
from .thread import Channel, Effect, Post, PostRevision, Stance, Thread, ThreadOrigin
from .user import Role, User
from .vote import Vote

__all__ = [
    "Article",
    "ArticleStatus",
    "Base",
    "Channel",
    "Effect",
    "Post",
    "PostRevision",
    "Role",
    "Stance",
    "Tag",
    "Thread",
    "ThreadOrigin",
    "User",
    "Vote",
    "article_tags",
    "utcnow",
]
