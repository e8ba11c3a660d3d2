"""Run in the bot env by tests/test_topic_policy.py (prints JSON).

rasa_side.policies.topic.TopicPolicy asked for predictions on hand-built trackers (a domain with
two knowledge topics, one with town variants), and rasa_side.nlu.evidence.EvidenceGate on
hand-built messages.
"""

import json
import sys
from pathlib import Path

from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.training_data.message import Message

from rasa_side.nlu.evidence import EvidenceGate
from rasa_side.policies.topic import TopicPolicy

DOMAIN = Domain.from_yaml("""
version: "3.1"
intents: [blue_card, address_registration, followup, affirm, request_human, goodbye, nlu_fallback]
entities: [sub]
slots:
  context_topic: {type: text, influence_conversation: false, mappings: [{type: custom}]}
  answer_variant: {type: text, influence_conversation: false, mappings: [{type: custom}]}
  town: {type: text, influence_conversation: false, mappings: [{type: custom}]}
  district: {type: text, influence_conversation: false, mappings: [{type: custom}]}
responses:
  utter_blue_card:
    - text: overview
      buttons:
        - title: Salary
          payload: '/blue_card{"sub": "salary"}'
  utter_blue_card/salary: [{text: salary}]
  utter_blue_card/spouse:
    - text: spouse
      buttons:
        - title: Book
          payload: /request_human
  utter_blue_card_no_detail:
    - text: no detail
      buttons:
        - title: Book
          payload: /request_human
  utter_address_registration: [{text: overview}]
  utter_address_registration/appointment:
    - text: general
      condition:
        - type: slot
          name: answer_variant
          value: null
    - text: Ratingen
      condition:
        - type: slot
          name: answer_variant
          value: "town:Ratingen"
    - text: Kreis
      condition:
        - type: slot
          name: answer_variant
          value: "district:kreis_mettmann"
  utter_address_registration/cost: [{text: cost}]
  utter_address_registration_no_detail: [{text: no detail}]
  utter_followup_no_topic: [{text: "which topic?"}]
  utter_goodbye: [{text: bye}]
forms:
  consultation_form: {required_slots: []}
""")


def user(intent, confidence=0.99, subs=None, text="text?", sub=None):
    entities = [{"entity": "sub", "value": sub}] if sub else []
    return UserUttered(text, {"name": intent, "confidence": confidence}, entities,
                       {"sub_answers": subs or {}, "intent_ranking": [], "text": text})


def tracker(*events, slots=()):
    return DialogueStateTracker.from_events(
        "s", [*(SlotSet(k, v) for k, v in slots), ActionExecuted("action_listen"), *events],
        slots=DOMAIN.slots)


def predict(policy, t):
    prediction = policy.predict_action_probabilities(t, DOMAIN)
    best = max(range(len(prediction.probabilities)), key=prediction.probabilities.__getitem__)
    action = DOMAIN.action_names_or_texts[best] if prediction.probabilities[best] > 0 else None
    return {"action": action,
            "events": [[e.key, e.value] for e in prediction.events if isinstance(e, SlotSet)]}


SALARY = {"blue_card": ["salary", 0.95, 0.02, 0.9]}
CASES = {
    "topic question, general": tracker(user("blue_card", subs={"blue_card": ["salary", 0.3, 0.6, 0.9]})),
    "topic question, specific": tracker(user("blue_card", subs=SALARY)),
    "button": tracker(user("blue_card", sub="salary", text='/blue_card{"sub": "salary"}')),
    "follow-up in context": tracker(user("followup", subs=SALARY), slots=[("context_topic", "blue_card")]),
    "follow-up without an answer": tracker(
        user("followup", subs={"blue_card": ["salary", 0.6, 0.1, 0.001]}), slots=[("context_topic", "blue_card")]),
    "follow-up without a topic": tracker(user("followup", subs={"blue_card": ["salary", 0.95, 0.02, 0.1]})),
    "follow-up that names a topic": tracker(user("followup", subs=SALARY)),
    "same topic again": tracker(user("blue_card", subs={"blue_card": ["salary", 0.4, 0.9, 0.9]}),
                                slots=[("context_topic", "blue_card")]),
    "unsure message in context": tracker(user("nlu_fallback", 0.3, subs=SALARY),
                                         slots=[("context_topic", "blue_card")]),
    "booking question in context": tracker(
        user("request_human", 0.9, {"address_registration": ["appointment", 0.99, 0.02, 0.9]},
             "Brauche ich dafür einen Termin?"), slots=[("context_topic", "address_registration")]),
    "booking request in context": tracker(
        user("request_human", 0.9, {"address_registration": ["appointment", 0.99, 0.02, 0.05]},
             "Ich möchte einen Beratungstermin buchen"), slots=[("context_topic", "address_registration")]),
    "another topic": tracker(
        user("address_registration", 0.95, {"address_registration": ["cost", 0.9, 0.1, 0.8],
                                             "blue_card": ["salary", 0.9, 0.1, 0.01]}),
        slots=[("context_topic", "blue_card")]),
    "town variant": tracker(
        user("address_registration", subs={"address_registration": ["appointment", 0.9, 0.05, 0.9]}),
        slots=[("town", "Ratingen"), ("district", "kreis_mettmann")]),
    "district variant": tracker(
        user("address_registration", subs={"address_registration": ["appointment", 0.9, 0.05, 0.9]}),
        slots=[("town", "Haan"), ("district", "kreis_mettmann"), ("answer_variant", "town:Ratingen")]),
    "goodbye": tracker(user("goodbye", subs=SALARY), slots=[("context_topic", "blue_card")]),
    "yes to the consultation offered": tracker(
        user("blue_card", subs={"blue_card": ["spouse", 0.95, 0.02, 0.9]}),
        ActionExecuted("utter_blue_card/spouse"), ActionExecuted("action_listen"), user("affirm")),
    "yes after a plain answer": tracker(
        user("blue_card", subs=SALARY), ActionExecuted("utter_blue_card/salary"),
        ActionExecuted("action_listen"), user("affirm")),
    "after its answer": tracker(user("blue_card", subs=SALARY), ActionExecuted("utter_blue_card/salary")),
    "inside a form": DialogueStateTracker.from_dict("s", [
        {"event": "active_loop", "name": "consultation_form"},
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": "Blue card?", "parse_data": {
            "intent": {"name": "blue_card", "confidence": 0.99}, "entities": [],
            "sub_answers": SALARY}}], DOMAIN.slots),
}


def gate(texts):
    component = EvidenceGate.create({}, None, None, None)
    out = {}
    for text, intent, runner_up in texts:
        message = Message.build(text=text)
        message.set("intent", {"name": intent, "confidence": 0.8})
        message.set("intent_ranking", [{"name": intent, "confidence": 0.8},
                                       {"name": runner_up, "confidence": 0.15}])
        component.process([message])
        out[text] = [message.get("intent")["name"], round(message.get("intent")["confidence"], 2)]
    return out


def main(storage_dir: str) -> None:
    storage = LocalModelStorage(Path(storage_dir))
    context = ExecutionContext(GraphSchema({}), "test")
    policy = TopicPolicy.create(TopicPolicy.get_default_config(), storage,
                                Resource("topic_policy"), context)
    print(json.dumps({
        "priority": policy.priority,
        "predictions": {name: predict(policy, t) for name, t in CASES.items()},
        "gate": gate([("bye then", "goodbye", "followup"),
                      ("und wie lange gilt die?", "goodbye", "followup"),
                      ("nein danke", "deny", "affirm"),
                      ("nein, und was kostet das?", "deny", "followup"),
                      ("Auf Englisch bitte", "switch_language", "help"),
                      ("Geht das?", "switch_language", "followup"),
                      ("Ich möchte meinen Termin absagen", "cancel_booking", "request_human"),
                      ("Kann ich die Versicherung wechseln?", "cancel_booking", "health_insurance"),
                      ('/goodbye', "goodbye", "followup"),
                      ("what is the average additional contribution?", "health_insurance", "followup")]),
    }))


if __name__ == "__main__":
    main(sys.argv[1])
