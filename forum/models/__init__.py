"""The models, importable from one place."""

from .article import Article, ArticleStatus, Tag, article_tags
from .base import Base, utcnow
from .login_session import LoginSession
from .moderation import Action, AuditEntry, Flag, FlagStatus, Reason, Setting
from .newsletter import NewsletterDelivery, NewsletterIssue, Subscriber, SubscriberStatus
from .notification import (
    EMAIL_KINDS,
    EmailChoice,
    EmailKind,
    EmailMode,
    Follow,
    Notification,
    NotificationKind,
)
from .thread import (
    Channel,
    Effect,
    Post,
    PostRevision,
    PostStatus,
    Stance,
    Thread,
    ThreadOrigin,
)
from .user import Role, User
from .vote import Vote

__all__ = [
    "EMAIL_KINDS",
    "EmailChoice",
    "EmailKind",
    "EmailMode",
    "Action",
    "AuditEntry",
    "Flag",
    "FlagStatus",
    "Follow",
    "LoginSession",
    "Notification",
    "NotificationKind",
    "NewsletterDelivery",
    "NewsletterIssue",
    "PostStatus",
    "Reason",
    "Setting",
    "Article",
    "ArticleStatus",
    "Base",
    "Channel",
    "Effect",
    "Post",
    "PostRevision",
    "Role",
    "Stance",
    "Subscriber",
    "SubscriberStatus",
    "Tag",
    "Thread",
    "ThreadOrigin",
    "User",
    "Vote",
    "article_tags",
    "utcnow",
]
