"""Per-conversation state, updated event by event from the ordered stream.

Rasa writes a turn as: user message, then what the turn did (slot events such as the
`language` the NLU component or an action set, form events, bot replies), then
`action_listen`. A message whose own language the model did not detect gets the
conversation's `language` slot as it stands at the end of its turn, so the state holds
the message (`turn`) until the turn is over. The state also keeps whether a form is
asking for a slot: a message sent then answers the form and is dropped — names, addresses
and dates typed into a form are no questions (issue 15) — unless it asked about a topic
and did not set the asked slot.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from datetime import datetime
from typing import Any

from bot.desk.intents import topic_intents
from bot.desk.languages import known
from bot.ingest.capture import Captured, capture, page_language

# Rasa events after which the tracker starts from empty slots and no active form.
RESETS = ("session_started", "restart")


@dataclass(frozen=True)
class OpenTurn:
    """A typed message whose turn has not ended yet (redacted: never the raw text)."""

    message: Captured
    page_language: str | None = None
    # The turn set the slot the form had asked for (any value, an invalid one too): the
    # message answered the form — a name, an address, a date — and is no question.
    answered_form: bool = False

    def to_json(self) -> dict[str, Any]:
        message = asdict(self.message)
        message["timestamp"] = self.message.timestamp.isoformat()
        return {"message": message, "page_language": self.page_language,
                "answered_form": self.answered_form}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "OpenTurn":
        message = dict(data["message"])
        message["timestamp"] = datetime.fromisoformat(message["timestamp"])
        return cls(Captured(**message), data.get("page_language"),
                   bool(data.get("answered_form")))


@dataclass(frozen=True)
class ConversationState:
    language: str | None = None
    requested_slot: str | None = None
    active_loop: str | None = None
    turn: OpenTurn | None = None

    def step(self, event: dict[str, Any], sender_id: str | None) -> tuple["ConversationState", Captured | None]:
        """The state after `event`, and the message whose turn `event` ended (if any)."""
        kind = event.get("event")
        if kind == "user":
            state, done = self.end_turn()
            asked = state.requested_slot if state.active_loop else None
            item = capture(event, sender_id, requested_slot=asked)
            if item is not None:
                state = replace(state, turn=OpenTurn(item, page_language(event)))
            return state, done
        if kind == "action" and event.get("name") == "action_listen":
            return self.end_turn()
        if kind in RESETS:
            state, done = self.end_turn()
            return ConversationState(), done
        if kind == "reset_slots":
            return replace(self, language=None, requested_slot=None), None
        if kind == "active_loop":
            return replace(self, active_loop=event.get("name")), None
        if kind == "slot" and event.get("name") == "language":
            return replace(self, language=known(event.get("value"))), None
        if kind == "slot" and event.get("name") == "requested_slot":
            return replace(self, requested_slot=event.get("value")), None
        if kind == "slot" and self.turn and event.get("name") == self.turn.message.requested_slot:
            return replace(self, turn=replace(self.turn, answered_form=True)), None
        return self, None

    def end_turn(self) -> tuple["ConversationState", Captured | None]:
        """The open message with its language decided: what the model detected for it,
        else the conversation's language slot, else the page the widget runs on. A form
        answer ends the turn without a message: it never becomes an inbox item. While a form
        asks, only a question on a topic (which the form gives way to) is one."""
        if self.turn is None:
            return self, None
        message = self.turn.message
        if self.turn.answered_form or (message.requested_slot
                                       and message.intent not in topic_intents()):
            return replace(self, turn=None), None
        message = self.turn.message
        language = message.language or self.language or self.turn.page_language
        return replace(self, turn=None), replace(message, language=language)
