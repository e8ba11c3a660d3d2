"""The chat's steps that write: each is one transaction owned here, over the desk's rules.

Database errors (server gone, connection refused) propagate as `SQLAlchemyError` /
`OSError`; the transaction is rolled back, so nothing is half-written.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.desk import bookings, tickets
from bot.desk.bookings import SlotTaken
from bot.desk.contact import Confirmation, Contact
from bot.desk.tickets import Line

Sessionmaker = async_sessionmaker[AsyncSession]
# What "the database is unavailable" looks like to the caller.
DATABASE_ERRORS = (SQLAlchemyError, OSError, asyncio.TimeoutError)


async def submit(
    sm: Sessionmaker, contact: Contact, transcript: Sequence[Line], now: datetime,
    slot_id: int | None,
) -> Confirmation | None:
    """Ticket (+ booking of `slot_id`, or a call-back request when None) in one transaction;
    None when the slot was taken meanwhile (nothing is stored)."""
    try:
        async with sm() as session, session.begin():
            return await tickets.create_ticket(session, contact, transcript, now, slot_id=slot_id)
    except SlotTaken:
        return None


async def cancel(sm: Sessionmaker, reference: str, email: str, now: datetime) -> Confirmation:
    """Committed when it returns: the caller mails the client afterwards."""
    async with sm() as session, session.begin():
        return await bookings.cancel_by_client(session, reference, email, now)


async def reschedule(
    sm: Sessionmaker, reference: str, email: str, slot_id: int, now: datetime
) -> Confirmation | None:
    """None when the new slot was taken meanwhile (the booking stays where it was)."""
    try:
        async with sm() as session, session.begin():
            return await bookings.reschedule_by_client(session, reference, email, slot_id, now)
    except SlotTaken:
        return None


async def find(sm: Sessionmaker, reference: str, email: str) -> Confirmation:
    async with sm() as session:
        return await bookings.find_live_booking(session, reference, email)
