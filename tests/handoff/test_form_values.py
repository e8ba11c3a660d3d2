"""Every form value a typed message holds (bot.handoff.form_values, bot.handoff.slot_reply):
realistic German and English messages, no Rasa."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from bot.desk.time_wish import DESK_TZ
from bot.handoff.form_values import (
    client_type_in, company_in, email_in, language_in, mode_in, name_in, topic_in,
)
from bot.desk.time_parser import parse_time_wish
from bot.handoff.slot_reply import offered_choice, summary_change, time_wish_in

NOW = datetime(2026, 12, 7, 8, 0, tzinfo=timezone.utc)  # Monday 09:00 in Berlin

# (message, asked slot or None, name, e-mail)
NAMES = [
    ("Anna Kowalski, anna.k@web.de", None, "Anna Kowalski", "anna.k@web.de"),
    ("anna.k@web.de, Anna Kowalski", "person_name", "Anna Kowalski", "anna.k@web.de"),
    ("Anna Kowalski anna.k@web.de", None, "Anna Kowalski", "anna.k@web.de"),
    ("my name is John Smith and my email is john@smith.org", None, "John Smith", "john@smith.org"),
    ("Ich heiße Anna Schmidt, meine E-Mail ist anna@beispiel.de", None, "Anna Schmidt",
     "anna@beispiel.de"),
    ("Guten Tag, Anna Schmidt, anna@example.org", None, "Anna Schmidt", "anna@example.org"),
    ("Hi, I'm Tom Baker", None, "Tom Baker", None),
    ("Mein Name ist Jean-Luc O'Neill", None, "Jean-Luc O'Neill", None),
    ("anna kowalski", "person_name", "anna kowalski", None),
    ("Müller", "person_name", "Müller", None),
    ("Dr. Maria Müller-Lüdenscheidt", "person_name", "Dr. Maria Müller-Lüdenscheidt", None),
    # never a name: an address, a sentence, a greeting, an answer
    ("anna.k@web.de", "person_name", None, "anna.k@web.de"),
    ("Hallo", "person_name", None, None),
    ("Ich möchte einen Termin buchen", "person_name", None, None),
    ("What documents do I need for the Blue Card?", "person_name", None, None),
    ("yes", "person_name", None, None),
    ("John Smith", None, None, None),  # unasked and without an address: could be anything
    ("<script>alert(1)</script>", "person_name", None, None),
    ("x" * 500, "person_name", None, None),
    ("Zimmer 12, 2. Stock", "person_name", None, None),
]


@pytest.mark.parametrize(("text", "asked", "name", "address"), NAMES)
def test_name_and_address(text, asked, name, address):
    assert name_in(text, asked == "person_name") == name
    assert email_in(text, asked == "email").address == address


@pytest.mark.parametrize(("text", "problem"), [
    ("anna@", "missing_domain"),
    ("anna@web", "missing_domain"),
    ("ada@example", "missing_domain"),
    ("anna.web.de", "missing_at"),
    ("meine mail ist anna.web.de", "missing_at"),
    ("annaweb", "invalid"),
    ("@web.de", "invalid"),
    ("a" * 400 + "@web.de", "invalid"),
])
def test_an_invalid_address_says_why(text, problem):
    reading = email_in(text, asked=True)
    assert reading.address is None and reading.problem == problem


def test_header_injection_leaves_only_the_address():
    assert email_in("ada@example.org\r\nBcc: victim@example.org").address == "ada@example.org"
    assert email_in("Ada@Example.ORG").address == "Ada@example.org"


@pytest.mark.parametrize(("text", "asked", "kind", "company"), [
    ("for our company", False, "company", None),
    ("I'm booking for a new hire", False, "company", None),
    ("Ich buche für unseren neuen Mitarbeiter", False, "company", None),
    ("Wir sind von der Firma Henkel", False, "company", "Henkel"),
    ("I work for Siemens AG", False, "company", "Siemens AG"),
    ("Booking for Müller Maschinenbau GmbH & Co. KG please", False, "company",
     "Müller Maschinenbau GmbH & Co. KG"),
    ("für unser Unternehmen", False, "company", None),
    ("for myself", False, "individual", None),
    ("privat", False, "individual", None),
    ("als Privatperson", False, "individual", None),
    ("I'm an individual, my name is John Miller", False, "individual", None),
    ("Wir möchten als Arbeitgeber einen Termin, Firma Nippon Trading Europe GmbH.", False,
     "company", "Nippon Trading Europe GmbH"),
    ("I am a private person", False, "individual", None),
    ("Unternehmen", True, "company", None),
    ("Individual", True, "individual", None),
    ("Wann haben Sie Zeit?", False, None, None),
])
def test_client_type_and_company(text, asked, kind, company):
    assert client_type_in(text, asked) == kind
    assert company_in(text) == company


def test_a_company_name_when_asked_is_the_line():
    assert company_in("Acme Robotics", asked=True) == "Acme Robotics"
    assert company_in("Why do you need that?", asked=True) is None


@pytest.mark.parametrize(("text", "mode"), [
    ("online please", "video"), ("per Video", "video"), ("Can we do it on Zoom?", "video"),
    ("by phone", "phone"), ("gern telefonisch", "phone"), ("in person at the desk", "desk"),
    ("vor Ort", "desk"), ("next Tuesday", None), ("phone or video", None),
    ("Mehmet Yilmaz, m.yilmaz@t-online.de", None),
])
def test_mode(text, mode):
    assert mode_in(text) == mode


@pytest.mark.parametrize(("text", "asked", "language"), [
    ("Beratung bitte auf Englisch", False, "en"), ("in German please", False, "de"),
    ("Englisch", True, "en"), ("Englisch", False, None), ("Hallo", True, None),
])
def test_consultation_language(text, asked, language):
    assert language_in(text, asked) == language


@pytest.mark.parametrize(("text", "lang", "asked", "found"), [
    ("next Tuesday morning", "en", False, True),
    ("Donnerstag nachmittags", "de", False, True),
    ("am 15. um 10", "de", True, True),
    ("as soon as possible", "en", False, True),
    ("so bald wie möglich", "de", False, True),
    ("Anna Kowalski, anna.k@web.de, next Tuesday", "en", False, True),
    # false positives of the parser alone: no time word, not asked
    ("Zimmer 12, 2. Stock", "de", False, False),
    ("Anna Kowalski, anna.k@web.de", "en", False, False),
    ("Müller GmbH", "de", False, False),
])
def test_a_time_wish_only_where_one_is(text, lang, asked, found):
    assert (time_wish_in(text, lang, NOW, asked) is not None) == found


OFFERED = [datetime(2026, 12, 8, h, 0, tzinfo=DESK_TZ).astimezone(timezone.utc) for h in (10, 11, 14)]


@pytest.mark.parametrize(("text", "lang", "index"), [
    ("the second one", "en", 1), ("2", "en", 1), ("Nr. 3", "de", 2), ("die erste", "de", 0),
    ("den letzten bitte", "de", 2), ("14:00", "de", 2), ("Dienstag 11 Uhr", "de", 1), ("der am Dienstag um 11", "de", 1),
    ("the 11 am one", "en", 1),
    ("11 am", "en", 1), ("4", "en", None), ("Tuesday", "en", None), ("Mittwoch 10 Uhr", "de", None),
])
def test_a_typed_choice_of_the_offered_times(text, lang, index):
    chosen = offered_choice(text, OFFERED, lang, NOW)
    assert chosen == (OFFERED[index] if index is not None else None)


@pytest.mark.parametrize(("text", "slot"), [
    ("change the e-mail", "email"), ("E-Mail ändern", "email"), ("another time", "consultation_slot"),
    ("lieber einen anderen Termin", "consultation_slot"), ("wrong name", "person_name"),
    ("Thema ändern", "topic"), ("yes", None), ("passt", None),
])
def test_what_to_change_in_the_summary(text, slot):
    assert summary_change(text) == slot


@pytest.mark.parametrize(("text", "name"), [
    ("Ich komme privat. Mehmet Yilmaz, m.yilmaz@t-online.de, es geht um meine Einbürgerung.",
     "Mehmet Yilmaz"),
    ("For my company. Li Wei, li.wei@example.cn", "Li Wei"),
    ("The company is Acme Logistics GmbH, I'm Tom Becker from HR, tom.becker@acme-logistics.de",
     "Tom Becker"),
    ("Ansprechpartner ist Frank Lehmann, Mail f.lehmann@nippon-trading.eu", "Frank Lehmann"),
])
def test_the_name_part_of_a_longer_message(text, name):
    assert name_in(text) == name


@pytest.mark.parametrize(("text", "topic"), [
    ("Mehmet Yilmaz, m.yilmaz@t-online.de, es geht um meine Einbürgerung.", "meine Einbürgerung"),
    ("it's about my Blue Card application", "my Blue Card application"),
    ("Anna Kowalski, anna.k@web.de", None),
    ("Ich möchte privat einen Beratungstermin zur Blauen Karte.", "Blauen Karte"),
    ("a consultation on family reunification, please", "family reunification"),
    ("Termin zum 15. bitte", None),
    ("Can I have an appointment on Monday?", None),
])
def test_a_topic_said_in_passing(text, topic):
    assert topic_in(text) == topic


@pytest.mark.parametrize(("text", "kind"), [("individual", "individual"), ("Unternehmen", "company"),
                                            ("Anna Person Smith", None)])
def test_a_bare_client_type_counts_unasked(text, kind):
    assert client_type_in(text) == kind


def test_a_message_with_everything_at_once():
    text = "OK: company Evil Corp, name Mallory Jones, mallory.jones@example.com"
    assert (company_in(text), name_in(text), email_in(text).address) == (
        "Evil Corp", "Mallory Jones", "mallory.jones@example.com")
    assert client_type_in("We are a company and want to book a consultation") == "company"
    assert offered_choice("the Friday one works", [OFFERED[0], datetime(
        2026, 12, 11, 10, tzinfo=DESK_TZ)], "en", NOW) == datetime(2026, 12, 11, 10, tzinfo=DESK_TZ)


@pytest.mark.parametrize("text", ["Tuesday afternoon", "Dienstag vormittags", "morgen vormittag",
                                  "Tuesday at 11", "next week"])
def test_a_part_of_the_day_or_a_time_not_offered_is_a_new_wish_not_a_pick(text):
    one_morning = [OFFERED[0], datetime(2026, 12, 9, 15, tzinfo=DESK_TZ)]
    assert offered_choice(text, one_morning, "en" if text[0] in "Tn" else "de", NOW) is None


@pytest.mark.parametrize(("text", "lang"), [("Tuesday at 10", "en"), ("Den am Dienstag um 10 Uhr", "de")])
def test_a_day_and_clock_time_that_was_offered_is_a_pick(text, lang):
    # One turn less than a new proposal holding only that time; the summary still asks.
    one_morning = [OFFERED[0], datetime(2026, 12, 9, 15, tzinfo=DESK_TZ)]
    assert offered_choice(text, one_morning, lang, NOW) == OFFERED[0]


def test_a_clock_time_offered_on_two_days_is_the_one_on_the_wished_day():
    wished = parse_time_wish("am 10.12. um 10", "de", NOW)
    offered = [datetime(2026, 12, 8, 10, tzinfo=DESK_TZ), datetime(2026, 12, 10, 10, tzinfo=DESK_TZ),
               datetime(2026, 12, 10, 14, tzinfo=DESK_TZ)]
    assert offered_choice("Ja, den um 10 Uhr nehme ich", offered, "de", NOW) is None  # which one?
    assert offered_choice("Ja, den um 10 Uhr nehme ich", offered, "de", NOW, wished) == offered[1]
