"""Answers to the time question and to the booking summary, typed or clicked.

    time_wish_in("next Tuesday morning", "en", now, asked=False) -> the wish (a time cue is in it)
    time_wish_in("Zimmer 12, 2. Stock", "de", now, asked=False)  -> None (no time cue)
    offered_choice("the second one", offered, "en", now)         -> offered[1]
    offered_choice("10:30", offered, "de", now)                  -> the offered 10:30
    summary_change("change the e-mail")                          -> "email"
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

from bot.desk.time_parser import parse_time_wish
from bot.desk.time_wish import TimeWish

# Words that make a message a time wish even when the bot did not ask for a time: the parser
# alone reads "Zimmer 12, 2. Stock" as a date.
_TIME_CUE = re.compile(
    r"\b(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?s?\b|"
    r"\b(?:montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag)s?\b|"
    r"\b(?:today|tomorrow|tonight|next week|this week|heute|morgen|übermorgen|uebermorgen|"
    r"nächste[nr]? woche|naechste[nr]? woche|diese[rn]? woche|kommende[nr]? woche)\b|"
    r"\b(?:morning|afternoon|evening|noon|midday|vormittags?|nachmittags?|mittags?|abends?)\b|"
    r"\b\d{1,2}(?::\d\d)?\s*(?:uhr|am|pm|h)\b|\b\d{1,2}:\d\d\b|\bum \d{1,2}\b|\bat \d{1,2}\b|"
    r"\b\d{1,2}\.\d{1,2}\.|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? \d|"
    r"\b\d{1,2}\.? (?:januar|februar|märz|april|mai|juni|juli|august|september|oktober|"
    r"november|dezember)\b|"
    r"\b(?:asap|as soon as possible|earliest|soon|so bald wie möglich|sobald wie möglich|"
    r"baldmöglichst|möglichst bald|schnellstmöglich|egal wann|anytime|any time)\b", re.I)
_ADDRESS = re.compile(r"\S+@\S+")

_ORDINALS = {
    0: r"first|1st|erste[nrms]?|number one|nummer eins",
    1: r"second|2nd|zweite[nrms]?|number two|nummer zwei",
    2: r"third|3rd|dritte[nrms]?|number three|nummer drei",
    -1: r"last|letzte[nrms]?",
}
_ORDINAL = {index: re.compile(rf"(?:^|\b)(?:{words})(?:\b|$)", re.I) for index, words in _ORDINALS.items()}
_ONE = re.compile(r"\bones?\b", re.I)
_BARE_NUMBER = re.compile(r"^\s*(?:nr\.?|no\.?|nummer|number|#)?\s*([1-9])\s*[.)!]?\s*$", re.I)

# What the user wants to change in the booking summary (checked in this order).
_CHANGES = {
    "email": re.compile(r"\b(?:e-?mail|mail|adresse|address)\b", re.I),
    "person_name": re.compile(r"\b(?:name|namen)\b", re.I),
    "topic": re.compile(r"\b(?:topic|thema|subject)\b", re.I),
    "consultation_mode": re.compile(r"\b(?:mode|form|art|format|modus)\b", re.I),
    "consultation_slot": re.compile(
        r"\b(?:another time|other time|different time|another day|other day|another date|"
        r"time|date|day|termin|zeit|uhrzeit|tag|datum|later|später|früher|earlier|"
        r"anderer termin|andere zeit|anderen termin|anderen tag)\b", re.I),
}


def time_wish_in(text: str, language: str, now: datetime, asked: bool) -> TimeWish | None:
    """The time wish in `text`; unasked, only when a clear time word is in it."""
    text = _ADDRESS.sub(" ", text or "")
    if not asked and not _TIME_CUE.search(text):
        return None
    return parse_time_wish(text, language, now)


def names_a_choice(text: str) -> bool:
    """Whether `text` picks by position ("the second one", "2"), whatever else it says."""
    short = len((text or "").split()) <= 6
    return bool(_BARE_NUMBER.match(text or "")) or short and any(
        pattern.search(text or "") for pattern in _ORDINAL.values())


def offered_choice(text: str, offered: Sequence[datetime], language: str,
                   now: datetime, standing: TimeWish | None = None) -> datetime | None:
    """The offered start the user picked: by position ("the second one", "2"), as the offered
    time at the day and clock time they typed ("Montag um 14 Uhr"), or as the only offered time
    at the clock time they typed ("10:30", "the Tuesday one"). `standing` is the wish the offer
    was made for: "the one at 10" among two 10:00 times is the one on the wished day."""
    if not offered:
        return None
    bare = _BARE_NUMBER.match(text or "")
    if bare:
        index = int(bare.group(1)) - 1
        return offered[index] if index < len(offered) else None
    short = len((text or "").split()) <= 6
    for index, pattern in _ORDINAL.items():
        if short and pattern.search(text or "") and index < len(offered):
            return offered[index]
    # "the Friday one": the parser would read "one" as 1:00.
    wish = parse_time_wish(_ONE.sub(" ", text), language, now)
    # A wish naming a day or a part of the day ("Tuesday afternoon", "next week") is a new
    # wish: it gets its own proposal. A clock time ("10:30", "9 am works"), a day with its clock
    # time ("Monday at 2 pm") or a reference to an offered time ("the Friday one") is a pick.
    refers = bool(_ONE.search(text))
    if wish is None or wish.asap or not (
            refers or wish.exact is not None or wish.at and wish.days is None):
        return None
    fitting = [start for start in offered if wish.matches(start)]
    if len(fitting) > 1 and standing is not None:
        fitting = [start for start in fitting if standing.matches(start)] or fitting
    return fitting[0] if len(fitting) == 1 else None


def summary_change(text: str) -> str | None:
    """Which item of the summary the user wants to change, if they name one."""
    for slot, pattern in _CHANGES.items():
        if pattern.search(text or ""):
            return slot
    return None
