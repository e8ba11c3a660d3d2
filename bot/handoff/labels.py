"""Button titles and topic names, read from the domain's responses (never written in Python).

`domain/intent_labels.yml` holds `utter_intent_label_<intent>` with a de and an en variation.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

# The topic intents of the contract (shared/spec/intents.yml, `topics:`); a test keeps them equal.
TOPIC_INTENTS = (
    "visa_entry", "blue_card", "skilled_worker_permit", "opportunity_card",
    "residence_permit_extension", "settlement_permit", "naturalization", "family_reunification",
    "address_registration", "foreigners_office", "tax_id", "health_insurance", "social_security",
    "bank_account", "housing", "recognition_qualifications", "driving_license", "language_courses",
    "childcare_school", "job_search", "employer_hiring", "self_employment", "expat_desk_info",
    "events",
)
# Intents never offered as "did you mean …?".
NOT_OFFERED = {"nlu_fallback", "out_of_scope", "affirm", "deny", "greet", "goodbye", "thank"}


def label_response(intent: str) -> str:
    return f"utter_intent_label_{intent}"


def response_text(domain: dict[str, Any], name: str, language: str | None) -> str | None:
    """The text of response `name` for the language (conditioned variation, else default)."""
    variations = (domain.get("responses") or {}).get(name) or []
    default = None
    for variation in variations:
        conditions = variation.get("condition") or []
        if not conditions:
            default = default or variation.get("text")
        elif any(c.get("name") == "language" and c.get("value") == language for c in conditions):
            return variation.get("text")
    return default


def intent_label(domain: dict[str, Any], intent: str, language: str | None) -> str | None:
    return response_text(domain, label_response(intent), language)


def suggested_topic(events: Iterable[dict[str, Any]], form: str | None = None) -> str | None:
    """The topic the conversation was last about: the latest user turn with a topic intent,
    before `form` was (last) activated — answers inside the form are not topics."""
    topic = before_form = None
    for event in events:
        if event.get("event") == "user":
            intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
            if intent in TOPIC_INTENTS:
                topic = intent
        elif form and event.get("event") == "active_loop" and event.get("name") == form:
            before_form = topic
    return before_form if form else topic


def did_you_mean(
    ranking: Iterable[dict[str, Any]], domain: dict[str, Any], language: str | None, limit: int = 3
) -> list[dict[str, str]]:
    """Buttons for the most likely intents that have a label: `{title, payload: "/intent"}`."""
    buttons = []
    for entry in ranking:
        intent = entry.get("name")
        if not intent or intent in NOT_OFFERED:
            continue
        title = intent_label(domain, intent, language)
        if title:
            buttons.append({"title": title, "payload": f"/{intent}"})
        if len(buttons) == limit:
            break
    return buttons
