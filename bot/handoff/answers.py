"""Reading short form answers (buttons or typed) in German and English."""

from __future__ import annotations

import re

from email_validator import EmailNotValidError, validate_email

from bot.handoff.sanitize import EMAIL_MAX

_WORD = re.compile(r"[a-zäöüß]+")

STOP_WORDS = {
    "cancel", "abbrechen", "abbruch", "stop", "stopp", "quit", "exit", "abort", "beenden",
}
YES = {"yes", "y", "yeah", "yep", "ok", "okay", "sure", "agree", "accept", "ja", "jo", "jep",
       "klar", "gerne", "einverstanden", "zustimmen", "stimme", "akzeptiere", "genau", "correct",
       "richtig", "passt", "i agree", "consent"}
NO = {"no", "nope", "nein", "nee", "ne", "decline", "disagree", "lieber nicht"}
LATER = {"later", "more", "next", "other", "weitere", "spaeter", "später", "spätere", "spaetere",
         "mehr", "andere",
         "naechste", "nächste"}
CLIENT_TYPES = {  # company first: "privately owned company" is a company
    "company": {"company", "business", "employer", "firma", "unternehmen", "arbeitgeber", "hr",
                "gmbh", "organisation", "organization"},
    "individual": {"individual", "private", "person", "privat", "privatperson", "einzelperson",
                   "myself", "employee", "arbeitnehmer", "arbeitnehmerin"},
}
# What a consultation language may be called, per language code (bot.desk.languages).
LANGUAGE_WORDS = {
    "de": {"de", "deutsch", "german", "germany", "auf deutsch"},
    "en": {"en", "english", "englisch", "auf englisch", "in english"},
}


def _words(text: str) -> list[str]:
    return _WORD.findall((text or "").lower())


def is_stop(text: str) -> bool:
    words = _words(text)
    return 0 < len(words) <= 3 and any(w in STOP_WORDS for w in words)


def _matches(text: str, vocabulary: set[str], max_words: int = 4) -> bool:
    lowered = (text or "").strip().lower()
    words = _words(lowered)
    return lowered in vocabulary or (
        0 < len(words) <= max_words and any(w in vocabulary for w in words)
    )


def yes_no(text: str, intent: str | None = None) -> bool | None:
    """True / False / None (unclear). The NLU intent (affirm/deny) counts too."""
    if _matches(text, NO) or intent == "deny":
        return False
    if _matches(text, YES) or intent == "affirm":
        return True
    return None


def wants_later(text: str) -> bool:
    return _matches(text, LATER)


def client_type(text: str) -> str | None:
    for value, vocabulary in CLIENT_TYPES.items():
        if _matches(text, vocabulary, max_words=8):
            return value
    return None


def consultation_language(text: str) -> str | None:
    for value, vocabulary in LANGUAGE_WORDS.items():
        if _matches(text, vocabulary):
            return value
    return None


_EMAIL_CANDIDATE = re.compile(r"[^\s<>()\[\],;:\"']+@[^\s<>()\[\],;:\"']+")


def email_address(text: str) -> str | None:
    """The normalised address in the text ("my mail is a@b.de") or None if invalid."""
    match = _EMAIL_CANDIDATE.search(text or "")
    if not match:
        return None
    candidate = match.group(0).rstrip(".")
    if len(candidate) > EMAIL_MAX:
        return None
    try:
        return validate_email(candidate, check_deliverability=False).normalized
    except EmailNotValidError:
        return None
