"""Second-level classifier: which sub-answer of a topic a message asks for (issue 13; bot env).

The same TF-IDF + logistic regression as the intent classifier (its features), twice: one model
for which topic a message is about at all (every knowledge topic, and "_none" for every other
intent's examples: booking, small talk), and one per topic for which of its answers, over
"<sub>" (the knowledge files' examples and follow-ups) and "_overview" (the topic intent's own
examples: the topic in general). The top level stays the contract intent; this component only
adds `sub_answers` to the parse result, per knowledge topic:

    {"blue_card": ["salary", 0.81, 0.07, 0.64], …}
    best sub, its share among the topic's subs, the overview's share, the topic's mass.

The policy (rasa_side.policies.topic) reads it for the topic of the message or, for a
follow-up without topic words, for the topic of the conversation.
"""

from __future__ import annotations

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
        y = np.array([m.get(SUB_LABEL) or (f"{m.get(INTENT)}/{OVERVIEW}" if m.get(INTENT) in topics
                                           else NONE) for m in examples])
        X = self._matrix(examples, fit=True)

        def fit(rows, labels):
            model = LogisticRegression(C=self._config["C"], max_iter=self._config["max_iter"],
                                       random_state=42)
            return model.fit(X[rows], labels)

        # Which topic (its share of the mass: how much a message is about it at all) …
        topic_of = np.array([label.split("/")[0] for label in y])
        self._state["model"] = fit(np.arange(len(y)), topic_of)
        # … and, per topic, which of its answers (trained on that topic's examples only, so
        # "was kostet das?" means that topic's costs).
        self._state["per_topic"] = {
            topic: fit(np.flatnonzero(topic_of == topic), y[topic_of == topic])
            for topic in sorted(topics)}
        self.persist()
        return self._resource

    def process(self, messages: List[Message]) -> List[Message]:
        if not self._state or not messages:
            return messages
        features = self._matrix(messages)
        masses = self._state["model"].predict_proba(features)
        topics = [str(c) for c in self._state["model"].classes_]
        within = {topic: (model.classes_, model.predict_proba(features))
                  for topic, model in self._state["per_topic"].items()}
        for i, (message, known) in enumerate(zip(messages, features.getnnz(axis=1))):
            mass = dict(zip(topics, masses[i]))
            answers = {t: summarise([str(c).split("/", 1)[1] for c in classes], rows[i], mass.get(t, 0.0))
                       for t, (classes, rows) in within.items()}
            message.set(SUB_ANSWERS, {t: a for t, a in answers.items() if a} if known else {},
                        add_to_output=True)
        return messages


def summarise(subs: List[str], row: np.ndarray, mass: float) -> list:
    """[best sub, its share among the subs, the overview's share, the topic's mass]."""
    shares = dict(zip(subs, (float(p) for p in row)))
    overview = shares.pop(OVERVIEW, 0.0)
    if not shares:
        return []
    best = max(shares, key=shares.get)
    return [best, round(shares[best] / ((1.0 - overview) or 1.0), 4), round(overview, 4),
            round(mass, 4)]
