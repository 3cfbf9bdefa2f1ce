"""Tables of the gateway store (SQLAlchemy 2; schema changes go through Alembic in migrations/)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Optional

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint, and_
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.sql.elements import ColumnElement


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def utc(moment: Optional[dt.datetime]) -> Optional[dt.datetime]:
    """A stored time as an aware UTC time (SQLite hands back naive ones even for timezone columns)."""
    return moment.replace(tzinfo=dt.timezone.utc) if moment is not None and moment.tzinfo is None else moment


def new_id() -> str:
    return uuid.uuid4().hex


class Base(DeclarativeBase):
    type_annotation_map = {dt.datetime: DateTime(timezone=True), dict[str, Any]: JSON}


class Worker(Base):
    """One person on one channel. `id` is a pseudonym: it is what the engine and the logs see."""

    __tablename__ = "workers"
    __table_args__ = (UniqueConstraint("channel", "channel_user_id"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    channel: Mapped[str] = mapped_column(String(16))
    channel_user_id: Mapped[str] = mapped_column(String(128))
    language: Mapped[Optional[str]] = mapped_column(String(16))
    mode: Mapped[str] = mapped_column(String(16), default="bot")  # bot, or waiting/assigned (handoff)
    consent: Mapped[Optional[str]] = mapped_column(String(16))  # None, asked, given, declined
    erase_requested: Mapped[bool] = mapped_column(default=False)  # erased once the confirmation is delivered
    slowed_down_at: Mapped[Optional[dt.datetime]] = mapped_column()  # the last "you are sending fast" notice
    created_at: Mapped[dt.datetime] = mapped_column(default=now)
    last_seen_at: Mapped[dt.datetime] = mapped_column(default=now)
    owner: Mapped[Optional[str]] = mapped_column(String(36))  # the gateway process handling their messages


class GatewayProcess(Base):
    """A running gateway process; it owns the workers it is handling while its heartbeat is fresh."""

    __tablename__ = "gateway_processes"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    started_at: Mapped[dt.datetime] = mapped_column(default=now)
    seen_at: Mapped[dt.datetime] = mapped_column(default=now, index=True)


class Event(Base):
    """A platform event, stored before the webhook is acknowledged: the durable inbox.

    (channel, key) is the platform's own id (LINE webhookEventId, Telegram update_id), so a
    redelivered event is dropped by the unique constraint.
    """

    __tablename__ = "events"
    __table_args__ = (
        UniqueConstraint("channel", "key"),
        Index("ix_events_pending", "status", "id"),
        {"sqlite_autoincrement": True},  # ids are never reused, even after an erasure
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    channel: Mapped[str] = mapped_column(String(16))
    key: Mapped[str] = mapped_column(String(64))
    worker_id: Mapped[str] = mapped_column(ForeignKey("workers.id", ondelete="CASCADE"), index=True)
    inbound: Mapped[dict[str, Any]] = mapped_column()  # bot.inbound.Inbound as a dict
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending, done
    attempts: Mapped[int] = mapped_column(default=0)
    reply_token_used: Mapped[bool] = mapped_column(default=False)  # by the "one moment" note: the answer pushes
    waiting_note_sent: Mapped[bool] = mapped_column(default=False)  # "one moment" while the engine is down
    received_at: Mapped[dt.datetime] = mapped_column(default=now)
    processed_at: Mapped[Optional[dt.datetime]] = mapped_column()

    @classmethod
    def pending_of(cls, worker: Any) -> ColumnElement[bool]:
        """The worker's events not answered yet (`worker`: an id, or a column to correlate with)."""
        return and_(cls.worker_id == worker, cls.status == "pending")


class Outgoing(Base):
    """A reply to send, written in the same transaction that finishes its event: the outbox."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_pending", "sent_at", "id"), {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    worker_id: Mapped[str] = mapped_column(ForeignKey("workers.id", ondelete="CASCADE"), index=True)
    event_id: Mapped[Optional[int]] = mapped_column(ForeignKey("events.id", ondelete="SET NULL"))
    messages: Mapped[dict[str, Any]] = mapped_column()  # {"replies": [bot.replies.Reply as dict]}
    reply_token: Mapped[Optional[str]] = mapped_column(String(256))  # LINE: used once, if still valid
    reply_token_expires: Mapped[Optional[float]] = mapped_column()
    to: Mapped[Optional[str]] = mapped_column(String(128))  # a group chat instead of the worker
    retry_key: Mapped[str] = mapped_column(String(36), default=lambda: str(uuid.uuid4()))
    sent_count: Mapped[int] = mapped_column(default=0)  # replies already delivered, so a retry never repeats one
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[dt.datetime] = mapped_column(default=now)
    sent_at: Mapped[Optional[dt.datetime]] = mapped_column()

    @classmethod
    def unsent_of(cls, worker: Any) -> ColumnElement[bool]:
        """The worker's rows not (all) delivered yet."""
        return and_(cls.worker_id == worker, cls.sent_at.is_(None))


class LogEntry(Base):
    """The conversation as counselors will read it."""

    __tablename__ = "message_log"
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    worker_id: Mapped[str] = mapped_column(ForeignKey("workers.id", ondelete="CASCADE"), index=True)
    direction: Mapped[str] = mapped_column(String(8))  # in, out
    author: Mapped[str] = mapped_column(String(16))  # worker, bot, counselor, gateway
    kind: Mapped[str] = mapped_column(String(16))  # text, sticker, image, ...
    text: Mapped[Optional[str]] = mapped_column(Text)
    language: Mapped[Optional[str]] = mapped_column(String(16))
    created_at: Mapped[dt.datetime] = mapped_column(default=now)


class Counselor(Base):
    """A person who answers workers in the console. Coordinators also manage accounts and office hours."""

    __tablename__ = "counselors"
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(128))
    password_hash: Mapped[str] = mapped_column(String(256))  # argon2id
    role: Mapped[str] = mapped_column(String(16), default="counselor")  # counselor, coordinator
    languages: Mapped[dict[str, Any]] = mapped_column(default=dict)  # {"codes": ["vi", "en"]}
    specialties: Mapped[dict[str, Any]] = mapped_column(default=dict)  # {"names": ["labour", "health"]}
    active: Mapped[bool] = mapped_column(default=True)
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[Optional[dt.datetime]] = mapped_column()
    created_at: Mapped[dt.datetime] = mapped_column(default=now)


class Handoff(Base):
    """One time a person took over a worker's conversation: waiting -> assigned -> resolved."""

    __tablename__ = "handoffs"
    __table_args__ = (Index("ix_handoffs_open", "state", "priority", "created_at"), {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    worker_id: Mapped[str] = mapped_column(ForeignKey("workers.id", ondelete="CASCADE"), index=True)
    state: Mapped[str] = mapped_column(String(16))  # waiting, assigned, resolved
    priority: Mapped[str] = mapped_column(String(16))  # urgent, normal
    reason: Mapped[str] = mapped_column(String(32))
    topic: Mapped[Optional[str]] = mapped_column(String(64))
    language: Mapped[Optional[str]] = mapped_column(String(16))  # the worker's, when it was requested
    specialty: Mapped[Optional[str]] = mapped_column(String(32))  # wanted after a transfer to a specialty
    counselor_id: Mapped[Optional[int]] = mapped_column(ForeignKey("counselors.id", ondelete="SET NULL"))
    note: Mapped[Optional[str]] = mapped_column(Text)  # the resolution note
    created_at: Mapped[dt.datetime] = mapped_column(default=now)
    last_activity_at: Mapped[dt.datetime] = mapped_column(default=now)
    resolved_at: Mapped[Optional[dt.datetime]] = mapped_column()


class Transition(Base):
    """Every change of a handoff's state, with its time and who made it."""

    __tablename__ = "handoff_transitions"
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    handoff_id: Mapped[int] = mapped_column(ForeignKey("handoffs.id", ondelete="CASCADE"), index=True)
    from_state: Mapped[str] = mapped_column(String(16))
    to_state: Mapped[str] = mapped_column(String(16))
    actor: Mapped[str] = mapped_column(String(64))  # worker, engine, system, counselor:<id>
    detail: Mapped[Optional[str]] = mapped_column(Text)
    at: Mapped[dt.datetime] = mapped_column(default=now)


class PrivateNote(Base):
    """A counselor's note on a worker, never shown to the worker."""

    __tablename__ = "private_notes"
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    worker_id: Mapped[str] = mapped_column(ForeignKey("workers.id", ondelete="CASCADE"), index=True)
    counselor_id: Mapped[Optional[int]] = mapped_column(ForeignKey("counselors.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=now)


class AuditEntry(Base):
    """Every view of a transcript and every console action (kept with its own retention period)."""

    __tablename__ = "audit_log"
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    counselor_id: Mapped[Optional[int]] = mapped_column()  # no foreign key: the record outlives the account
    action: Mapped[str] = mapped_column(String(64))
    target: Mapped[Optional[str]] = mapped_column(String(64))
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)
    at: Mapped[dt.datetime] = mapped_column(default=now, index=True)


class OfficeHours(Base):
    """When counselors answer, per weekday (0 = Monday), in Asia/Tokyo."""

    __tablename__ = "office_hours"

    weekday: Mapped[int] = mapped_column(Integer, primary_key=True)
    opens: Mapped[str] = mapped_column(String(5))  # "09:00"
    closes: Mapped[str] = mapped_column(String(5))  # "17:00"
