"""Slot times for people: in the desk's time zone (Europe/Berlin), worded per language.

de: "Dienstag, 8. Dezember 2026, 10:00 Uhr"   en: "Tuesday, 8 December 2026, 10:00"
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.desk.languages import choose

DESK_TZ = "Europe/Berlin"

_DAYS = {
    "de": ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
_MONTHS = {
    "de": ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September",
           "Oktober", "November", "Dezember"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"),
}


def _local(moment: datetime, tz: str) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("naive datetime")
    return moment.astimezone(ZoneInfo(tz))


def format_datetime(moment: datetime, language: str | None, tz: str = DESK_TZ) -> str:
    local, lang = _local(moment, tz), choose(language)
    day, month = _DAYS[lang][local.weekday()], _MONTHS[lang][local.month - 1]
    if lang == "de":
        return f"{day}, {local.day}. {month} {local.year}, {local:%H:%M} Uhr"
    return f"{day}, {local.day} {month} {local.year}, {local:%H:%M}"


def format_button(moment: datetime, language: str | None, tz: str = DESK_TZ) -> str:
    """Short label for a slot button: "Di., 8.12., 10:00" / "Tue 8 Dec, 10:00"."""
    local, lang = _local(moment, tz), choose(language)
    day = _DAYS[lang][local.weekday()]
    if lang == "de":
        return f"{day[:2]}., {local.day}.{local.month}., {local:%H:%M}"
    return f"{day[:3]} {local.day} {_MONTHS[lang][local.month - 1][:3]}, {local:%H:%M}"


def slot_key(moment: datetime, tz: str = DESK_TZ) -> str:
    """The button payload of a slot: its local start, readable in transcripts."""
    return f"{_local(moment, tz):%Y-%m-%d %H:%M}"


def parse_slot_key(text: str, tz: str = DESK_TZ) -> datetime | None:
    try:
        local = datetime.strptime((text or "").strip(), "%Y-%m-%d %H:%M")
    except ValueError:
        return None
    return local.replace(tzinfo=ZoneInfo(tz))
