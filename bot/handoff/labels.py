"""Button titles and topic names, read from the domain's responses (never written in Python).

`utter_intent_label_<intent>` (domain/intent_labels.yml) has a de and an en variation.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

from bot.desk.intents import FALLBACK_INTENT, domain_paths, read_domain_file, topic_intents
from bot.settings import PROJECT_ROOT

LABEL_PREFIX = "utter_intent_label_"
# Intents never offered as "did you mean …?".
NOT_OFFERED = {FALLBACK_INTENT, "out_of_scope", "affirm", "deny", "greet", "goodbye", "thank"}


def label_response(intent: str) -> str:
    return f"{LABEL_PREFIX}{intent}"


@cache
def domain_labels(root: Path = PROJECT_ROOT) -> dict[str, Any]:
    """The intent labels of the domain files, as a domain dict (`{"responses": …}`), for code
    that gets no domain from Rasa (the staff app); read once."""
    responses: dict[str, Any] = {}
    for path in domain_paths(root):
        for name, variations in (read_domain_file(path).get("responses") or {}).items():
            if name.startswith(LABEL_PREFIX):
                responses[name] = variations
    return {"responses": responses}


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


# Intents whose message is about a topic without being that topic's question: "what is the
# status of my settlement permit application?" (own_case), "I need a consultation about my
# Blue Card" (request_human). Their ranking names the topic.
CASE_INTENTS = ("own_case", "request_human")


def turn_topic(parse_data: dict[str, Any]) -> str | None:
    """The topic of one user turn: its topic intent, or the topic of a case or booking request
    (likely enough in its ranking, or named in its words)."""
    intent = (parse_data.get("intent") or {}).get("name")
    if intent in topic_intents():
        return intent
    if intent in CASE_INTENTS:
        return ranked_topic(parse_data.get("intent_ranking") or []) or named_topic(
            parse_data.get("text") or "")
    return None


_LETTERS = re.compile(r"[^\W\d_]+")
_LABEL_FILLER = {"and", "und", "the", "of", "des", "der", "die", "das", "für", "for", "zur", "zum"}


def _stem(word: str) -> str:
    """What a word of a label must start with in the text: "blaue" -> "blau" (Blauen), "permit"
    -> "permi" (permits)."""
    return word[:max(3, len(word) - 1)]


@cache
def _label_stems() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(topic, stems of one of its labels) for every de and en label of a topic intent."""
    found = []
    for name, variations in domain_labels()["responses"].items():
        topic = name[len(LABEL_PREFIX):]
        if topic not in topic_intents():
            continue
        for variation in variations:
            words = [w for w in _LETTERS.findall((variation.get("text") or "").lower())
                     if len(w) >= 3 and w not in _LABEL_FILLER]
            if words:
                found.append((topic, tuple(_stem(w) for w in words)))
    return tuple(found)


def named_topic(text: str) -> str | None:
    """The topic whose label the text names ("my settlement permit application" ->
    settlement_permit, "zur Blauen Karte" -> blue_card, "mein Aufenthaltstitel läuft ab" ->
    residence_permit_extension): at least half of a label, counted in letters, so the long
    words weigh ("work permit" is not "Settlement permit"); None when none or two fit best."""
    words = _LETTERS.findall((text or "").lower())
    fits: dict[str, float] = {}
    for topic, stems in _label_stems():
        named = sum(len(stem) for stem in stems if any(w.startswith(stem) for w in words))
        share = named / sum(len(stem) for stem in stems)
        if share >= 0.5:
            fits[topic] = max(fits.get(topic, 0.0), share)
    best = sorted(fits.items(), key=lambda item: -item[1])
    if not best or len(best) > 1 and best[0][1] == best[1][1]:
        return None
    return best[0][0]


def suggested_topic(events: Iterable[dict[str, Any]], form: str | None = None) -> str | None:
    """The topic the conversation was last about: the latest user turn about a topic
    (turn_topic), before `form` was (last) activated — answers inside the form are not topics."""
    topic = before_form = None
    for event in events:
        if event.get("event") == "user":
            topic = turn_topic(event.get("parse_data") or {}) or topic
        elif form and event.get("event") == "active_loop" and event.get("name") == form:
            before_form = topic
    return before_form if form else topic


def ranked_topic(ranking: Iterable[dict[str, Any]], minimum: float = 0.15) -> str | None:
    """The most likely topic intent of a message (e.g. "my residence permit expires, I need a
    consultation": request_human first, the permit second), if it is likely enough."""
    return next((entry.get("name") for entry in ranking if entry.get("name") in topic_intents()
                 and (entry.get("confidence") or 0) >= minimum), None)


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
