"""Free slots to offer for a typed time wish (the 1–3 closest, bot.desk.slot_choice) or, without
a wish, the next free ones; as buttons whose payload is the slot's local start (slot_key).
Shared by the dialogues that offer times (moving a booking; booking can use it too)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.desk.slot_choice import closest_slots
from bot.desk.slots import free_slots_between, has_more_free_slots, next_free_slots
from bot.desk.time_wish import TimeWish
from bot.handoff.dates import format_button, slot_key
from bot.handoff.labels import response_text

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
