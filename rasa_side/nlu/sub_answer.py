"""Second-level classifier: which sub-answer of a topic a message asks for (issue 13; bot env).

The same TF-IDF + logistic regression as the intent classifier (its features, its training),
over labels "<topic>/<sub>" (the knowledge files' examples and follow-ups) and
"<topic>/_overview" (the topic intent's own examples: the topic in general) and "_none/_none"
(every other intent's examples: booking, small talk, so a topic's share means something). The top level
stays the contract intent; this component only adds `sub_answers` to the parse result:

    {"blue_card": ["salary", 0.81, 0.07, 0.64], …}  # per knowledge topic:
    best sub, its share among the topic's subs, the overview's share among all the topic's
    labels, the topic's share of all labels.

Measured against one model per topic (trained on that topic's examples only): on the
held-out sub/ split that chose the overview far more often (sub-answer accuracy 0.51 vs 0.85 on
the first split), with no gain on follow-ups, so one model over all labels it is.

The policy (rasa_side.policies.topic) reads it for the topic of the message or, for a
follow-up without topic words, for the topic of the conversation.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Dict, List, Text

import numpy as np

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from rasa_side.importer import SUB_LABEL
from rasa_side.knowledge import FOLLOWUP_INTENT, OVERVIEW
from rasa_side.nlu.linear_intent import LinearIntentClassifier

SUB_ANSWERS = "sub_answers"
NONE = "_none/_none"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class SubAnswerClassifier(LinearIntentClassifier):

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"C": 30.0, "max_iter": 3000, "ranking_length": 0}

    def train(self, training_data: TrainingData) -> Resource:
        from sklearn.linear_model import LogisticRegression

        labelled = [m for m in training_data.intent_examples if m.get(TEXT) and m.get(SUB_LABEL)]
        topics = {m.get(SUB_LABEL).split("/")[0] for m in labelled}
        # The topic intent's own examples (no sub label): "the topic in general"; the other
        # intents' (not follow-ups): none of the topics.
        rest = [m for m in training_data.intent_examples
                if m.get(TEXT) and not m.get(SUB_LABEL) and m.get(INTENT) != FOLLOWUP_INTENT]
        examples = labelled + rest
        if not labelled:
            return self._resource
        y = [m.get(SUB_LABEL) or (f"{m.get(INTENT)}/{OVERVIEW}" if m.get(INTENT) in topics else NONE)
             for m in examples]
        X = self._matrix(examples, fit=True)
        model = LogisticRegression(C=self._config["C"], max_iter=self._config["max_iter"],
                                   random_state=42)
        self._state["model"] = model.fit(X, y)
        self.persist()
        return self._resource

    def process(self, messages: List[Message]) -> List[Message]:
        if not self._state or not messages:
            return messages
        labels = [str(c).split("/", 1) for c in self._state["model"].classes_]
        for message, known, row in self._rows(messages):
            answers = summarise(labels, row) if known else {}
            message.set(SUB_ANSWERS, answers, add_to_output=True)
        return messages


def summarise(labels: List[List[str]], row: np.ndarray) -> Dict[str, list]:
    per_topic: Dict[str, Dict[str, float]] = defaultdict(dict)
    for (topic, sub), p in zip(labels, row):
        per_topic[topic][sub] = float(p)
    out = {}
    per_topic.pop(NONE.split("/")[0], None)
    for topic, subs in per_topic.items():
        total = sum(subs.values())
        overview = subs.pop(OVERVIEW, 0.0)
        if not subs or total <= 0:
            continue
        best = max(subs, key=subs.get)
        out[topic] = [best, round(subs[best] / (total - overview or 1.0), 4),
                      round(overview / total, 4), round(total, 4)]
    return out
