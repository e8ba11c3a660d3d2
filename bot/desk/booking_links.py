"""One-time, expiring, signed links to cancel or move a booking (mailed to the client).

A link's token names what it may do (cancel | move), the booking's reference and when it
expires (the consultation's start), signed with Settings.secret_key (HMAC-SHA256). Creating a
link writes nothing, so mails can carry links without a database session; using one stores
the sha256 of the token (`booking_link_use`, primary key), so each link works once — the
insert and the change are one transaction, a lost race or a failed move leaves the link
unused. A link whose booking is cancelled or has started is dead whatever it says.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Booking, BookingLinkUse, ConsultationSlot, Ticket
from bot.desk import bookings
from bot.desk.contact import Confirmation, Contact

CANCEL, MOVE = "cancel", "move"
ACTIONS = (CANCEL, MOVE)
# Where the web app serves a link (bot/web/routes.py): PATH + token.
PATH = "/booking/"
# Anything else is refused before any decoding: tokens are short and URL-safe.
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{8,160}\.[A-Za-z0-9_-]{43}$")


class LinkProblem(Exception):
    """Why a link cannot be used: `reason` is "invalid" (malformed or tampered),
    "expired" (the consultation has started), "used", or "gone" (no live booking)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Claim:
    """What a valid token says."""

    action: str
    reference: str
    expires: datetime


@dataclass(frozen=True)
class LinkView:
    """What the link's page shows: the booking as it is now."""

    action: str
    reference: str
    start: datetime
    end: datetime
    mode: str
    contact: Contact

    @property
    def confirmation(self) -> Confirmation:
        return Confirmation(self.reference, self.start, self.end, self.contact, self.mode)


@dataclass(frozen=True)
class BookingLinks:
    cancel: str
    move: str


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _signature(secret: str, body: str) -> str:
    return _b64(hmac.new(secret.encode(), b"booking-link:" + body.encode(), hashlib.sha256).digest())


def make_token(secret: str, action: str, reference: str, expires: datetime) -> str:
    if action not in ACTIONS:
        raise ValueError(action)
    nonce = secrets.token_urlsafe(6)  # two links of one mail differ, and so do two mails
    body = _b64(f"{action}|{reference}|{int(expires.timestamp())}|{nonce}".encode())
    return f"{body}.{_signature(secret, body)}"


def read_token(secret: str, token: str) -> Claim:
    """The claim of a genuine token; LinkProblem("invalid") for anything else."""
    if not isinstance(token, str) or not _TOKEN.match(token):
        raise LinkProblem("invalid")
    body, signature = token.split(".")
    if not hmac.compare_digest(signature, _signature(secret, body)):
        raise LinkProblem("invalid")
    try:
        action, reference, expires, _nonce = _unb64(body).decode().split("|")
        return Claim(action, reference, datetime.fromtimestamp(int(expires), timezone.utc))
    except ValueError:  # signed by us, so only with a leaked key: still just invalid
        raise LinkProblem("invalid") from None


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def links_for(
    secret: str, public_url: str, confirmation: Confirmation
) -> BookingLinks | None:
    """Cancel and move links for a booked confirmation, valid until the consultation starts."""
    if confirmation.start is None:
        return None
    base = public_url.rstrip("/") + PATH

    def url(action: str) -> str:
        return base + make_token(secret, action, confirmation.reference, confirmation.start)

    return BookingLinks(cancel=url(CANCEL), move=url(MOVE))


async def _live(session: AsyncSession, reference: str, lock: bool):
    query = (
        select(Ticket, Booking, ConsultationSlot.mode)
        .join(Booking, Booking.ticket_id == Ticket.id)
        .join(ConsultationSlot, ConsultationSlot.id == Booking.slot_id)
        .where(Ticket.reference == reference)
    )
    return (await session.execute(query.with_for_update(of=Booking) if lock else query)).first()


async def open_link(
    session: AsyncSession, secret: str, token: str, now: datetime, *, lock: bool = False
) -> LinkView:
    """The booking a link is for, if the link can still be used (raises LinkProblem).
    Reads only: showing a link's page changes nothing."""
    claim = read_token(secret, token)
    if now >= claim.expires:
        raise LinkProblem("expired")
    if await session.get(BookingLinkUse, token_hash(token)) is not None:
        raise LinkProblem("used")
    row = await _live(session, claim.reference, lock)
    if row is None:
        raise LinkProblem("gone")
    ticket, booking, mode = row
    if booking.start <= now:
        raise LinkProblem("expired")
    return LinkView(claim.action, ticket.reference, booking.start, booking.end, mode,
                    Contact.of(ticket))


async def use_link(
    session: AsyncSession, secret: str, token: str, action: str, now: datetime,
    new_slot_id: int | None = None,
) -> Confirmation:
    """Cancel (THE cancel rule, bookings.cancel) or move (bookings.reschedule_by_client) the
    link's booking, and mark the link used, in the caller's transaction. Raises LinkProblem,
    or bookings.SlotTaken when the new slot went meanwhile (roll back: the link stays unused)."""
    view = await open_link(session, secret, token, now, lock=True)
    if view.action != action or (action == MOVE) != (new_slot_id is not None):
        raise LinkProblem("invalid")
    session.add(BookingLinkUse(token_hash=token_hash(token), reference=view.reference, used_at=now))
    try:
        await session.flush()
    except IntegrityError as error:  # the same link, used at the same moment elsewhere
        raise LinkProblem("used") from error
    email = view.contact.email or ""
    if action == CANCEL:
        return await bookings.cancel_by_client(session, view.reference, email, now)
    return await bookings.reschedule_by_client(session, view.reference, email, new_slot_id, now)


async def request_links(session: AsyncSession, email: str, now: datetime) -> list[Confirmation]:
    """Every live future booking of this address (case-insensitive), for the "send me my
    links" mail (bot.handoff.mail.mail_links): the chat answers the same whether or not this
    list is empty."""
    address = (email or "").strip().lower()
    if not address:
        return []
    rows = await session.execute(
        select(Ticket, Booking, ConsultationSlot.mode)
        .join(Booking, Booking.ticket_id == Ticket.id)
        .join(ConsultationSlot, ConsultationSlot.id == Booking.slot_id)
        .where(func.lower(Ticket.email) == address, Booking.start > now)
        .order_by(Booking.start)
    )
    return [Confirmation.of(ticket, booking, mode) for ticket, booking, mode in rows]



async def link_language(session: AsyncSession, secret: str, token: str) -> str | None:
    """The language of a genuine link's booking (for its page, even when it cannot be
    used any more); None for an invalid token."""
    try:
        claim = read_token(secret, token)
    except LinkProblem:
        return None
    return await session.scalar(select(Ticket.language).where(Ticket.reference == claim.reference))
