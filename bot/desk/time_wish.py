"""A user's typed time wish for a consultation, as the desk reads it ("Dienstag vormittags",
"Dec 15 at 10:30", "as soon as possible"): which local days, which part of the day or clock time.

Days and times of day are Europe/Berlin wall time (what the user means); `earliest`, `latest`,
`exact` and `matches` work on UTC-aware datetimes like the slots in the database. Reading the
text is `bot.desk.time_parser.parse_time_wish`; choosing slots for a wish is `bot.desk.slot_choice`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

DESK_TZ = ZoneInfo("Europe/Berlin")
DAY_MINUTES = 24 * 60

# Parts of the day as the desk understands them: local minutes of the day, [from, to).
PARTS: dict[str, tuple[int, int]] = {
    "morning": (8 * 60, 12 * 60),
    "noon": (11 * 60, 14 * 60),
    "afternoon": (12 * 60, 18 * 60),
    "evening": (17 * 60, 22 * 60),
}


def local(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("naive datetime")
    return moment.astimezone(DESK_TZ)


def minute_of_day(moment: datetime) -> int:
    wall = local(moment)
    return wall.hour * 60 + wall.minute


def at_local(day: date, minutes: int) -> datetime:
    """UTC moment of `minutes` past local midnight of `day` (24:00 is the next midnight). A wall
    time skipped by the spring switch comes out an hour later, as zoneinfo resolves it."""
    if minutes >= DAY_MINUTES:
        day, minutes = day + timedelta(days=1), minutes - DAY_MINUTES
    wall = datetime.combine(day, time(minutes // 60, minutes % 60), DESK_TZ)
    return wall.astimezone(timezone.utc)


@dataclass(frozen=True)
class TimeWish:
    """`days`: first and last local day wished (None: any day from now on). `window`: local
    minutes of the day [from, to) from a part of the day or "after 4 pm" (`part` names the part
    when it came from one). `at`: a named clock time. `asap`: the earliest free time is wanted."""

    now: datetime
    days: tuple[date, date] | None = None
    window: tuple[int, int] | None = None
    at: time | None = None
    asap: bool = False
    part: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "now", local(self.now).astimezone(timezone.utc))

    @property
    def key(self) -> tuple:
        """What the wish says, without the clock it was read against (tests and benchmarks)."""
        return (self.days, self.window, self.at, self.asap)

    @property
    def _day_span(self) -> tuple[int, int]:
        if self.at is not None:
            minutes = self.at.hour * 60 + self.at.minute
            return minutes, minutes + 1
        return self.window or (0, DAY_MINUTES)

    @property
    def earliest(self) -> datetime:
        """UTC: the first moment the wish allows (never before `now`)."""
        if self.days is None:
            return self.now
        return max(self.now, at_local(self.days[0], self._day_span[0]))

    @property
    def latest(self) -> datetime | None:
        """UTC, exclusive: the end of what the wish allows; None when it names no day."""
        if self.days is None:
            return None
        return at_local(self.days[1], self._day_span[1])

    @property
    def exact(self) -> datetime | None:
        """UTC: the one moment wished, when the wish names a single day and a clock time."""
        if self.at is None or self.days is None or self.days[0] != self.days[1]:
            return None
        return at_local(self.days[0], self.at.hour * 60 + self.at.minute)

    def on_day(self, start: datetime) -> bool:
        """Whether `start` falls on a wished day (any day when the wish names none)."""
        return self.days is None or self.days[0] <= local(start).date() <= self.days[1]

    def in_hours(self, start: datetime) -> bool:
        """Whether `start`'s local time of day fits the clock time or window wished."""
        begin, end = self._day_span
        return begin <= minute_of_day(start) < end

    def matches(self, start: datetime) -> bool:
        """Whether a slot starting at `start` (aware) is what the user asked for."""
        return start > self.now and self.on_day(start) and self.in_hours(start)
