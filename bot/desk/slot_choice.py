"""Which free slots to propose for a time wish: the 1–3 closest to it.

Order: slots that fit the wish (its day(s) and part of the day or clock time; nearest the clock
time first, else earliest); then other times on the wished day(s), nearest in time of day; then
days after the wish, nearest day first (on each, the wished hours first); only then days before
it: people name the first day they can. An "as soon as possible" wish fits any time, so it takes
the earliest slots (within its days or hours, if it names some).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from bot.desk.time_wish import TimeWish, local, minute_of_day

LIMIT = 3


@dataclass(frozen=True)
class SlotChoice:
    """`starts`: what to propose, best first. The first `fitting` of them fit the wish; none
    (`matched` False) means only alternatives are offered, which the reply should say."""

    starts: tuple[datetime, ...]
    fitting: int

    @property
    def matched(self) -> bool:
        return self.fitting > 0


def _hours_off(wish: TimeWish, start: datetime) -> int:
    """Minutes between `start`'s time of day and the wished clock time or window."""
    minute = minute_of_day(start)
    if wish.at is not None:
        return abs(minute - (wish.at.hour * 60 + wish.at.minute))
    begin, end = wish.window or (0, 24 * 60)
    if minute < begin:
        return begin - minute
    return max(0, minute - end + 1)


def _rank(wish: TimeWish, start: datetime) -> tuple:
    off = _hours_off(wish, start)
    if wish.matches(start):
        return (0, off, start)
    if wish.days is not None and wish.on_day(start):
        return (1, off, start)
    day = local(start).date()
    if wish.days is None:  # any day: the nearest day first, then the nearest hours
        return (2, (day - local(wish.now).date()).days, off, start)
    if day > wish.days[1]:
        return (2, (day - wish.days[1]).days, off, start)
    return (3, (wish.days[0] - day).days, off, -start.timestamp())


def closest_slots(wish: TimeWish, starts: Iterable[datetime], limit: int = LIMIT) -> SlotChoice:
    """The best `limit` of the free slot `starts` (UTC-aware) for `wish`; past ones are left out."""
    future = [start for start in starts if start > wish.now]
    chosen = sorted(future, key=lambda start: _rank(wish, start))[:limit]
    fitting = sum(1 for start in chosen if wish.matches(start))
    return SlotChoice(tuple(chosen), fitting)
