"""Erasure through the real stack (issue 15's proof): a user books by chat with a unique name and
address; the privacy API exports it (the ticket is in the export), erases it, and then no store
of the stack holds the address or the name: the SQLite files with their journals and WAL (app
database, Rasa's tracker store and event broker), the outbox, the log files."""

from __future__ import annotations

import asyncio
import json
import re
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest

from bot.tools.seed import seed
from tests.e2e.test_handoff import REFERENCE

# What a user answers to each question of the booking form, whatever order it asks in.
ANSWERS = {
    "privacy_consent": "ja, einverstanden",
    "consultation_slot": "1",
    "client_type": "für mich privat",
    "booking_confirmed": "ja",
}


@pytest.fixture(scope="module")
def seeded(stack):
    asyncio.run(seed(stack.settings.database_url, stack.settings.timezone))


def api(stack, method: str, path: str, body: dict | None = None) -> dict:
    request = urllib.request.Request(
        f"{stack.web_url}{path}", method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Authorization": f"Bearer {stack.settings.staff_api_token}",
                 "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.load(response)


def book(conversation, name: str, email: str) -> str:
    """Answer whatever the form asks until the confirmation names a reference."""
    replies = conversation.send("Ich möchte einen Beratungstermin buchen")
    for _ in range(12):
        text = "\n".join(r.get("text", "") for r in replies)
        found = REFERENCE.search(text)
        if found:
            return found.group(0)
        asked = conversation.tracker()["slots"].get("requested_slot")
        answer = ANSWERS.get(asked) or f"{name}, {email}"
        replies = conversation.send(answer)
    raise AssertionError(f"no booking reached; last reply {replies!r}")


def stored_files(stack) -> list[Path]:
    """Every file the stack writes: its var folder (databases with -wal/-journal, outbox) and
    the logs."""
    roots = [stack.var_dir, stack.log_dir, stack.settings.mail_outbox]
    return sorted({p for root in roots if root and root.exists() for p in root.rglob("*")
                   if p.is_file()})


def holding(stack, needles: list[str]) -> list[str]:
    found = []
    for path in stored_files(stack):
        raw = path.read_bytes()
        for needle in needles:
            if needle.encode() in raw or needle.lower().encode() in raw.lower():
                found.append(f"{path.name}: {needle}")
    return found


def test_a_booked_client_is_exported_then_erased_from_every_store(chat, stack, seeded):
    tag = uuid.uuid4().hex[:8].translate(str.maketrans("0123456789", "ghijklmnop"))
    name, email = f"Quirin Xylander{tag}", f"quirin.{tag}@example.org"
    conversation = chat(language="de")
    reference = book(conversation, name, email)
    assert holding(stack, [email]), "the booking should be stored somewhere first"

    exported = api(stack, "GET", "/staff/api/privacy/export?" + urllib.parse.urlencode({"email": email}))
    assert [t["reference"] for t in exported["tickets"]] == [reference]
    assert exported["conversations"][0]["conversation_id"] == conversation.sender

    time.sleep(2 * stack.settings.inbox_poll_seconds)  # let ingestion catch up with the chat
    erased = api(stack, "POST", "/staff/api/privacy/erase", {"email": email})["erased"]
    assert erased["tickets"] == 1 and erased["bookings_cancelled"] == 1
    assert holding(stack, [email, name, f"Xylander{tag}"]) == []
    again = api(stack, "GET", "/staff/api/privacy/export?" + urllib.parse.urlencode({"email": email}))
    assert again["tickets"] == [] and again["conversations"] == []
    # The conversation itself is gone from Rasa: its tracker starts empty.
    events = [e for e in conversation.tracker()["events"] if e["event"] in ("user", "bot")]
    assert events == []


def test_the_privacy_api_refuses_bad_input_through_the_stack(stack):
    with pytest.raises(urllib.error.HTTPError) as refused:
        api(stack, "POST", "/staff/api/privacy/erase", {"email": "no address"})
    assert refused.value.code == 400
    assert re.search("email", refused.value.read().decode())
