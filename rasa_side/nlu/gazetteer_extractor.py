"""Rasa NLU component: town / district / nationality entities from `rasa_side.nlu.gazetteer`.

Registered as an entity extractor after the classifier. Slots `town`, `district`,
`nationality_group` follow the entities with `from_entity` mappings, so a town
named once stays known for later questions in the conversation.
"""

from __future__ import annotations

from typing import List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from rasa_side.nlu.extractor_base import StatelessExtractor
from rasa_side.nlu.gazetteer import find


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False
)
class GazetteerExtractor(StatelessExtractor):
    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            if not text or text.startswith("/"):
                continue  # button payloads carry their own entities
            found = [
                {
                    "entity": m.entity,
                    "value": m.value,
                    "start": m.start,
                    "end": m.end,
                    "confidence": 1.0,
                    "extractor": self.__class__.__name__,
                }
                for m in find(text)
            ]
            if found:
                message.set(ENTITIES, message.get(ENTITIES, []) + found, add_to_output=True)
        return messages
