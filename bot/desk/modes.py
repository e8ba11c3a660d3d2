"""How a consultation takes place: the canonical mode values, written once.

Staff give each slot a mode (bot/web/views/slots.py); the chat filters free slots by a
wished mode (bot.desk.slots.next_free_slots(mode=…)) and shows it. Wording lives with the
reader: the staff string table (bot/web/i18n.py, `mode_<value>`), the mails
(bot/handoff/mail.py MODE_NAMES) and, for the chat, domain responses named after the value.
"""

from __future__ import annotations

DESK, PHONE, VIDEO = "desk", "phone", "video"
MODES: tuple[str, ...] = (DESK, PHONE, VIDEO)
DEFAULT_MODE = DESK


def checked_mode(value: object) -> str | None:
    """A canonical mode, or None for anything else (no wish / not a mode)."""
    text = str(value or "").strip().lower()
    return text if text in MODES else None
