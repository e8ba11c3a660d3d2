"""Run in the bot env by tests/test_language_policy.py (prints JSON).

rasa_side.policies.language.LanguagePolicy trained, persisted and loaded through Rasa's own
storage, asked for predictions on hand-built trackers, and combined with a winning
prediction by Rasa's DefaultPolicyPredictionEnsemble.
"""

import json
import sys
from pathlib import Path

from rasa.core.policies.ensemble import DefaultPolicyPredictionEnsemble
from rasa.core.policies.policy import PolicyPrediction
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted, ActionExecutionRejected, SessionStarted, SlotSet, UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from rasa_side.policies.language import LanguagePolicy

DOMAIN = Domain.from_yaml("""
version: "3.1"
intents: [greet, switch_language]
slots:
  language:
    type: categorical
    values: [de, en]
    influence_conversation: false
    mappings:
      - type: custom
responses:
  utter_greet:
    - text: hi
  utter_language_switched:
    - text: ok
forms:
  consultation_form:
    required_slots: []
""")


def tracker(*events, language=None):
    start = [ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen")]
    if language:
        start.insert(2, SlotSet("language", language))
    return DialogueStateTracker.from_events("c1", start + list(events), DOMAIN.slots)


def said(text, page=None):
    return UserUttered(text, {"name": "greet", "confidence": 1.0}, metadata={"language": page} if page else {})


def main(directory: str) -> None:
    storage = LocalModelStorage(Path(directory))
    context = ExecutionContext(GraphSchema({}), "check")
    resource = Resource("language_policy")
    trained = LanguagePolicy.create(LanguagePolicy.get_default_config(), storage, resource, context)
    result = {"trained_resource": trained.train([], DOMAIN).name}
    policy = LanguagePolicy.load(LanguagePolicy.get_default_config(), storage, resource, context)
    result["priority"] = policy.priority

    cases = {
        "first message, German page": tracker(said("ok", "de")),
        "first message, English page": tracker(said("ok", "en")),
        "first message, no page": tracker(said("ok")),
        "first message, clear English on a German page": tracker(said("How do I get a tax ID?", "de")),
        "sticky": tracker(said("Danke", "en"), language="en"),
        "flip de": tracker(said("Sprache ändern", "de"), language="de"),
        "flip en": tracker(said("change language", "de"), language="en"),
        "known miss": tracker(said("Kann ich auch Englisch mit Ihnen sprechen?", "de"), language="de"),
        "after the first action": tracker(said("Sprache ändern", "de"), SlotSet("language", "en"),
                                          ActionExecuted("utter_language_switched"), language="de"),
        "after a rejected form": tracker(said("Can we speak English?", "de"),
                                         ActionExecutionRejected("consultation_form"), language="de"),
    }
    predictions = {}
    for name, case in cases.items():
        prediction = policy.predict_action_probabilities(case, DOMAIN)
        predictions[name] = {
            "events": [e.as_dict()["value"] for e in prediction.events if isinstance(e, SlotSet)],
            "other_events": [type(e).__name__ for e in prediction.events if not isinstance(e, SlotSet)],
            "max_confidence": prediction.max_confidence,
        }
    result["predictions"] = predictions

    # The ensemble: another policy's prediction wins, our events are applied anyway.
    case = cases["flip de"]
    ours = policy.predict_action_probabilities(case, DOMAIN)
    winner = PolicyPrediction.for_action_name(DOMAIN, "utter_language_switched", "RulePolicy", 0.3)
    winner.policy_priority = 4
    combined = DefaultPolicyPredictionEnsemble().combine_predictions([ours, winner], case, DOMAIN)
    result["ensemble"] = {
        "policy": combined.policy_name,
        "action": DOMAIN.action_names_or_texts[combined.max_confidence_index],
        "language_events": [e.value for e in combined.events if isinstance(e, SlotSet)],
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1])
