"""Typed time wishes → `TimeWish`: the desk's rules (bot.desk.time_rules) first, then the parser
library (bot.desk.time_library) on what the rules left, the two readings merged.

    parse_time_wish("Dienstag vormittags", "de", now)  -> Tuesday, 08:00–12:00
    parse_time_wish("no idea", "en", now)               -> None

Any text is safe: empty, very long (a time wish is a short answer, so past MAX_CHARS it is no
wish), control characters and emoji give None or a wish, never an exception.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import date, datetime, timedelta

from bot.desk import time_library, time_rules
from bot.desk.time_wish import TimeWish, local

MAX_CHARS = 300

# A reader of one text: (text, language, now) -> its wish or None.
Backend = Callable[[str, str, datetime], TimeWish | None]

_SPACES = re.compile(r"\s+")
_WORD = re.compile(r"\w")


def clean(text: object) -> str | None:
    """`text` as the rules and the library read it: NFKC, lower case, without control, format
    and symbol characters (emoji), whitespace collapsed; None for a text no wish can be in."""
    if not isinstance(text, str) or len(text) > MAX_CHARS:
        return None
    kept = "".join(" " if unicodedata.category(c)[0] in "CZ" or unicodedata.category(c) == "So"
                   else c for c in unicodedata.normalize("NFKC", text))
    kept = _SPACES.sub(" ", kept).strip().lower()
    return kept if _WORD.search(kept) else None


def _into_week(day: date, week: tuple[date, date]) -> tuple[date, date]:
    """ "Tuesday next week": the library's Tuesday moved into the week the rules found."""
    monday = week[1] - timedelta(days=6)
    target = monday + timedelta(days=day.weekday())
    return (target, target) if week[0] <= target <= week[1] else week


def _merge(now: datetime, found: time_rules.Findings, base: TimeWish | None) -> TimeWish | None:
    days = found.days
    if base and base.days:
        if found.week and base.days[0] == base.days[1]:
            days = _into_week(base.days[0], found.days)
        elif days is None:
            days = base.days
    window = found.window or (base.window if base else None)
    part = found.part or (base.part if base and not found.window else None)
    at = found.at or (base.at if base else None)
    asap = found.asap or bool(base and base.asap)
    if not (days or window or at or asap):
        return None
    if found.deadline and days:
        days = (min(local(now).date(), days[0]), days[1])
    return TimeWish(now, days, window=window, at=at, asap=asap, part=part)


def parse_time_wish(text: object, language: str, now: datetime,
                    backend: Backend = time_library.read) -> TimeWish | None:
    """The time wish in `text` ("de" or "en"), read against `now` (aware), or None."""
    cleaned = clean(text)
    if cleaned is None:
        return None
    found = time_rules.find(cleaned, language, local(now).date())
    rest = _SPACES.sub(" ", found.rest).strip()
    base = backend(rest, language, now) if time_rules.grounded(rest) else None
    return _merge(now, found, base)
