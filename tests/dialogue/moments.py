"""Days and times of a conversation's setup, relative to the day the suite runs.

A conversation names its slots (`a`, `tue_am`, …) with a day spec and a local time
(Europe/Berlin). User texts and expected texts refer to them by placeholders, so a
conversation written on a Wednesday still reads right on a Friday:

  user text   "{a.weekday}"  Dienstag / Tuesday     "{a.ddmm}"  15.12.      "{a.day}" 15
              "{a.month}"    Dezember / December    "{a.time}"  10:00       "{a.mon}" Dec
              "{a.hour}"     10                     "{a.key}"   2026-12-15 10:00 (a slot button)
  regex       "{a.when}"  weekday + date in either word order     "{a.clock}"  10:00 / 10 Uhr / 10 am
  both        "{booking.reference}"  the reference of the setup booking

Day specs: "+N" (N days from today), "workday+N" (the Nth Monday-to-Friday day after today),
"weekday:tue" (the first Tuesday 1–7 days ahead), "next_week:tue" (Tuesday of next week);
both take a "+N" days suffix ("weekday:tue+7": the Tuesday after the coming one).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

DESK_TZ = ZoneInfo("Europe/Berlin")
WEEKDAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
DAY_NAMES = {
    "de": ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
MONTH_NAMES = {
    "de": ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September",
           "Oktober", "November", "Dezember"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"),
}
_PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)\.([a-z_]+)\}")


def resolve_day(spec: str, today: date) -> date:
    spec = spec.strip()
    if m := re.fullmatch(r"\+(\d+)", spec):
        return today + timedelta(days=int(m.group(1)))
    if m := re.fullmatch(r"workday\+(\d+)", spec):
        day, left = today, int(m.group(1))
        while left:
            day += timedelta(days=1)
            left -= day.weekday() < 5
        return day
    if m := re.fullmatch(r"(weekday|next_week):(\w{3})(?:\+(\d+))?", spec):
        later = timedelta(days=int(m.group(3) or 0))
        if m.group(1) == "weekday":
            ahead = (WEEKDAYS[m.group(2)] - today.weekday()) % 7 or 7
            return today + timedelta(days=ahead) + later
        monday = today - timedelta(days=today.weekday()) + timedelta(days=7)
        return monday + timedelta(days=WEEKDAYS[m.group(2)]) + later
    raise ValueError(f"unknown day spec {spec!r}")


def local_start(day_spec: str, at: str, today: date) -> datetime:
    hour, minute = (int(part) for part in at.split(":"))
    return datetime.combine(resolve_day(day_spec, today), time(hour, minute), DESK_TZ)


def _when_regex(moment: datetime, language: str) -> str:
    """Weekday and date as a person reads them, in either order and with or without the year."""
    day = DAY_NAMES[language][moment.weekday()]
    month = MONTH_NAMES[language][moment.month - 1]
    short = re.escape(month[:3])
    number = rf"{moment.day}\.?"
    dated = (rf"(?:{number}\s*(?:{month}|{short}\.?)|(?:{month}|{short}\.?)\s*{moment.day}\b"
             rf"|{moment.day}\.{moment.month}\.)")
    return rf"{day[:2]}\w*\.?,?\s*(?:den\s+|the\s+)?{dated}"


def _clock_regex(moment: datetime) -> str:
    hour, minute = moment.hour, moment.minute
    hh = f"0?{hour}"
    exact = rf"{hh}[:.]{minute:02d}"
    if minute:
        return rf"\b(?:{exact}|{hour % 12 or 12}[:.]{minute:02d}\s*(?:am|pm|a\.m\.|p\.m\.))"
    twelve = hour % 12 or 12
    return rf"\b(?:{exact}|{hh}\s*Uhr|{twelve}(?::00)?\s*(?:am|pm|a\.m\.|p\.m\.))"


@dataclass(frozen=True)
class Moment:
    """One named slot start, seen in a conversation's language."""

    start: datetime  # aware, Europe/Berlin
    language: str

    def text(self, field: str) -> str:
        s, lang = self.start, self.language
        values = {
            "weekday": DAY_NAMES[lang][s.weekday()],
            "ddmm": f"{s.day}.{s.month}.",
            "day": str(s.day),
            "month": MONTH_NAMES[lang][s.month - 1],
            "mon": MONTH_NAMES[lang][s.month - 1][:3],
            "time": f"{s:%H:%M}",
            "hour": str(s.hour),
            "key": f"{s:%Y-%m-%d %H:%M}",  # what a slot button sends
        }
        return values[field]

    def regex(self, field: str) -> str:
        if field == "when":
            return _when_regex(self.start, self.language)
        if field == "clock":
            return _clock_regex(self.start)
        return re.escape(self.text(field))


def fill(template: str, moments: dict[str, Moment], values: dict[str, str], *, regex: bool) -> str:
    """Replaces the placeholders; `values` holds plain ones like booking.reference."""

    def one(match: re.Match) -> str:
        name, field = match.group(1), match.group(2)
        if name in moments:
            moment = moments[name]
            return moment.regex(field) if regex else moment.text(field)
        key = f"{name}.{field}"
        if key in values:
            return re.escape(values[key]) if regex else values[key]
        raise KeyError(f"unknown placeholder {{{key}}}")

    return _PLACEHOLDER.sub(one, template)
