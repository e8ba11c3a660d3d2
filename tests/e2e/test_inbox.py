"""A question sent over the REST channel reaches the training inbox, redacted (issue 7).

Path under test: REST channel → Rasa → SQL event broker (var/rasa_events.db) → the
ingestion consumer (`python -m bot.ingest`, the stack's fourth process) → inbox_message →
GET /staff/api/inbox of the web app (bearer token).
"""

from __future__ import annotations

import json
import time
import urllib.request

API_TOKEN = "e2e-api-token"  # STAFF_API_TOKEN of the e2e stack (tests/e2e/conftest.py)


def _inbox(stack) -> list[dict]:
    request = urllib.request.Request(
        f"{stack.web_url}/staff/api/inbox?status=all&limit=1000",
        headers={"Authorization": f"Bearer {API_TOKEN}"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200
        return json.load(response)


def _wait_for(stack, sender: str, expected: int) -> list[dict]:
    """The consumer polls the event table every few seconds; wait (bounded) for our messages."""
    deadline = time.monotonic() + 90
    while True:
        items = [i for i in _inbox(stack) if i["conversation_id"] == sender]
        if len(items) >= expected or time.monotonic() > deadline:
            return items
        time.sleep(1)


def test_questions_appear_redacted_in_the_inbox(stack, chat):
    english = chat(language="en")
    english.send("Hi, I'm max.mustermann@example.com, call me on +49 211 1234567. "
                 "How do I get a Blue Card?")
    german = chat(language="de")
    german.send("Ich wohne in der Musterstraße 12, 40212 Düsseldorf. Muss ich mich anmelden? "
                "Mein Termin ist ESD-7K3Q9")

    [en_item] = _wait_for(stack, english.sender, 1)
    [de_item] = _wait_for(stack, german.sender, 1)

    assert en_item["text"] == "Hi, I'm <EMAIL>, call me on <PHONE>. How do I get a Blue Card?"
    assert de_item["text"] == "Ich wohne in der <ADDRESS>. Muss ich mich anmelden? Mein Termin ist <REFERENCE>"
    assert en_item["language"] == "en" and de_item["language"] == "de"
    for item in (en_item, de_item):
        assert item["status"] == "new"
        assert item["intent"] and isinstance(item["confidence"], float)
        assert item["created_at"]
    raw = json.dumps(_inbox(stack))
    for fragment in ("mustermann", "1234567", "Musterstraße", "40212", "7K3Q9"):
        assert fragment not in raw


def test_button_payloads_are_not_captured(stack, chat):
    conversation = chat(language="en")
    conversation.send("/greet")
    conversation.send("Good morning, what can you do for me?")
    items = _wait_for(stack, conversation.sender, 1)
    assert [i["text"] for i in items] == ["Good morning, what can you do for me?"]
