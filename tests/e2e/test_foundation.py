"""The stack answers in German and English through the REST channel, with our action server."""

import json
import urllib.request

import pytest


def _get(url: str) -> tuple[int, dict]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, json.load(response)


def test_hallo_is_answered_in_german(chat):
    conversation = chat()
    replies = conversation.texts("Hallo")
    assert replies and replies[0].startswith("Hallo!")
    assert conversation.tracker()["slots"]["language"] == "de"


def test_hello_is_answered_in_english(chat):
    conversation = chat()
    replies = conversation.texts("Hello")
    assert replies and replies[0].startswith("Hello!")
    assert conversation.tracker()["slots"]["language"] == "en"


def test_page_language_is_applied_at_the_first_message(chat):
    """The session starts with Rasa's own action_session_start; the page language (message
    metadata) sets the slot at the first message (rasa_side.policies.language)."""
    conversation = chat(language="de")
    conversation.send("ok")
    tracker = conversation.tracker()
    assert tracker["slots"]["language"] == "de"
    actions = [e["name"] for e in tracker["events"] if e["event"] == "action"]
    assert actions[0] == "action_session_start"


def test_health_endpoints(stack):
    assert _get(f"{stack.web_url}/health") == (200, {"status": "ok"})
    assert _get(f"{stack.action_url}/health")[0] == 200
    status, body = _get(f"{stack.rasa_url}/status?token={stack.settings.rasa_token}")
    assert status == 200 and body["model_file"].startswith("model-")


def test_rasa_http_api_needs_the_token(stack):
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(f"{stack.rasa_url}/status", timeout=10)
    assert error.value.code in (401, 403)
