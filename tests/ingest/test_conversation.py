"""The per-conversation state, event by event (bot/ingest/conversation.py)."""

from __future__ import annotations

from bot.ingest.conversation import ConversationState, OpenTurn


def _user(text: str, language: str | None = None, page: str | None = None) -> dict:
    entities = [{"entity": "language", "value": language}] if language else []
    return {"event": "user", "text": text, "timestamp": 1796021766.0,
            "metadata": {"language": page} if page else {},
            "parse_data": {"intent": {"name": "greet", "confidence": 0.8}, "entities": entities}}


def _run(events: list[dict], state: ConversationState | None = None):
    state = state or ConversationState()
    done = []
    for event in events:
        state, message = state.step(event, "c")
        if message is not None:
            done.append(message)
    return state, done


LISTEN = {"event": "action", "name": "action_listen"}


def test_a_message_waits_for_the_end_of_its_turn_and_takes_the_slot_it_set():
    state, done = _run([{"event": "slot", "name": "language", "value": "de"}, _user("ok")])
    assert done == [] and state.turn is not None
    state, done = _run([{"event": "slot", "name": "language", "value": "en"}, LISTEN], state)
    assert [(m.text, m.language) for m in done] == [("ok", "en")] and state.turn is None


def test_detected_language_beats_the_slot_which_beats_the_page():
    _, done = _run([{"event": "slot", "name": "language", "value": "en"},
                    _user("Hallo", language="de", page="en"), LISTEN,
                    _user("ok", page="de"), LISTEN])
    assert [m.language for m in done] == ["de", "en"]
    _, done = _run([_user("Kita", page="de"), LISTEN])
    assert done[0].language == "de"


def test_the_next_message_ends_a_turn_without_action_listen():
    _, done = _run([_user("eins"), _user("zwei"), _user("/affirm")])
    assert [m.text for m in done] == ["eins", "zwei"]


def _asked(text: str, intent: str) -> dict:
    event = _user(text)
    event["parse_data"]["intent"] = {"name": intent, "confidence": 0.9}
    return event


ASKING_EMAIL = [{"event": "active_loop", "name": "consultation_form"},
                {"event": "slot", "name": "requested_slot", "value": "email"}, LISTEN]


def test_form_answers_never_become_inbox_items():
    state, done = _run([
        *ASKING_EMAIL,
        _user("jane@example.org"), {"event": "slot", "name": "email", "value": "jane@example.org"},
        {"event": "slot", "name": "requested_slot", "value": "person_name"}, LISTEN,
        _asked("Jane Doe", "nlu_fallback"), LISTEN,  # answered, even without a slot event
        _asked("jane@", "visa_entry"), {"event": "slot", "name": "person_name", "value": None},
        LISTEN,  # an invalid answer is an answer too, whatever the model thought it was
        {"event": "active_loop", "name": None},
        {"event": "slot", "name": "requested_slot", "value": None}, LISTEN,
        _user("Do I need a visa?"), LISTEN,
    ])
    assert [(m.text, m.requested_slot) for m in done] == [("Do I need a visa?", None)]
    assert (state.active_loop, state.requested_slot) == (None, None)


def test_a_topic_question_mid_form_stays_a_question():
    _, done = _run([*ASKING_EMAIL, _asked("Brauche ich ein Visum?", "visa_entry"), LISTEN])
    assert [(m.text, m.requested_slot) for m in done] == [("Brauche ich ein Visum?", "email")]


def test_a_form_answer_survives_json_while_its_turn_is_open():
    state, _ = _run([*ASKING_EMAIL, _asked("my mail: x", "visa_entry"),
                     {"event": "slot", "name": "email", "value": None}])
    restored = OpenTurn.from_json(state.turn.to_json())
    assert restored.answered_form and restored == state.turn


def test_a_new_session_or_restart_resets_slots_and_forms():
    asking = ConversationState(language="de", requested_slot="email", active_loop="consultation_form")
    for kind in ("session_started", "restart"):
        state, _ = asking.step({"event": kind}, "c")
        assert state == ConversationState()
    state, _ = asking.step({"event": "reset_slots"}, "c")
    assert (state.language, state.requested_slot, state.active_loop) == (None, None, "consultation_form")


def test_an_open_turn_survives_json():
    state, _ = _run([_user("Wo ist das Bürgerbüro?", page="de")])
    assert OpenTurn.from_json(state.turn.to_json()) == state.turn
