"""Hand-built Trackers and the real domain (domain/*.yml and knowledge/) for action tests: what the action
server would pass to an action after the user said something."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from tests.domain_files import domain_files, responses


def load_domain() -> dict[str, Any]:
    domain: dict[str, Any] = {"responses": {}, "slots": {}, "forms": {}}
    for part in domain_files().values():
        for key in domain:
            domain[key].update(part.get(key) or {})
    domain["responses"] = responses()  # with the answers generated from knowledge/
    return domain


DOMAIN = load_domain()


def tracker(slots: dict | None = None, text: str = "", intent: str | None = None,
            set_slots: dict | None = None, events: list | None = None,
            active_loop: str | None = None, ranking: list | None = None,
            trigger: dict | None = None) -> Tracker:
    """A tracker after the user said `text`; `set_slots` were extracted from it; `trigger` is
    the message that activated `active_loop` (Rasa keeps it with the loop)."""
    slots = {"language": "en", **(slots or {}), **(set_slots or {})}
    latest = {"text": text, "intent": {"name": intent, "confidence": 0.9} if intent else {},
              "intent_ranking": ranking or [], "entities": []}
    all_events = list(events or []) + [
        {"event": "user", "text": text, "timestamp": 1_796_000_000.0,
         "parse_data": {"intent": latest["intent"]}}
    ] + [{"event": "slot", "name": k, "value": v} for k, v in (set_slots or {}).items()]
    return Tracker("conv-test", slots, latest, all_events, False, None,
                   {"name": active_loop, **({"trigger_message": trigger} if trigger else {})}
                   if active_loop else {}, "action_listen")


def responses(dispatcher: CollectingDispatcher) -> list[str]:
    return [m.get("response") for m in dispatcher.messages]


def slot_events(events: list) -> dict:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
