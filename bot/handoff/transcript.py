"""The conversation so far, read from the tracker's events (a list of event dicts)."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from bot.db.base import utcnow
from bot.desk.tickets import Line
from bot.handoff.sanitize import TRANSCRIPT_MAX, clean_text


def _timestamp(event: dict[str, Any]) -> datetime:
    value = event.get("timestamp")
    if isinstance(value, (int, float)):
        return datetime.fromtimestamp(value, tz=timezone.utc)
    return utcnow()


def _clicked_title(text: object, offered: list[Any]) -> object:
    """The title of the button whose payload the user sent, else the text as it came.

    The widget sends a clicked button's payload ("/request_human", "yes", a slot time);
    staff should read what the user clicked ("Beratung buchen", "Ja"). Only buttons the
    bot offered since the user's previous message count, and only an exact payload match.
    """
    for button in offered:
        if isinstance(button, dict) and button.get("payload") == text and button.get("title"):
            return button["title"]
    return text


def transcript_from_events(events: list[dict[str, Any]]) -> list[Line]:
    """User and bot messages in order, with the NLU trail (intent, confidence) per user turn.

    Messages without text (pure button/image replies) are skipped; an undone user turn
    (`rewind`, `undo`) stays: staff should see what was actually said. A clicked button
    shows as its title, the intent trail still says what it triggered.
    """
    lines: list[Line] = []
    offered: list[Any] = []  # buttons the bot showed since the user's previous message
    for event in events:
        kind = event.get("event")
        if kind not in ("user", "bot"):
            continue
        said = event.get("text")
        if kind == "bot":
            buttons = (event.get("data") or {}).get("buttons")
            offered += buttons if isinstance(buttons, list) else []
        else:
            said, offered = _clicked_title(said, offered), []
        text = clean_text(said, TRANSCRIPT_MAX)
        if not text:
            continue
        intent = confidence = None
        if kind == "user":
            parsed = (event.get("parse_data") or {}).get("intent") or {}
            intent = parsed.get("name")
            raw = parsed.get("confidence")
            confidence = float(raw) if isinstance(raw, (int, float)) else None
        lines.append(Line(kind, text, _timestamp(event), intent, confidence))
    return lines
