"""Rasa NLU component: the message's own language ("de"/"en") as entity `language`, when sure.

An annotation of the parse result (the inbox keeps it with each message, `/model/parse`
shows it); it decides nothing. The conversation language (slot `language`) is set by
`rasa_side.policies.language.LanguagePolicy`, which weighs this detection against
explicit requests, switch requests and the language so far; no slot maps this entity.
"""

from __future__ import annotations

from typing import List, Optional

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from rasa_side.nlu.detect import detect
from rasa_side.nlu.extractor_base import StatelessExtractor

ENTITY = "language"


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False
)
class LanguageDetector(StatelessExtractor):
    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            language = self.language_of(message)
            if language:
                entity = {
                    "entity": ENTITY,
                    "value": language,
                    "start": 0,
                    "end": 0,
                    "confidence": 1.0,
                    "extractor": self.__class__.__name__,
                }
                message.set(ENTITIES, message.get(ENTITIES, []) + [entity], add_to_output=True)
        return messages

    @staticmethod
    def language_of(message: Message) -> Optional[str]:
        return detect(message.get(TEXT) or "")
