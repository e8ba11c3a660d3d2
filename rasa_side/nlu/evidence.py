"""Intents that end or derail a conversation need evidence in the message (issue 13; bot env).

A goodbye or a "no" is never a question ("und wie lange gilt die?" is no goodbye);
switch_language needs a language named, cancel_booking a booking or cancelling word. Without
it the next intent of the classifier's ranking takes over (its own confidence, so a weak one
still ends in the FallbackClassifier). Runs after the intent classifier, before the fallback.

An intent followed by `followup` in the ranking is that intent asked follow-up style ("what is
the average additional contribution?" → health_insurance 0.47, followup 0.43): the two are no
rivals, so the follow-up's confidence joins the intent's and the fallback sees no ambiguity.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

FOLLOWUP = "followup"
_QUESTION = re.compile(r"\?")
_LANGUAGE = re.compile(r"deutsch|englisch|english|german|sprache|language|sprech|speak|spricht|sprichst",
                       re.IGNORECASE)
_BOOKING = re.compile(
    r"termin|buchung|gebucht|beratung|storn|absag|abbrech|lösch|loesch|streich|rückgängig|"
    r"referenz|esd-|appointment|booking|booked|consultation|cancel|call off|reservation|"
    r"reference|erase|delete|remove|nicht (mehr|kommen)|can'?t (make|come)|won'?t (make|come)",
    re.IGNORECASE)

# intent -> its evidence test on the text
EVIDENCE = {
    "goodbye": lambda text: not _QUESTION.search(text),
    "deny": lambda text: not _QUESTION.search(text),
    "switch_language": lambda text: bool(_LANGUAGE.search(text)),
    "cancel_booking": lambda text: bool(_BOOKING.search(text)),
}


def without_evidence(intent: Optional[str], text: str) -> bool:
    test = EVIDENCE.get(intent or "")
    return bool(test) and not test(text)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class EvidenceGate(GraphComponent):
    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "EvidenceGate":
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            intent = (message.get(INTENT) or {}).get("name")
            before = list(message.get(INTENT_RANKING_KEY) or [])
            ranking = before
            if not text.startswith("/") and without_evidence(intent, text):  # a button is evidence
                ranking = [r for r in ranking if not without_evidence(r.get("name"), text)]
            ranking = joined_followup(ranking)
            if ranking == before:
                continue
            message.set(INTENT, ranking[0] if ranking else {"name": None, "confidence": 0.0},
                        add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return messages


def joined_followup(ranking: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    if len(ranking) < 2 or ranking[1].get("name") != FOLLOWUP or ranking[0].get("name") == FOLLOWUP:
        return ranking
    top = {**ranking[0], "confidence": ranking[0]["confidence"] + ranking[1]["confidence"]}
    return [top, *ranking[2:]]
