"""An `events` table written the way Rasa 3.6's SQLEventBroker writes it.

rasa/core/brokers/sql.py: `events(id INTEGER PRIMARY KEY, sender_id VARCHAR(255), data TEXT)`
and `publish(event)` adds `SQLBrokerEvent(sender_id=event.get("sender_id"), data=json.dumps(event))`.
The event dicts below have the shape Rasa 3.6.21 produced in this project's stack.
"""

from __future__ import annotations

import json
import uuid

from sqlalchemy import Column, Integer, MetaData, String, Table, Text, create_engine

metadata = MetaData()
events_table = Table(
    "events", metadata,
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(255)),
    Column("data", Text),
)


def sync_url(url: str) -> str:
    """The app's async URL as a plain driver URL (what Rasa itself would use)."""
    return url.replace("sqlite+aiosqlite", "sqlite").replace("postgresql+asyncpg", "postgresql+psycopg")


class RasaBroker:
    def __init__(self, url: str):
        self.engine = create_engine(sync_url(url))
        metadata.create_all(self.engine)
        self.clock = 1796021766.0

    def publish(self, event: dict) -> None:
        with self.engine.begin() as conn:
            conn.execute(events_table.insert().values(sender_id=event.get("sender_id"), data=json.dumps(event)))

    def close(self) -> None:
        self.engine.dispose()

    def _meta(self, **extra) -> dict:
        return {"model_id": "44602c96437c43f59342a586aadeee81", "assistant_id": "expat-desk-assistant", **extra}

    def turn(
        self, sender: str, text: str, intent: str, confidence: float,
        ranking: list[tuple[str, float]] | None = None, entity_language: str | None = None,
        slot_language: str | None = None, page_language: str | None = None, listen: bool = True,
    ) -> None:
        """One user turn as Rasa publishes it: user, slot?, user_featurization, action, bot,
        action_listen (`listen=False`: the turn's last event is not written yet)."""
        self.clock += 1.5
        message_id = uuid.uuid4().hex
        entities = []
        if entity_language:
            entities.append({"entity": "language", "value": entity_language, "start": 0, "end": 0,
                             "confidence": 1.0, "extractor": "LanguageDetector"})
        ranking = ranking or [(intent, confidence)]
        page = {"language": page_language} if page_language else {}
        self.publish({
            "sender_id": sender, "event": "user", "timestamp": self.clock,
            "metadata": self._meta(**page), "text": text,
            "parse_data": {
                "intent": {"name": intent, "confidence": confidence}, "entities": entities,
                "text": text, "message_id": message_id, "metadata": page, "text_tokens": [[0, 1]],
                "intent_ranking": [{"name": n, "confidence": c} for n, c in ranking],
            },
            "input_channel": "rest", "message_id": message_id,
        })
        if slot_language:
            self.slot(sender, "language", slot_language)
        self.publish({"sender_id": sender, "event": "user_featurization", "timestamp": self.clock + 0.002,
                      "metadata": self._meta(), "use_text_for_featurization": False})
        self.publish({"sender_id": sender, "event": "action", "timestamp": self.clock + 0.003,
                      "metadata": self._meta(), "name": "utter_greet", "policy": "RulePolicy",
                      "confidence": 1.0, "action_text": None, "hide_rule_turn": False})
        self.publish({"sender_id": sender, "event": "bot", "timestamp": self.clock + 0.004,
                      "metadata": self._meta(utter_action="utter_greet"), "text": "Hello!",
                      "data": {"elements": None, "quick_replies": None, "buttons": None,
                               "attachment": None, "image": None, "custom": None}})
        if listen:
            self.listen(sender)

    def listen(self, sender: str) -> None:
        """The end of a turn: Rasa's prediction loop stops at `action_listen`."""
        self.publish({"sender_id": sender, "event": "action", "timestamp": self.clock + 0.005,
                      "metadata": self._meta(), "name": "action_listen", "policy": "RulePolicy",
                      "confidence": 1.0, "action_text": None, "hide_rule_turn": False})

    def slot(self, sender: str, name: str, value) -> None:
        self.publish({"sender_id": sender, "event": "slot", "timestamp": self.clock + 0.001,
                      "metadata": self._meta(), "name": name, "value": value})

    def form(self, sender: str, name: str | None, requested_slot: str | None) -> None:
        """A form starts asking for `requested_slot`, or (name None) ends."""
        self.publish({"sender_id": sender, "event": "active_loop", "timestamp": self.clock + 0.001,
                      "metadata": self._meta(), "name": name})
        self.slot(sender, "requested_slot", requested_slot)

    def session_start(self, sender: str, page_language: str | None = None) -> None:
        self.clock += 1
        if page_language:
            self.publish({"sender_id": sender, "event": "slot", "timestamp": self.clock,
                          "metadata": self._meta(), "name": "session_started_metadata",
                          "value": {"language": page_language}})
        self.publish({"sender_id": sender, "event": "action", "timestamp": self.clock,
                      "metadata": self._meta(), "name": "action_session_start", "policy": None,
                      "confidence": 1.0, "action_text": None, "hide_rule_turn": False})
        self.publish({"sender_id": sender, "event": "session_started", "timestamp": self.clock,
                      "metadata": self._meta()})
        if page_language:  # actions/session_start.py: the page language starts the slot
            self.slot(sender, "language", page_language)
        self.listen(sender)
