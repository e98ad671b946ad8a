"""Declarative base, naming convention and UTC timestamps shared by every model."""

import enum
from datetime import UTC, datetime

from markupsafe import Markup
from sqlalchemy import DateTime, Enum, MetaData, Text
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, registry
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Stores UTC; hands back aware datetimes even where the database (SQLite) drops the zone."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        # PostgreSQL answers in its session's time zone, which need not be UTC.
        return value.astimezone(UTC)


class SafeHTML(TypeDecorator[Markup]):
    """HTML that went through the sanitiser: only Markup goes in, and Markup comes out."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Markup | None, dialect: Dialect) -> str | None:
        if value is not None and not isinstance(value, Markup):
            raise TypeError("SafeHTML takes Markup from forum.rendering, not a plain string")
        return None if value is None else str(value)

    def process_result_value(self, value: str | None, dialect: Dialect) -> Markup | None:
        # Only sanitised HTML is ever stored (see process_bind_param).
        return None if value is None else Markup(value)  # nosec B704


class Base(DeclarativeBase):
    # One registry object (not class attributes) so Flask-SQLAlchemy can copy the base.
    registry = registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime},
    )


def str_enum(cls: type[enum.StrEnum]) -> Enum:
    """A VARCHAR column holding the enum's values (portable; no native ENUM types)."""
    return Enum(cls, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e])


class DebateFigures:
    """Counts kept on a thread or article by the services, with atomic SQL updates."""

    agree_count: Mapped[int] = mapped_column(default=0)
    disagree_count: Mapped[int] = mapped_column(default=0)
    example_count: Mapped[int] = mapped_column(default=0)
    reply_count: Mapped[int] = mapped_column(default=0)
    last_activity_at: Mapped[datetime | None]
    # ranking.hot of the activity, stored so lists sort on an index.
    hot: Mapped[float] = mapped_column(default=0.0)

    @property
    def contribution_count(self) -> int:
        return self.agree_count + self.disagree_count + self.example_count
