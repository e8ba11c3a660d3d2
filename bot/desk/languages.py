"""The desk's two languages, for the app side (Rasa-side code has its own: it imports no `bot`).

A conversation, a booking and its mails are in one of LANGUAGES; anything else (no slot
yet, a client that sends no language) counts as DEFAULT.
"""

from __future__ import annotations

LANGUAGES = ("de", "en")
DEFAULT = "en"


def known(value: object) -> str | None:
    """`value` if it is one of LANGUAGES, else None."""
    return value if value in LANGUAGES else None


def choose(value: object, default: str = DEFAULT) -> str:
    """`value` if it is one of LANGUAGES, else `default`."""
    return known(value) or default


def other(language: object) -> str:
    """The other language of the two ("de" → "en"; anything else → "de")."""
    return LANGUAGES[1] if choose(language) == LANGUAGES[0] else LANGUAGES[0]
