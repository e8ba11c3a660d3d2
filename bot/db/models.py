"""Typed models of the app database.

Invalid states are made impossible by constraints: one booking per slot (unique
`booking.slot_id`; a cancelled booking releases its slot by setting it to NULL),
unique ticket references, unique staff e-mails.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.db.base import Base, UTCDateTime, utcnow
from bot.desk.modes import DEFAULT_MODE, MODES
from bot.desk.ticket_status import OPEN, TICKET_STATUSES

INBOX_STATUSES = ("new", "confirmed", "relabelled", "out_of_scope", "discarded", "exported")
STAFF_ROLES = ("staff", "maintainer", "admin")
SENDERS = ("user", "bot")


def one_of(column: str, values: tuple[str, ...], name: str) -> CheckConstraint:
    """`column IN ('a', 'b')`: the allowed values are written once, in Python."""
    listed = ", ".join(f"'{value}'" for value in values)
    return CheckConstraint(f"{column} IN ({listed})", name=name)


class ConsultationSlot(Base):
    __tablename__ = "consultation_slot"
    __table_args__ = (
        UniqueConstraint("start", name="uq_consultation_slot_start"),
        CheckConstraint('"end" > start', name="slot_end_after_start"),
        one_of("mode", MODES, "slot_mode"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    start: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    end: Mapped[datetime] = mapped_column(UTCDateTime)
    # At the desk / by phone / by video (bot.desk.modes).
    mode: Mapped[str] = mapped_column(String(8), default=DEFAULT_MODE, server_default=DEFAULT_MODE)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    booking: Mapped[Booking | None] = relationship(back_populates="slot", lazy="raise")


class Ticket(Base):
    __tablename__ = "ticket"
    __table_args__ = (
        one_of("status", TICKET_STATUSES, "ticket_status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(16), unique=True)
    status: Mapped[str] = mapped_column(String(16), default=OPEN, index=True)
    language: Mapped[str] = mapped_column(String(2))
    topic: Mapped[str | None] = mapped_column(String(64), index=True)
    client_type: Mapped[str | None] = mapped_column(String(16))
    name: Mapped[str | None] = mapped_column(String(200))
    company: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320), index=True)
    consultation_language: Mapped[str | None] = mapped_column(String(2))
    conversation_id: Mapped[str | None] = mapped_column(String(255), index=True)
    callback_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    assigned_to_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    booking: Mapped[Booking | None] = relationship(back_populates="ticket", lazy="raise")
    transcript: Mapped[list[TranscriptEntry]] = relationship(
        back_populates="ticket", order_by="TranscriptEntry.position", lazy="raise"
    )
    notes: Mapped[list[TicketNote]] = relationship(
        back_populates="ticket", order_by="TicketNote.created_at", lazy="raise"
    )
    assigned_to: Mapped[StaffUser | None] = relationship(lazy="raise")


class Booking(Base):
    __tablename__ = "booking"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Unique: at most one live booking per slot. NULL once cancelled.
    slot_id: Mapped[int | None] = mapped_column(
        ForeignKey("consultation_slot.id", ondelete="RESTRICT"), unique=True
    )
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"), unique=True)
    start: Mapped[datetime] = mapped_column(UTCDateTime)
    end: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The reminder (bot.desk.reminders): claimed by one scheduler run at a time (a lease, so a
    # run that died mid-send is retried), then marked with the start it announced — a moved
    # booking is reminded of its new time.
    reminder_claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminded_start: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminder_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    slot: Mapped[ConsultationSlot | None] = relationship(back_populates="booking", lazy="raise")
    ticket: Mapped[Ticket] = relationship(back_populates="booking", lazy="raise")


class TranscriptEntry(Base):
    __tablename__ = "transcript_entry"
    __table_args__ = (
        UniqueConstraint("ticket_id", "position", name="uq_transcript_entry_ticket_position"),
        one_of("sender", SENDERS, "transcript_sender"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    sender: Mapped[str] = mapped_column(String(4))
    text: Mapped[str] = mapped_column(Text)
    timestamp: Mapped[datetime] = mapped_column(UTCDateTime)
    intent: Mapped[str | None] = mapped_column(String(64))
    confidence: Mapped[float | None] = mapped_column(Float)

    ticket: Mapped[Ticket] = relationship(back_populates="transcript", lazy="raise")


class StaffUser(Base):
    __tablename__ = "staff_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str | None] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16), default="staff")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class StaffSession(Base):
    __tablename__ = "staff_session"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 of the cookie token
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)

    user: Mapped[StaffUser] = relationship(lazy="raise")


class TicketNote(Base):
    __tablename__ = "ticket_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    ticket: Mapped[Ticket] = relationship(back_populates="notes", lazy="raise")
    author: Mapped[StaffUser | None] = relationship(lazy="raise")


class AuditLog(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL"), index=True
    )
    action: Mapped[str] = mapped_column(String(64))
    target: Mapped[str | None] = mapped_column(String(128))
    detail: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class InboxMessage(Base):
    """A real user question, PII-redacted; identical texts are grouped (`count`)."""

    __tablename__ = "inbox_message"
    __table_args__ = (UniqueConstraint("text_hash", name="uq_inbox_message_text_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    text_hash: Mapped[str] = mapped_column(String(64))
    count: Mapped[int] = mapped_column(Integer, default=1)
    language: Mapped[str | None] = mapped_column(String(2), index=True)
    intent: Mapped[str | None] = mapped_column(String(64), index=True)
    confidence: Mapped[float | None] = mapped_column(Float, index=True)
    ranking: Mapped[list | None] = mapped_column(JSON)
    conversation_id: Mapped[str | None] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(16), default="new", index=True)
    label: Mapped[str | None] = mapped_column(String(64))
    reviewed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL")
    )
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class BookingLinkUse(Base):
    """A used one-time cancel/move link (bot.desk.booking_links): the link itself is signed
    and stateless; only the sha256 of a used one is kept, so it works once."""

    __tablename__ = "booking_link_use"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    reference: Mapped[str] = mapped_column(String(16), index=True)
    used_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class IngestCursor(Base):
    """How far a source (e.g. Rasa's event broker table) has been read."""

    __tablename__ = "ingest_cursor"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


class IngestConversation(Base):
    """Ingestion's state of one conversation (bot/ingest/conversation.py), saved in the same
    transaction as the cursor, so after a restart it matches exactly where reading resumes."""

    __tablename__ = "ingest_conversation"

    conversation_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    language: Mapped[str | None] = mapped_column(String(2))
    requested_slot: Mapped[str | None] = mapped_column(String(64))
    active_loop: Mapped[str | None] = mapped_column(String(64))
    # The redacted message whose turn had not ended when the batch did.
    open_turn: Mapped[dict | None] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
