"""What the inbox keeps of one user message: redacted text, the model's prediction, and
the language it detected for that message (if it was sure).

Pure functions over Rasa's event dicts. Which conversation language a message gets when
the model was not sure is the conversation state's decision (conversation.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from bot.desk.intents import FALLBACK_INTENT
from bot.desk.languages import known
from bot.ingest.redact import redact

RANKING_SIZE = 3


@dataclass(frozen=True)
class Captured:
    """One user message as the inbox keeps it: redacted, with the model's prediction."""

    conversation_id: str | None
    text: str
    language: str | None
    intent: str | None
    confidence: float | None
    ranking: list[dict[str, Any]]
    timestamp: datetime
    # The form slot the bot had asked for when the message came (None outside a form):
    # such a message answers the form rather than asking a question.
    requested_slot: str | None = None


def entity_language(parse_data: dict[str, Any]) -> str | None:
    """The per-message language our NLU component emits as entity `language` (if sure)."""
    for entity in parse_data.get("entities") or []:
        if entity.get("entity") == "language" and known(entity.get("value")):
            return entity["value"]
    return None


def page_language(event: dict[str, Any]) -> str | None:
    """The widget's page language, sent as message metadata."""
    metadata = event.get("metadata") or (event.get("parse_data") or {}).get("metadata") or {}
    return known(metadata.get("language"))


def typed_by_a_person(event: dict[str, Any]) -> bool:
    text_ = (event.get("text") or "").strip()
    return event.get("event") == "user" and bool(text_) and not text_.startswith("/")


def prediction(parse_data: dict[str, Any]) -> tuple[str | None, float | None, list[dict]]:
    """Intent, confidence and top-3 ranking.

    For a fallback the stored confidence is that of the best real intent (what the
    model actually believed), and the ranking lists real intents: the candidates a
    reviewer chooses from.
    """
    intent = parse_data.get("intent") or {}
    name = intent.get("name")
    confidence = intent.get("confidence")
    ranking = [
        {"name": r.get("name"), "confidence": round(float(r.get("confidence") or 0.0), 4)}
        for r in parse_data.get("intent_ranking") or []
        if r.get("name") and r.get("name") != FALLBACK_INTENT
    ][:RANKING_SIZE]
    if name == FALLBACK_INTENT and ranking:
        confidence = ranking[0]["confidence"]
    return name, None if confidence is None else round(float(confidence), 4), ranking


def capture(
    event: dict[str, Any], sender_id: str | None, requested_slot: str | None = None
) -> Captured | None:
    """The inbox form of a user event (language: only what the model detected for this
    message), or None when it is not a typed question."""
    if not typed_by_a_person(event):
        return None
    parse_data = event.get("parse_data") or {}
    intent, confidence, ranking = prediction(parse_data)
    stamp = event.get("timestamp")
    timestamp = (
        datetime.fromtimestamp(float(stamp), timezone.utc) if stamp else datetime.now(timezone.utc)
    )
    return Captured(
        conversation_id=sender_id or event.get("sender_id"),
        text=redact(event["text"]),
        language=entity_language(parse_data),
        intent=intent,
        confidence=confidence,
        ranking=ranking,
        timestamp=timestamp,
        requested_slot=requested_slot,
    )
