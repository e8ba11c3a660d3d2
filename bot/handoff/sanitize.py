"""Form input and transcript text as plain, bounded text.

Nothing is escaped here: values are stored as the plain text the user typed (minus control
characters) and every renderer escapes them. Limits match the columns in bot/db/models.py.
"""

from __future__ import annotations

import re
import unicodedata

NAME_MAX = 200
COMPANY_MAX = 200
TOPIC_MAX = 64
EMAIL_MAX = 320
TRANSCRIPT_MAX = 4000

# C0/C1 controls, DEL, bidi overrides and zero-width characters; newline and tab survive.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_SPACES = re.compile(r"\s+")


def clean_text(value: object, max_length: int = TRANSCRIPT_MAX) -> str:
    """Multi-line plain text: control characters removed, length-limited."""
    text = unicodedata.normalize("NFC", str(value or ""))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text).strip()
    return text[:max_length]


def clean_line(value: object, max_length: int) -> str:
    """One line (names, topics): whitespace collapsed, then limited."""
    return _SPACES.sub(" ", clean_text(value, max_length * 4)).strip()[:max_length].strip()
