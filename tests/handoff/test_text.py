"""Pure hand-off helpers: references, sanitising, dates, short answers, transcripts, labels."""

import random
from datetime import datetime, timezone
from pathlib import Path

import pytest
import yaml

from bot.handoff import answers
from bot.handoff.dates import format_button, format_datetime, parse_slot_key, slot_key
from bot.desk.intents import topic_intents
from bot.desk.references import ALPHABET, find_reference, new_reference, normalize_reference
from bot.handoff.labels import (
    did_you_mean, named_topic, response_text, suggested_topic, turn_topic,
)
from bot.handoff.sanitize import clean_line, clean_text
from bot.handoff.transcript import transcript_from_events

CONTRACT = Path(__file__).resolve().parents[3] / "shared" / "spec" / "intents.yml"


def test_reference_format_and_alphabet():
    references = {new_reference(random.Random(seed).choice) for seed in range(2000)}
    assert len(references) > 1990  # 27^5 combinations: collisions are rare
    for reference in references:
        prefix, code = reference.split("-")
        assert prefix == "ESD" and len(code) == 5 and set(code) <= set(ALPHABET)
    assert not set("0O1IL58SB") & set(ALPHABET)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("ESD-7K3Q9", "ESD-7K3Q9"), ("esd 7k3q9", "ESD-7K3Q9"), ("7K3Q9", "ESD-7K3Q9"),
     ("ESD-7K3Q", None), ("ESD-0K3Q9", None), ("hello", None), ("", None)],
)
def test_normalize_reference(typed, expected):
    assert normalize_reference(typed) == expected


def test_find_reference_in_a_sentence():
    assert find_reference("my reference is esd-7k3q9, thanks") == "ESD-7K3Q9"
    assert find_reference("no reference here") is None


def test_clean_text_strips_controls_keeps_markup_as_text():
    hostile = "<script>alert(1)</script>\x00\x07 Robert'); DROP TABLE ticket;--\u202e\r\nline2"
    cleaned = clean_text(hostile)
    assert cleaned == "<script>alert(1)</script> Robert'); DROP TABLE ticket;--\nline2"
    assert len(clean_text("x" * 10_000, 4000)) == 4000


def test_clean_line_collapses_whitespace_and_limits():
    assert clean_line("  Anna \n\t Schmidt \x1b[31m ", 200) == "Anna Schmidt [31m"
    assert clean_line("a" * 500, 200) == "a" * 200


def test_dates_in_berlin_time_per_language():
    moment = datetime(2026, 12, 8, 9, 0, tzinfo=timezone.utc)  # 10:00 in Berlin (CET)
    assert format_datetime(moment, "de") == "Dienstag, 8. Dezember 2026, 10:00 Uhr"
    assert format_datetime(moment, "en") == "Tuesday, 8 December 2026, 10:00"
    summer = datetime(2026, 7, 1, 8, 0, tzinfo=timezone.utc)  # CEST: +2
    assert format_datetime(summer, "de") == "Mittwoch, 1. Juli 2026, 10:00 Uhr"
    assert format_button(moment, "de") == "Di., 8.12., 10:00"
    assert format_button(moment, "en") == "Tue 8 Dec, 10:00"


def test_slot_key_round_trip():
    moment = datetime(2026, 12, 8, 9, 0, tzinfo=timezone.utc)
    assert slot_key(moment) == "2026-12-08 10:00"
    assert parse_slot_key("2026-12-08 10:00") == moment
    assert parse_slot_key("next tuesday") is None


@pytest.mark.parametrize(
    ("text", "intent", "expected"),
    [("yes", None, True), ("Ja, einverstanden", None, True), ("no", None, False),
     ("Nein danke", None, False), ("whatever", "affirm", True), ("hmm", None, None),
     ("lieber nicht", None, False)],
)
def test_yes_no(text, intent, expected):
    assert answers.yes_no(text, intent) is expected


def test_short_answers():
    assert answers.is_stop("abbrechen") and answers.is_stop("Cancel!") and answers.is_stop("stop please")
    assert not answers.is_stop("I want to cancel my appointment next week please now")
    assert answers.client_type("Unternehmen") == "company"
    assert answers.client_type("privately, as a person") == "individual"
    assert answers.client_type("I'm from a privately owned company") == "company"
    assert answers.client_type("banana") is None
    assert answers.consultation_language("Deutsch") == "de"
    assert answers.consultation_language("in English please") == "en"
    assert answers.consultation_language("French") is None
    assert answers.wants_later("Spätere Termine") and answers.wants_later("later")


@pytest.mark.parametrize(
    ("text", "expected"),
    [("anna@example.org", "anna@example.org"), ("my mail is Anna@Example.ORG.", "Anna@example.org"),
     ("anna@", None), ("anna at example dot org", None), ("a@b", None),
     ("<script>@x.de", None)],
)
def test_email_address(text, expected):
    assert answers.email_address(text) == expected


def test_transcript_from_events_keeps_order_and_nlu_trail():
    events = [
        {"event": "action", "name": "action_listen", "timestamp": 1.0},
        {"event": "user", "text": "Blue Card?", "timestamp": 1_790_000_000.5,
         "parse_data": {"intent": {"name": "blue_card", "confidence": 0.93}}},
        {"event": "bot", "text": "The EU Blue Card …", "timestamp": 1_790_000_001.0},
        {"event": "bot", "text": None, "timestamp": 1_790_000_001.5},  # buttons only
        {"event": "user", "text": "book\x00 a consultation", "timestamp": 1_790_000_002.0,
         "parse_data": {"intent": {"name": "request_human", "confidence": 0.88}}},
        {"event": "slot", "name": "language", "value": "en"},
    ]
    lines = transcript_from_events(events)
    assert [(l.sender, l.text, l.intent) for l in lines] == [
        ("user", "Blue Card?", "blue_card"), ("bot", "The EU Blue Card …", None),
        ("user", "book a consultation", "request_human"),
    ]
    assert lines[0].confidence == pytest.approx(0.93)
    assert lines[0].timestamp == datetime.fromtimestamp(1_790_000_000.5, tz=timezone.utc)


def _bot(text, *buttons):
    """A bot event as Rasa stores it, offering `(title, payload)` buttons."""
    return {"event": "bot", "text": text, "timestamp": 1.0,
            "data": {"buttons": [{"title": title, "payload": payload} for title, payload in buttons]}}


def _user_line(*before, sent):
    """The transcript line of the user message `sent` after the events `before`."""
    user = {"event": "user", "text": sent, "timestamp": 2.0,
            "parse_data": {"intent": {"name": "request_human", "confidence": 1.0}}}
    return transcript_from_events([*before, user])[-1]


@pytest.mark.parametrize(
    ("title", "shown"),
    [("Beratung buchen", "Beratung buchen"), ("Book a consultation", "Book a consultation"),
     ("Beratung\u200b buchen\x00", "Beratung buchen")],
)
def test_transcript_shows_a_clicked_button_by_its_title(title, shown):
    line = _user_line(_bot("Soll ich einen Termin buchen?", (title, "/request_human")), sent="/request_human")
    assert (line.sender, line.text, line.intent, line.confidence) == ("user", shown, "request_human", 1.0)


def test_transcript_matches_a_payload_with_entities_exactly():
    offer = _bot("Das hängt vom Wohnort ab.",
                 ("Ich wohne in Düsseldorf", '/foreigners_office{"district": "duesseldorf"}'),
                 ("Ich wohne im Kreis Mettmann", '/foreigners_office{"district": "kreis_mettmann"}'))
    assert _user_line(offer, sent='/foreigners_office{"district": "kreis_mettmann"}').text == (
        "Ich wohne im Kreis Mettmann")
    typed = '/foreigners_office{"district":"kreis_mettmann"}'  # same JSON, other spacing: not a click
    assert _user_line(offer, sent=typed).text == typed


@pytest.mark.parametrize("sent", ["/affirm", '/request_human{"topic": "tax_id"}', "/help me please", "/"])
def test_transcript_keeps_text_no_offered_button_matches(sent):
    assert _user_line(_bot("Shall I book?", ("Book a consultation", "/request_human")), sent=sent).text == sent
    assert _user_line(sent=sent).text == sent  # no bot message before at all


def test_transcript_reads_buttons_offered_since_the_previous_user_message():
    book = ("Book a consultation", "/request_human")
    same_turn = [_bot("Shall I book?", book), _bot("Anything else?")]
    assert _user_line(*same_turn, sent="/request_human").text == "Book a consultation"
    buttons_only = [_bot("Anything else?"), _bot(None, book)]  # a message without text counts too
    assert _user_line(*buttons_only, sent="/request_human").text == "Book a consultation"
    earlier_turn = [_bot("Shall I book?", book), {"event": "user", "text": "hm", "timestamp": 1.5},
                    _bot("Anything else?")]
    assert _user_line(*earlier_turn, sent="/request_human").text == "/request_human"


def test_transcript_shows_plain_payloads_by_their_title():
    consent = _bot("Einverstanden?", ("Ja", "yes"), ("Nein", "no"))
    assert _user_line(consent, sent="yes").text == "Ja"
    assert _user_line(consent, sent="vielleicht").text == "vielleicht"
    slots = _bot("Which time suits you?", ("Tue 8 Dec, 10:00", "2026-12-08 10:00"))
    assert _user_line(slots, sent="2026-12-08 10:00").text == "Tue 8 Dec, 10:00"


DOMAIN = {
    "responses": {
        "utter_intent_label_blue_card": [
            {"condition": [{"type": "slot", "name": "language", "value": "de"}], "text": "Blaue Karte EU"},
            {"condition": [{"type": "slot", "name": "language", "value": "en"}], "text": "EU Blue Card"},
            {"text": "EU Blue Card"},
        ],
        "utter_intent_label_tax_id": [{"text": "Tax ID"}],
    }
}


def test_response_text_per_language_with_default():
    assert response_text(DOMAIN, "utter_intent_label_blue_card", "de") == "Blaue Karte EU"
    assert response_text(DOMAIN, "utter_intent_label_blue_card", "en") == "EU Blue Card"
    assert response_text(DOMAIN, "utter_intent_label_tax_id", "de") == "Tax ID"
    assert response_text(DOMAIN, "utter_missing", "de") is None


def test_did_you_mean_skips_fallback_and_unlabelled_intents():
    ranking = [{"name": "nlu_fallback", "confidence": 0.4}, {"name": "blue_card", "confidence": 0.3},
               {"name": "greet", "confidence": 0.1}, {"name": "housing", "confidence": 0.1},
               {"name": "tax_id", "confidence": 0.05}]
    assert did_you_mean(ranking, DOMAIN, "de") == [
        {"title": "Blaue Karte EU", "payload": "/blue_card"},
        {"title": "Tax ID", "payload": "/tax_id"},
    ]


def test_suggested_topic_is_the_latest_topic_intent():
    events = [
        {"event": "user", "parse_data": {"intent": {"name": "blue_card"}}},
        {"event": "user", "parse_data": {"intent": {"name": "housing"}}},
        {"event": "user", "parse_data": {"intent": {"name": "request_human"}}},
    ]
    assert suggested_topic(events) == "housing"
    assert suggested_topic([]) is None
    in_form = [events[0], {"event": "active_loop", "name": "consultation_form"},
               {"event": "user", "parse_data": {"intent": {"name": "employer_hiring"}}}]
    assert suggested_topic(in_form, "consultation_form") == "blue_card"
    assert suggested_topic(in_form[1:], "consultation_form") is None


def test_an_own_case_question_or_a_booking_request_brings_its_topic():
    own_case = {"intent": {"name": "own_case"}, "text": "I applied for my settlement permit "
                "four months ago, what is the status?",
                "intent_ranking": [{"name": "own_case", "confidence": 0.99},
                                   {"name": "settlement_permit", "confidence": 0.01}]}
    assert suggested_topic([{"event": "user", "parse_data": own_case}]) == "settlement_permit"
    ranked = {"intent": {"name": "request_human"}, "text": "I need a consultation",
              "intent_ranking": [{"name": "request_human", "confidence": 0.7},
                                 {"name": "residence_permit_extension", "confidence": 0.2}]}
    assert turn_topic(ranked) == "residence_permit_extension"
    # A greeting or an unrelated intent is no topic, whatever its ranking says.
    assert turn_topic({"intent": {"name": "greet"}, "text": "hi, Blue Card?",
                       "intent_ranking": [{"name": "blue_card", "confidence": 0.4}]}) is None


@pytest.mark.parametrize(("text", "topic"), [
    ("Ich möchte privat einen Beratungstermin zur Blauen Karte.", "blue_card"),
    ("Meine Krankenversicherung zahlt nicht", "health_insurance"),
    ("What is the status of my application?", None),
    ("I want to talk to a person", None),
])
def test_a_topic_named_by_its_label_words(text, topic):
    assert named_topic(text) == topic


@pytest.mark.skipif(not CONTRACT.exists(), reason="shared/spec not beside the project")
def test_topic_intents_match_the_contract():
    contract = yaml.safe_load(CONTRACT.read_text())
    assert set(topic_intents()) == set(contract["topics"])
