"""The parser library under the desk's own rules: ctparse (German and English, resolves into the
future, ships its model in the wheel: nothing is downloaded). Chosen by measurement against
dateparser and recognizers-text: `python -m bot.bench time_parsers`.

`read` turns ctparse's reading of a text into a TimeWish, without rules of the desk's own.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, time

import ctparse
from ctparse.types import Interval, Time

from bot.desk.time_wish import DAY_MINUTES, PARTS, TimeWish, local

# ctparse warns on every text without a time ("Failed to produce result"): most chat messages.
logging.getLogger("ctparse").setLevel(logging.ERROR)

TIMEOUT_SECONDS = 0.5

# ctparse's parts of the day (with "early"/"late"/"very" prefixes) onto the desk's four.
_PART_NAMES = {"morning": "morning", "forenoon": "morning", "noon": "noon",
               "afternoon": "afternoon", "evening": "evening", "night": "evening"}


def _part(pod: str | None) -> str | None:
    if not pod:
        return None
    for name, part in sorted(_PART_NAMES.items(), key=lambda item: -len(item[0])):
        if pod.endswith(name):  # longest first: "afternoon" is not "noon"
            return part
    return None


def _day(moment: Time) -> date | None:
    return date(moment.year, moment.month, moment.day) if moment.hasDate else None


def _minutes(moment: Time | None, default: int) -> int:
    if moment is None or moment.hour is None:
        return default
    return moment.hour * 60 + (moment.minute or 0)


def _from_time(now: datetime, moment: Time) -> TimeWish | None:
    if moment.POD in ("first", "earliest"):
        return TimeWish(now, asap=True)
    day, part = _day(moment), _part(moment.POD)
    days = (day, day) if day else None
    if moment.hour is not None:
        return TimeWish(now, days, at=time(moment.hour, moment.minute or 0))
    if part:
        return TimeWish(now, days, window=PARTS[part], part=part)
    return TimeWish(now, days) if days else None


def _from_interval(now: datetime, span: Interval) -> TimeWish | None:
    start, end = span.t_from, span.t_to
    first = _day(start) if start else None
    last = _day(end) if end else None
    days = (first or last, last or first) if first or last else None
    window = (_minutes(start, 0), _minutes(end, DAY_MINUTES))
    if window == (0, DAY_MINUTES):
        return TimeWish(now, days) if days else None
    if days and days[0] != days[1]:  # "from Monday 10:00 to Wednesday": the days are the wish
        window = None
    return TimeWish(now, days, window=window)


def read(text: str, language: str, now: datetime) -> TimeWish | None:
    """ctparse's reading of `text` against `now` (aware); `language` is not needed by ctparse."""
    wall = local(now).replace(tzinfo=None)
    parsed = ctparse.ctparse(text, ts=wall, timeout=TIMEOUT_SECONDS, latent_time=False)
    resolution = parsed.resolution if parsed else None
    if isinstance(resolution, Time):
        return _from_time(now, resolution)
    if isinstance(resolution, Interval):
        return _from_interval(now, resolution)
    return None  # a Duration ("two weeks") is no time
