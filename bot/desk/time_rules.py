"""The desk's own rules for time wishes, for what the parser library misses (measured in
bot/bench/time_parsers.py): "as soon as possible / egal wann", parts of the day as the desk
means them, hours windows ("after 4 pm", "zwischen 10 und 12"), "in N days / weeks", "next
week / this week" as a span of days, and greetings that only look like times ("Guten Morgen").

Each rule finds its phrase in the cleaned, lower-case text and blanks it out, so the library
reads only the rest ("Montag ab 16 Uhr": the rule takes "ab 16 Uhr", the library "Montag").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, time, timedelta

from bot.desk.time_wish import DAY_MINUTES, PARTS

# Before 8 the desk is closed: a bare "ab 4", "between 2 and 4" are afternoon hours ("ab 7 Uhr",
# "after 7 am" say which hour they mean).
OPENING_HOUR = 8

_GREETING = re.compile(r"\b(?:guten\s+morgen|good\s+morning|morning\s*[,!])")

_ASAP = re.compile(
    r"\bso\s+(?:bald|früh|schnell)\s+wie\s+(?:möglich|es\s+geht)"
    r"|\bmöglichst\s+(?:bald|früh|schnell)"
    r"|\b(?:schnellst|frühest|baldigst)möglich|\bbaldmöglichst|\begal\s+wann|\bjederzeit"
    r"|\bwann\s+(?:immer\s+)?es\s+(?:ihnen\s+)?passt|\b(?:nächste|erste)[nr]?\s+freie[nr]?\s+termin"
    r"|\bas\s+(?:soon|early)\s+as\s+(?:possible|you\s+can)|\ba\.?s\.?a\.?p\b|\bany\s*time\b"
    r"|\bwhenever\b|\b(?:earliest|soonest)\b|\b(?:first|next)\s+(?:available|free|possible)\b"
    r"|\b(?:ist\s+)?(?:mir\s+)?egal\b|(?<!bis\s)\bbald\b|(?<!see\syou\s)\bsoon\b"
    r"|\b(?:i\s+)?don'?t\s+mind\b|\bdoesn'?t\s+matter\b|\bno\s+preference\b"
)

# German "am" is "on", so "4 am" is English only.
_SUFFIX = {"de": r"uhr\b|h\b|pm\b|p\.m\.", "en": r"uhr\b|h\b|am\b|pm\b|a\.m\.|p\.m\.|o'?clock\b"}
_NOT_TIME = r"(?!\s*(?:tag|woche|monat|jahr|day|week|month|year|minute|stunde|hour|person|kind))"


def _clock(lang: str) -> str:
    """A clock time: "16", "16 uhr", "16:30", "4 pm", "9.30 uhr"; not a date ("15.12.")."""
    return (rf"(?<![\d.:])(\d{{1,2}})(?::(\d{{2}})|\.(\d{{2}})(?=\s*uhr))?"
            rf"(?:\s*({_SUFFIX[lang]}))?(?![\d:]|\.\d){_NOT_TIME}")


def _minutes(hour: str, minute: str | None, suffix: str | None) -> int | None:
    h, m = int(hour), int(minute or 0)
    suffix = (suffix or "").replace(".", "")
    if suffix == "pm" and h < 12:
        h += 12
    elif suffix == "am" and h == 12:
        h = 0
    elif not suffix and h < OPENING_HOUR:
        h += 12
    if h > 24 or m > 59 or (h == 24 and m):
        return None
    return h * 60 + m


def _window_patterns(lang: str) -> list[tuple[re.Pattern, str]]:
    t = _clock(lang)
    return [
        (re.compile(r"\b(?:vor|bis|before|by)\s+(?:dem\s+)?(?:noon|midday|mittag)\b"), "forenoon"),
        (re.compile(r"\b(?:nach|after)\s+(?:dem\s+)?(?:noon|midday|mittag(?:essen)?)\b"),
         "past noon"),
        (re.compile(rf"\b(?:zwischen|between)\s+{t}\s+(?:und|and)\s+{t}"), "range"),
        (re.compile(rf"\b(?:von|from)\s+{t}\s*(?:bis|to|till|until|-)\s*{t}"), "range"),
        (re.compile(rf"\b(?:ab|nach|frühestens\s+um|after|from|not\s+before)\s+{t}"), "after"),
        (re.compile(rf"\b(?:vor|bis|spätestens\s+um|before|by|until|till)\s+{t}"), "before"),
    ]


_WINDOWS = {lang: _window_patterns(lang) for lang in _SUFFIX}
# A clock time that says it is one: "um 10", "at 3", "10:30", "10 Uhr", "10 am". The library
# misses some ("10 am please") or reads them as a date ("at 10 am please": the 10th).
_CLOCKS = {lang: re.compile(rf"(?:\b(?P<lead>um|at|gegen|around)\s+)?{_clock(lang)}")
           for lang in _SUFFIX}
_NOON_WINDOWS = {"forenoon": (0, 12 * 60), "past noon": (12 * 60, DAY_MINUTES)}

# "at noon" is a clock time; "mittags" / "at lunchtime" is a part of the day.
_NOON = re.compile(r"\b(?:at|um)\s+(?:12\s+)?(?:noon|midday)\b")
_PARTS = [
    (re.compile(r"(?:\bam\s+)?vormittags?\b|\bmorgens\b|\bam\s+morgen\b|\bin\s+der\s+früh\b"
                r"|(?<=morgen\s)früh\b|\b(?:in\s+the\s+)?morning\b"), "morning"),
    (re.compile(r"(?:\bam\s+)?nachmittags?\b|\b(?:in\s+the\s+)?afternoon\b"), "afternoon"),
    (re.compile(r"(?:\bam\s+|\büber\s+)?mittags?\b|\bzur\s+mittagszeit\b|\b(?:at\s+)?midday\b"
                r"|\b(?:at\s+)?lunch\s*time\b|\bnoon\b"), "noon"),
    (re.compile(r"(?:\bam\s+)?abends?\b|\b(?:in\s+the\s+)?evening\b"), "evening"),
]
_THIS_PART = re.compile(r"\bthis\s+(?=(?:morning|afternoon|evening)\b)|\btonight\b")

_NUMBERS = {"ein": 1, "eine": 1, "einer": 1, "einem": 1, "a": 1, "an": 1, "one": 1, "zwei": 2,
            "two": 2, "drei": 3, "three": 3, "vier": 4, "four": 4, "fünf": 5, "five": 5,
            "sechs": 6, "six": 6, "sieben": 7, "seven": 7, "acht": 8, "eight": 8, "neun": 9,
            "nine": 9, "zehn": 10, "ten": 10, "vierzehn": 14, "fourteen": 14}
_DAY_AFTER_TOMORROW = re.compile(r"\b(?:übermorgen|(?:the\s+)?day\s+after\s+tomorrow)\b")
_IN_DURATION = re.compile(
    rf"\bin\s+(\d{{1,2}}|{'|'.join(_NUMBERS)})\s+(tag(?:en)?|days?|wochen?|weeks?)\b")
_WEEKS = [
    (re.compile(r"\b(?:in\s+der\s+)?(?:übernächste[nr]?\s+woche|the\s+week\s+after\s+next)\b"), 2),
    (re.compile(r"\b(?:in\s+der\s+)?(?:nächste[nr]?|kommende[nr]?)\s+woche\b|\bnext\s+week\b"), 1),
    (re.compile(r"\b(?:in\s+)?dieser\s+woche\b|\bdiese\s+woche\b|\bthis\s+week\b"), 0),
]


_WEEKDAY = (r"(?:montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonnabend|sonntag"
            r"|monday|tuesday|wednesday|thursday|friday|saturday|sunday)")
# ctparse reads "next Tuesday" as the Tuesday after the coming one; people mean the coming one.
_NEXT_WEEKDAY = re.compile(
    rf"\b(?:next|this\s+coming|nächste[nrs]?|kommende[nrs]?)\s+(?={_WEEKDAY})")

# A text the library may read: it names a day, a month or a clock time. Without this guard
# ctparse's fuzzy matching finds times in "keine Ahnung" (1:00), "ich weiß nicht" (night) or
# "I have two kids" (2:00).
_GROUNDED = re.compile(
    rf"\b{_WEEKDAY}|\b(?:mo|di|mi|do|fr|sa|so)\."
    r"|\b(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)\b"
    r"|\b(?:januar|jänner|februar|märz|april|mai|juni|juli|august|september|oktober|november"
    r"|dezember|january|february|march|may|june|july|october|december"
    r"|jan|feb|mär|mar|apr|jun|jul|aug|sept?|okt|oct|nov|dez|dec)\b"
    r"|\b(?:heute|morgen|today|tomorrow|tonight|wochenende|weekend)\b"
    r"|(?<![\d.])\d{1,2}[.:/]\d{0,2}(?!\d)|\b\d{1,2}\s*(?:uhr|h|am|pm|a\.m|p\.m|st|nd|rd|th)\b"
    r"|\b(?:um|at|gegen|around|ab|von|bis|from|till|until|by|the|am|den|on)\s+\d{1,2}\b"
)


def grounded(text: str) -> bool:
    """Whether `text` names a day, a month or a clock time the library can resolve."""
    return bool(_GROUNDED.search(text))


# "my permit expires next week", "läuft in drei Wochen ab": the day named is a deadline, so the
# wish is any day until then (with "as soon as possible": the earliest), not that day.
_DEADLINE = re.compile(
    r"\b(?:läuft|laufen)\b[^,.;!?]{0,40}?\bab\b|\b(?:abläuft|ablaufen|ausläuft|auslaufen|endet"
    r"|enden|gültig\s+bis|befristet\s+bis|frist)\b|\bexpir(?:es|e|ed|ing|y)\b|\bruns?\s+out\b"
    r"|\bends?\b|\bvalid\s+(?:until|till)\b|\bdeadline\b|\bdue\b")


@dataclass
class Findings:
    """What the rules found in a text; `rest` is the text with their phrases blanked out."""

    rest: str
    asap: bool = False
    window: tuple[int, int] | None = None
    part: str | None = None
    at: time | None = None
    days: tuple[date, date] | None = None
    week: bool = False  # `days` is a whole week: a weekday read by the library falls in it
    deadline: bool = False  # the day(s) named are a deadline: the wish is any day until then

    def take(self, match: re.Match) -> None:
        self.rest = self.rest[:match.start()] + " " * len(match.group(0)) + self.rest[match.end():]


def _first(pattern: re.Pattern, findings: Findings) -> re.Match | None:
    match = pattern.search(findings.rest)
    if match:
        findings.take(match)
    return match


def _window(findings: Findings, lang: str) -> None:
    for pattern, kind in _WINDOWS[lang]:
        match = pattern.search(findings.rest)
        if not match:
            continue
        if kind in _NOON_WINDOWS:
            findings.window = _NOON_WINDOWS[kind]
            findings.take(match)
            return
        first = _minutes(match.group(1), match.group(2) or match.group(3), match.group(4))
        if first is None:
            continue
        if kind == "range":
            second = _minutes(match.group(5), match.group(6) or match.group(7), match.group(8))
            if second is None or second <= first:
                continue
            findings.window = (first, second)
        else:
            findings.window = (first, DAY_MINUTES) if kind == "after" else (0, first)
        findings.take(match)
        return


def _at(findings: Findings, lang: str) -> None:
    for match in _CLOCKS[lang].finditer(findings.rest):
        hour, minute, dotted, suffix = match.group(2, 3, 4, 5)
        if not (match.group("lead") or minute or suffix):
            continue  # a bare number ("Zimmer 12") is no time
        minutes = _minutes(hour, minute or dotted, suffix)
        if minutes is not None and minutes < DAY_MINUTES:
            findings.at = time(minutes // 60, minutes % 60)
            findings.take(match)
            return


def _part(findings: Findings, today: date) -> None:
    if _first(_NOON, findings):
        findings.at = time(12)
        return
    this = _first(_THIS_PART, findings)
    if this and this.group(0).strip() == "tonight":
        findings.days, findings.part = (today, today), "evening"
    elif this:
        findings.days = (today, today)
    for pattern, part in _PARTS:
        if _first(pattern, findings):
            findings.part = part
            break
    if findings.part and not findings.window:
        findings.window = PARTS[findings.part]


def _days(findings: Findings, today: date) -> None:
    if _first(_DAY_AFTER_TOMORROW, findings):
        findings.days = (today + timedelta(days=2),) * 2
        return
    duration = _first(_IN_DURATION, findings)
    if duration:
        count, unit = duration.groups()
        number = int(count) if count.isdigit() else _NUMBERS[count]
        day = today + timedelta(days=number * (7 if unit.startswith("w") else 1))
        findings.days = (day, day)
        return
    for pattern, ahead in _WEEKS:
        if _first(pattern, findings):
            monday = today - timedelta(days=today.weekday()) + timedelta(weeks=ahead)
            findings.days = (max(today, monday), monday + timedelta(days=6))
            findings.week = True
            return


def find(text: str, lang: str, today: date) -> Findings:
    """Apply every rule to `text` (cleaned, lower case); `today` is the local date."""
    findings = Findings(rest=text, deadline=bool(_DEADLINE.search(text)))
    _first(_GREETING, findings)
    while _first(_NEXT_WEEKDAY, findings):
        pass
    findings.asap = bool(_first(_ASAP, findings))
    lang = lang if lang in _WINDOWS else "en"
    _window(findings, lang)
    _part(findings, today)
    if findings.at is None:
        _at(findings, lang)
    _days(findings, today)
    return findings
