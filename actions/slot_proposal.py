"""Free slots to offer for a typed time wish (the 1–3 closest, bot.desk.slot_choice) or, without
a wish, the next free ones; as buttons whose payload is the slot's local start (slot_key).
Shared by the dialogues that offer times (booking, moving a booking): `offer` is the one way
both ask actions get their times, with the same page restart and the same database-error reply."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.desk.slot_choice import closest_slots
from bot.desk.slots import free_slots_between, has_more_free_slots, next_free_slots
from bot.desk.time_wish import TimeWish
from bot.handoff import service
from bot.handoff.dates import format_button, slot_key
from bot.handoff.labels import response_text

log = logging.getLogger(__name__)

# How far around a wish free slots are looked for (the desk publishes a few weeks ahead).
SEARCH_DAYS = 90


@dataclass(frozen=True)
class Proposal:
    """`starts`, best first; `matched`: some fit the wish (False: only the nearest
    alternatives); `more`: later pages exist (only without a wish)."""

    starts: tuple[datetime, ...]
    matched: bool = True
    more: bool = False


async def propose(
    session: AsyncSession, wish: TimeWish | None, now: datetime, page: int = 0,
    mode: str | None = None,
) -> Proposal:
    if wish is None:
        slots = await next_free_slots(session, now, page=page, mode=mode)
        more = await has_more_free_slots(session, now, page=page, mode=mode)
        return Proposal(tuple(s.start for s in slots), more=more)
    last = max(now, wish.latest or now) + timedelta(days=SEARCH_DAYS)
    candidates = await free_slots_between(session, now, now, last, mode, limit=1000)
    choice = closest_slots(wish, [c.start for c in candidates])
    return Proposal(choice.starts, choice.matched)


@dataclass(frozen=True)
class Offer:
    """What an ask action shows: the proposal, the page it is (0 again after the last page),
    and whether the wished mode had nothing free (the proposal then holds any mode)."""

    proposal: Proposal
    page: int = 0
    mode_missing: bool = False


async def offer(
    sessionmaker: async_sessionmaker, wish: TimeWish | None, now: datetime, page: int,
    mode: str | None, dispatcher: CollectingDispatcher, tracker: Tracker,
) -> Offer | None:
    """The times to show; None after telling the user to try again (database unavailable)."""
    try:
        async with sessionmaker() as session:
            proposal = await propose(session, wish, now, page, mode)
            if not proposal.starts and page:  # after the last page, start again
                page, proposal = 0, await propose(session, wish, now, 0, mode)
            if not proposal.starts and mode:  # nothing in the wished mode: any mode
                return Offer(await propose(session, wish, now, page), page, mode_missing=True)
    except service.DATABASE_ERRORS:
        log.warning("database unavailable while listing slots",
                    extra={"conversation": tracker.sender_id})
        dispatcher.utter_message(response="utter_handoff_try_again")
        return None
    return Offer(proposal, page)


def slot_buttons(
    starts: tuple[datetime, ...], language: str, tz: str, domain: dict | None = None,
    *, later: bool = False,
) -> list[dict]:
    """One button per proposed time; with `later`, the "later dates" button (payload "later")."""
    buttons = [{"title": format_button(start, language, tz), "payload": slot_key(start, tz)}
               for start in starts]
    if later:
        title = response_text(domain or {}, "utter_handoff_later_dates_button", language)
        buttons.append({"title": title or "…", "payload": "later"})
    return buttons
