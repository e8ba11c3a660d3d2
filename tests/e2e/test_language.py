"""The bot answers in the conversation's language, through the real Rasa + action server.

Every bot message is checked against the domain: it must be the `de` (or `en`)
variation of the response it came from, and the `language` slot must follow.
"""

from __future__ import annotations

import re

import pytest

from tests.domain_files import responses

RESPONSES = responses()


def _pattern(text: str) -> re.Pattern:
    # "{name}" placeholders are filled in at runtime
    parts = re.split(r"\{[^{}]+\}", text.strip())
    return re.compile(".+".join(re.escape(p) for p in parts), re.DOTALL)


def _variation_texts(response: str, language: str) -> list[re.Pattern]:
    return [
        _pattern(v["text"])
        for v in RESPONSES[response]
        if v.get("text")
        and any(c.get("name") == "language" and c.get("value") == language for c in v.get("condition") or [])
    ]


class Turn:
    def __init__(self, replies: list[dict], slots: dict, active_loop: str | None):
        self.replies = replies
        self.slots = slots
        self.active_loop = active_loop

    @property
    def responses(self) -> list[str]:
        return [r["response"] for r in self.replies]


def say(conversation, text: str) -> Turn:
    """Send one message; the bot messages it caused, with the response each came from."""
    seen = sum(1 for e in conversation.tracker()["events"] if e["event"] == "bot") if conversation.sent else 0
    conversation.send(text)
    conversation.sent = True
    tracker = conversation.tracker()
    bot = [e for e in tracker["events"] if e["event"] == "bot"][seen:]
    replies = [{"response": (e.get("metadata") or {}).get("utter_action"), "text": e.get("text") or ""} for e in bot]
    return Turn(replies, tracker["slots"], (tracker.get("active_loop") or {}).get("name"))


def assert_in_language(turn: Turn, language: str) -> None:
    assert turn.replies, "the bot said nothing"
    assert turn.slots["language"] == language
    for reply in turn.replies:
        name = reply["response"]
        assert name in RESPONSES, f"not a domain response: {reply}"
        patterns = _variation_texts(name, language)
        assert any(p.fullmatch(reply["text"].strip()) for p in patterns), (
            f"{name} was not sent in its `{language}` variation: {reply['text']!r}"
        )


@pytest.fixture
def talk(chat):
    def _talk(language: str | None = None):
        conversation = chat(language)
        conversation.sent = False
        return conversation

    return _talk


@pytest.mark.parametrize(
    ("page", "greeting", "question", "thanks"),
    [
        ("de", "Hallo", "Wie bekomme ich eine Steuer-ID?", "Danke!"),
        ("en", "Hello", "How do I get a tax ID?", "thanks"),
    ],
)
def test_conversation_in_one_language(talk, page, greeting, question, thanks):
    c = talk(page)
    turn = say(c, greeting)
    assert turn.responses == ["utter_greet"]
    assert_in_language(turn, page)
    turn = say(c, question)
    assert turn.responses[0] == "utter_tax_id"
    assert_in_language(turn, page)
    assert_in_language(say(c, thanks), page)


def test_code_switched_question_is_answered_in_english(talk):
    c = talk("de")  # a German page, an English question with a German term
    turn = say(c, "where do I get the Meldebescheinigung?")
    assert_in_language(turn, "en")
    assert "utter_default" not in turn.responses


def test_german_question_with_english_terms_is_answered_in_german(talk):
    c = talk("en")
    turn = say(c, "Kann ich mit meiner Blue Card den Job wechseln?")
    assert_in_language(turn, "de")


@pytest.mark.parametrize(
    ("page", "opening", "short_messages"),
    [
        ("en", "Hello", ["ok", "Danke", "Steuernummer?"]),
        ("de", "Hallo", ["ok", "Thanks", "Blue Card"]),
    ],
)
def test_short_messages_keep_the_language(talk, page, opening, short_messages):
    c = talk(page)
    say(c, opening)
    for text in short_messages:
        turn = say(c, text)
        assert turn.slots["language"] == page, text
        if turn.replies:
            assert_in_language(turn, page)


def test_explicit_switch_and_back(talk):
    c = talk("de")
    assert_in_language(say(c, "Hallo"), "de")
    turn = say(c, "Can we speak English?")
    assert turn.responses == ["utter_language_switched"]
    assert_in_language(turn, "en")
    assert say(c, "ok").slots["language"] == "en"
    turn = say(c, "Bitte auf Deutsch")
    assert turn.responses == ["utter_language_switched"]
    assert_in_language(turn, "de")
    # A request that names no language switches to the other one.
    turn = say(c, "Sprache ändern")
    assert turn.responses == ["utter_language_switched"]
    assert_in_language(turn, "en")
    turn = say(c, "change language please")
    assert turn.responses == ["utter_language_switched"]
    assert_in_language(turn, "de")


def test_switch_inside_the_consultation_form_keeps_the_answers(talk):
    c = talk("de")
    turn = say(c, "Ich möchte einen Beratungstermin buchen")
    assert turn.responses[-1] == "utter_ask_privacy_consent"
    assert_in_language(turn, "de")
    assert say(c, "ja").responses[-1] == "utter_ask_person_name_and_email"
    turn = say(c, "Privatperson")
    assert turn.responses[-1] == "utter_ask_person_name_and_email"
    assert_in_language(turn, "de")

    turn = say(c, "Sorry, can we speak English?")
    assert turn.responses == ["utter_language_switched", "utter_ask_person_name_and_email"]
    assert_in_language(turn, "en")
    assert turn.active_loop == "consultation_form"
    assert turn.slots["privacy_consent"] == "yes"
    assert turn.slots["client_type"] == "individual"
    assert turn.slots["person_name"] is None

    turn = say(c, "Maria Schmidt")
    assert turn.slots["person_name"] == "Maria Schmidt"
    assert turn.responses[-1] == "utter_ask_email"
    assert_in_language(turn, "en")


@pytest.mark.parametrize("page", ["de", "en"])
def test_the_first_answer_is_in_the_page_language(talk, page):
    """Nothing has set the language before the first message (no session-start action):
    the decision for the first message already gives the page language."""
    c = talk(page)
    turn = say(c, "Blue Card?")  # too short to tell a language
    assert turn.responses[0] == "utter_blue_card"
    assert_in_language(turn, page)
    events = c.tracker()["events"]
    first_user = next(i for i, e in enumerate(events) if e["event"] == "user")
    session_start = events[:first_user]
    assert [e["name"] for e in session_start if e["event"] == "action"][0] == "action_session_start"
    assert not [e for e in session_start if e["event"] == "slot" and e["name"] == "language"]


def test_a_switch_request_naming_no_language_flips_each_time(talk):
    c = talk("de")
    turn = say(c, "Sprache ändern")  # the first message: from the page language
    assert turn.responses == ["utter_language_switched"]
    assert_in_language(turn, "en")
    for language in ("de", "en"):
        turn = say(c, "Sprache ändern")
        assert turn.responses == ["utter_language_switched"]
        assert_in_language(turn, language)
    turn = say(c, "other language please")
    assert turn.responses == ["utter_language_switched"]
    assert_in_language(turn, "de")


@pytest.mark.parametrize(
    ("page", "text", "language"),
    [
        ("de", "Kann ich auch Englisch mit Ihnen sprechen?", "en"),
        ("de", "Können wir auf Englisch weitermachen?", "en"),
        ("de", "Geht das auch auf Englisch?", "en"),
        ("de", "Is English possible too?", "en"),
        ("en", "Could we do this in German?", "de"),
    ],
)
def test_requests_in_the_other_languages_frame_switch(talk, page, text, language):
    c = talk(page)
    assert_in_language(say(c, "Hallo" if page == "de" else "Hello"), page)
    turn = say(c, text)
    assert turn.responses == ["utter_language_switched"]
    assert_in_language(turn, language)
    # The language is kept afterwards.
    turn = say(c, "Danke")
    assert_in_language(turn, language)


def test_each_change_is_a_slot_event_in_the_event_stream(talk):
    c = talk("de")
    for text in ("Hallo", "ok", "Can we speak English?", "thanks", "Sprache ändern"):
        say(c, text)
    events = c.tracker()["events"]
    changes = [e["value"] for e in events if e["event"] == "slot" and e["name"] == "language"]
    assert changes == ["de", "en", "de"]  # the first message, then only changes
    # Each one comes after its user message and before the turn's first action.
    for index, event in enumerate(events):
        if event["event"] == "slot" and event["name"] == "language":
            before = [e["event"] for e in events[:index] if e["event"] in ("user", "action")]
            assert before[-1] == "user"


def test_action_server_down_apology_follows_the_decision(chat, stack):
    """The apology is in the conversation's language as decided for the message, not
    merely the page's: the decision runs inside Rasa, the action server is not needed."""
    stack.stop_process("actions")
    try:
        for page, text, words in (("de", "I would like to book a consultation, please", "Sorry"),
                                  ("en", "Ich möchte einen Beratungstermin buchen", "Entschuldigung"),
                                  ("de", "Beratung buchen", "Entschuldigung")):
            conversation = chat(language=page)
            replies = conversation.send(text)
            assert replies and words in replies[-1]["text"], (text, replies)
    finally:
        stack.start_process("actions")
        stack.wait_ready(timeout=120)
