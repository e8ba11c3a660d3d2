"""The suite's scoring and files without servers: a fake transcript, a fake store."""

from __future__ import annotations

import io
import re
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from tests.domain_files import domain_files, responses
from tests.dialogue.moments import DESK_TZ, Moment, local_start, resolve_day
from tests.dialogue.report import SuiteResult, TurnResult, print_report
from tests.dialogue.runner import turn_observation
from tests.dialogue.scoring import Context, Mail, Observation, check_turn
from tests.dialogue.suite import Conversation, Turn, load_suite, merge

WEDNESDAY = date(2026, 12, 2)
TUESDAY_10 = datetime(2026, 12, 8, 10, 0, tzinfo=DESK_TZ)


class FakeStore:
    def __init__(self, ticket=None, booked=(), mails=()):
        self._ticket, self._booked, self._mails = ticket, set(booked), list(mails)

    def ticket(self):
        return self._ticket

    def setup_booking(self):
        return None

    def slot_booked(self, name):
        return name in self._booked

    def mails(self, to, at_least=0):
        return [m for m in self._mails if m.to == to]


def observation(text="", actions=(), asks=None, **slots) -> Observation:
    return Observation([{"text": text}], list(actions), {"requested_slot": asks, **slots},
                       "consultation_form" if asks else None)


CTX = Context("de", {"a": Moment(TUESDAY_10, "de")}, {"booking.reference": "ESD-7K3Q9"})


def test_a_turn_passes_when_every_expectation_holds():
    obs = observation("Dienstag, 8. Dezember 2026, 10:00 Uhr – soll ich buchen?", ["utter_x"],
                      asks="consultation_slot", email="anna.k@web.de")
    expect = {"utters": ["utter_x"], "asks": "consultation_slot", "slots": {"email": "anna.k@web.de"},
              "says_re": ["{a.when}", "{a.clock}"], "not_says": ["Schaltflächen"]}
    assert check_turn(expect, obs, None, CTX) == []


@pytest.mark.parametrize("expect", [
    {"utters": ["utter_handoff_booked"]},
    {"not_utters": ["utter_x"]},
    {"asks": "email"},
    {"asks_same": True},
    {"not_asks": ["consultation_slot"]},
    {"slots": {"person_name": "Anna Kowalski"}},
    {"slots": {"email": None}},
    {"slots": {"email": {"re": "^[^@]+$"}}},
    {"language": "en"},
    {"says": ["ESD-"]},
    {"says_re": ["{a.when}, 11:00"]},
    {"not_says_re": ["Dezember"]},
    {"stored": {"ticket": {"name": "Anna"}}},
    {"stored": {"booked": ["a"]}},
    {"stored": {"mail": {"to": "anna.k@web.de"}}},
])
def test_a_turn_with_one_failed_expectation_fails(expect):
    obs = observation("Dienstag, 8. Dezember 2026, 10:00 Uhr", ["utter_x"],
                      asks="consultation_slot", email="anna.k@web.de", language="de")
    failures = check_turn(expect, obs, FakeStore(), CTX)
    assert len(failures) == 1, failures


def test_alternative_response_names():
    obs = observation("ok", ["utter_b"])
    assert check_turn({"utters": ["utter_a|utter_b"]}, obs, None, CTX) == []
    assert check_turn({"utters": ["utter_a|utter_c"]}, obs, None, CTX)


def test_asks_may_name_alternatives():
    obs = observation("ok", asks="booking_confirmed")
    assert check_turn({"asks": ["consultation_slot", "booking_confirmed"]}, obs, None, CTX) == []
    assert check_turn({"asks": ["consultation_slot"]}, obs, None, CTX)
    assert check_turn({"asks": None}, observation("ok"), None, CTX) == []


def test_a_turn_without_a_reply_fails():
    assert check_turn({}, Observation([], [], {}, None), None, CTX) == ["a reply (got none)"]


def test_stored_ticket_mail_and_calendar():
    ics = "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nDTSTART;TZID=Europe/Berlin:20261208T100000\r\nEND:VCALENDAR"
    store = FakeStore(
        ticket={"name": "Anna Kowalski", "booked": True, "slot": "a", "topic": "blue_card"},
        booked={"a"}, mails=[Mail("anna.k@web.de", "Termin ESD-7K3Q9", "Guten Tag", [ics])])
    expect = {"stored": {"ticket": {"name": "Anna Kowalski", "booked": True, "slot": "a",
                                    "topic": {"re": "blue"}},
                         "booked": ["a"],
                         "mail": {"to": "anna.k@web.de", "count": 1, "says": ["{booking.reference}"],
                                  "ics_method": "REQUEST", "ics_slot": "a"}}}
    assert check_turn(expect, observation("ok"), store, CTX) == []
    cancel = {"stored": {"mail": {"to": "anna.k@web.de", "ics_method": "CANCEL"}}}
    assert check_turn(cancel, observation("ok"), store, CTX) == ["iCalendar METHOD:CANCEL"]
    assert check_turn({"stored": {"ticket": False}}, observation("ok"), store, CTX)
    none = {"stored": {"mail": {"to": "nobody@example.org", "count": 0}}}
    assert check_turn(none, observation("ok"), store, CTX) == []
    one = {"stored": {"mail": {"to": "anna.k@web.de", "count": 0}}}
    assert check_turn(one, observation("ok"), store, CTX) == ["0 mail(s) to anna.k@web.de (got 1)"]


def test_the_observation_is_the_last_turn_of_the_tracker():
    tracker = {"events": [
        {"event": "user", "text": "hi"}, {"event": "bot", "metadata": {"utter_action": "utter_greet"}},
        {"event": "user", "text": "book"}, {"event": "bot", "metadata": {"utter_action": "utter_ask_privacy_consent"}},
        {"event": "bot", "metadata": {}},
    ], "slots": {"requested_slot": "privacy_consent"}, "active_loop": {"name": "consultation_form"}}
    obs = turn_observation([{"text": "…"}], tracker)
    assert obs.actions == ["utter_ask_privacy_consent"] and obs.asks == "privacy_consent"


def test_day_specs_and_date_patterns():
    assert resolve_day("weekday:wed", WEDNESDAY) == date(2026, 12, 9)  # a bare weekday is ahead
    assert resolve_day("workday+3", date(2026, 12, 4)) == date(2026, 12, 9)  # Fri → Wed
    assert resolve_day("next_week:tue", WEDNESDAY) == date(2026, 12, 8)
    assert local_start("+1", "09:30", WEDNESDAY).isoformat() == "2026-12-03T09:30:00+01:00"
    en = Context("en", {"a": Moment(TUESDAY_10, "en")})
    for text in ("Tuesday, 8 December 2026, 10:00", "Tue 8 Dec, 10 am", "Tuesday, December 8 at 10:00"):
        assert check_turn({"says_re": ["{a.when}", "{a.clock}"]}, observation(text), None, en) == []
    assert check_turn({"says_re": ["{a.when}"]}, observation("Tuesday, 18 December"), None, en)
    assert CTX.text("{a.weekday} um {a.hour}, {a.ddmm}, {a.key}") == "Dienstag um 10, 8.12., 2026-12-08 10:00"


def test_forbidden_things_apply_to_every_turn():
    merged = merge({"not_utters": ["utter_a"]}, {"not_utters": ["utter_b"], "not_says_re": ["x"]})
    assert merged == {"not_utters": ["utter_a", "utter_b"], "not_says_re": ["x"]}
    with pytest.raises(ValueError):
        merge({}, {"asks": "email"})


def test_the_report_counts_failed_turns_per_language():
    result = SuiteResult()
    conversation = Conversation("de/x", "de", "", True, (Turn("a", {}), Turn("b", {})))
    result.add(conversation, [TurnResult("de/x", 1, "a", [], "ok"),
                              TurnResult("de/x", 2, "b", ["asks 'email'"], "hm")])
    out = io.StringIO()
    print_report(result, out)
    assert result.rate == 0.5 and "de: turns 1/2 passed (50.0%)" in out.getvalue()
    assert "[de/x] turn 2" in out.getvalue() and "expected asks 'email'" in out.getvalue()
    result.add(Conversation("de/y", "de", "", True, (Turn("c", {}, "consultation_slot"),)),
               [TurnResult("de/y", 1, "c", [], "", skipped=True)])
    assert result.rate == 0.5 and result.played == 2 and result.skipped("de") == 1


def test_the_suite_files():
    conversations = load_suite()
    assert len(conversations) >= 40
    for language in ("de", "en"):
        assert len([c for c in conversations if c.language == language]) >= 20
    typed = [c for c in conversations if c.typed]
    assert len(typed) >= 30
    for conversation in typed:  # typed means no button payloads
        for turn in conversation.turns:
            assert not turn.user.startswith("/") and "key}" not in turn.user, conversation.id
    for conversation in conversations:
        slots = conversation.setup.get("slots") or []
        for today in (WEDNESDAY + timedelta(days=n) for n in range(7)):  # one start per slot
            starts = [local_start(s["day"], s["time"], today) for s in slots]
            assert len(set(starts)) == len(starts), (conversation.id, today)
        names = {s["name"] for s in slots}
        for turn in conversation.turns:
            for placeholder in re.findall(r"\{([a-z_]+)\.", str(turn)):
                assert placeholder in names | {"booking"}, (conversation.id, placeholder)
    assert Path(__file__).with_name("conversations").joinpath("defaults.yml").exists()


def test_names_the_suite_uses_exist_in_the_domain():
    """Response and slot names follow the domain (re-aligned when it renames them)."""
    known = set(responses())
    slots = {name for content in domain_files().values() for name in content.get("slots") or {}}
    slots.add("requested_slot")
    for conversation in load_suite():
        for turn in conversation.turns:
            expect = merge(turn.expect, conversation.forbid)
            for key in ("utters", "not_utters"):
                for names in expect.get(key) or []:
                    for name in names.split("|"):
                        assert name in known, (conversation.id, name)
            asked = expect.get("asks")
            for name in [*(asked if isinstance(asked, list) else [asked]), *(expect.get("not_asks") or []),
                         *(expect.get("slots") or {}), turn.when_asks]:
                assert name is None or name in slots, (conversation.id, name)
