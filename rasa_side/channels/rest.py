"""The REST channel, never silent: if a turn produced no reply, the user gets an apology.

Rasa 3.6 logs a failing or unreachable custom action and carries on without a reply, so
the person in the chat would see nothing. This channel (registered in credentials.yml
instead of the built-in `rest`, same URL `/webhooks/rest/webhook`) adds the localized
response `utter_handoff_action_failed` (apology + the desk's contact page) whenever a
turn ends without any bot message, in the conversation's language (the same decision as
rasa_side.policies.language, also when Rasa failed before making it). Runs inside Rasa:
imports only Rasa and the stdlib.
"""

from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from rasa.shared.core.events import SlotSet
from rasa.shared.core.trackers import DialogueStateTracker
from sanic import Blueprint, response
from sanic.request import Request

from rasa_side.policies.language import SLOT, language_after

log = logging.getLogger(__name__)

APOLOGY_RESPONSE = "utter_handoff_action_failed"
# Last resort when even the domain response cannot be generated.
STATIC_APOLOGY = (
    "Sorry, something went wrong on our side. Please try again later or contact the Expat "
    "Service Desk: https://www.expatservicedesk.de / Entschuldigung, da ist bei uns etwas "
    "schiefgelaufen. Bitte versuchen Sie es später noch einmal oder wenden Sie sich an den "
    "Expat Service Desk: https://www.expatservicedesk.de"
)


class RestInputWithApology(RestInput):
    """Same channel name and URL as Rasa's `rest` channel."""

    @classmethod
    def name(cls) -> Text:
        return "rest"

    def blueprint(
        self, on_new_message: Callable[[UserMessage], Awaitable[None]]
    ) -> Blueprint:
        webhook = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> Any:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> Any:
            sender_id = await self._extract_sender(request)
            collector = CollectingOutputChannel()
            message = UserMessage(
                self._extract_message(request), collector, sender_id,
                input_channel=self._extract_input_channel(request),
                metadata=self.get_metadata(request),
            )
            failed = False
            try:
                await on_new_message(message)
            except Exception:  # noqa: BLE001 — the user must get an answer anyway
                log.exception("message handling failed (conversation %s)", sender_id)
                failed = True
            if failed or not collector.messages:
                log.warning("turn without a reply, sending the apology (conversation %s)", sender_id)
                collector.messages.extend(await _apology(request, message))
            return response.json(collector.messages)

        return webhook


async def _apology(request: Request, message: UserMessage) -> List[Dict[Text, Any]]:
    """The domain's apology in the conversation's language."""
    sender_id = message.sender_id
    try:
        agent = request.app.ctx.agent
        tracker = await agent.processor.get_tracker(sender_id)
        tracker.update(SlotSet(SLOT, apology_language(tracker, message)))  # this copy only, not saved
        reply = await agent.nlg.generate(APOLOGY_RESPONSE, tracker, RestInputWithApology.name())
        if reply and reply.get("text"):
            return [{"recipient_id": sender_id, "text": reply["text"]}]
    except Exception:  # noqa: BLE001
        log.exception("could not generate the apology response")
    return [{"recipient_id": sender_id, "text": STATIC_APOLOGY}]


def apology_language(tracker: DialogueStateTracker, message: UserMessage) -> Text:
    """The slot, if the policy has decided it for this message (the saved turn ends with
    it); else the same decision now: Rasa failed before saving the turn, or before the
    policy ran (the slot may still be empty)."""
    latest = tracker.latest_message
    decided = latest is not None and latest.message_id == message.message_id
    if decided and tracker.get_slot(SLOT):
        return tracker.get_slot(SLOT)
    return language_after(tracker, message.text, message.metadata)
