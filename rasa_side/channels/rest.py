"""The REST channel, never silent: if a turn produced no reply, the user gets an apology.

Rasa 3.6 logs a failing or unreachable custom action and carries on without a reply, so
the person in the chat would see nothing. This channel (registered in credentials.yml
instead of the built-in `rest`, same URL `/webhooks/rest/webhook`) adds the localized
response `utter_handoff_action_failed` (apology + the desk's contact page) whenever a
turn ends without any bot message. Runs inside Rasa: imports only Rasa and the stdlib.
"""

from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from rasa.shared.core.events import SlotSet
from sanic import Blueprint, response
from sanic.request import Request

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
            failed = False
            try:
                await on_new_message(
                    UserMessage(
                        self._extract_message(request), collector, sender_id,
                        input_channel=self._extract_input_channel(request),
                        metadata=self.get_metadata(request),
                    )
                )
            except Exception:  # noqa: BLE001 — the user must get an answer anyway
                log.exception("message handling failed (conversation %s)", sender_id)
                failed = True
            if failed or not collector.messages:
                log.warning("turn without a reply, sending the apology (conversation %s)", sender_id)
                hint = (self.get_metadata(request) or {}).get("language")
                collector.messages.extend(await _apology(request, sender_id, hint))
            return response.json(collector.messages)

        return webhook


async def _apology(
    request: Request, sender_id: Optional[Text], page_language: Optional[Text]
) -> List[Dict[Text, Any]]:
    """The domain's apology in the conversation's language (slot `language`, or the page
    language when the slot is empty: our session start runs on the action server, which
    may be the part that is down)."""
    try:
        agent = request.app.ctx.agent
        tracker = await agent.processor.get_tracker(sender_id)
        if tracker.get_slot("language") is None and page_language in ("de", "en"):
            tracker.update(SlotSet("language", page_language))  # this copy only, not saved
        message = await agent.nlg.generate(APOLOGY_RESPONSE, tracker, RestInputWithApology.name())
        if message and message.get("text"):
            return [{"recipient_id": sender_id, "text": message["text"]}]
    except Exception:  # noqa: BLE001
        log.exception("could not generate the apology response")
    return [{"recipient_id": sender_id, "text": STATIC_APOLOGY}]
