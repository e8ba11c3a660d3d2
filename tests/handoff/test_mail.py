"""Client mails: rendered per language, with calendar invites (parsed back with icalendar) and
one-time links, delivered to a real SMTP server (aiosmtpd)."""

from __future__ import annotations

import email
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from email import policy
from zoneinfo import ZoneInfo

import icalendar
import pytest

from bot.desk.booking_links import read_token
from bot.desk.contact import Confirmation, Contact
from bot.handoff.mail import MailContent, client_mail, mail_links, render, send_confirmation
from bot.settings import Settings
from bot.tools.stack import free_port
from tests.mail_sink import running_mail_sink


@pytest.fixture
def smtp_server():
    with running_mail_sink() as sink:
        yield sink


def content(**overrides) -> MailContent:
    values = dict(kind="booking", language="de", to="anna@example.org", name="Anna Schmidt",
                  reference="ESD-7K3Q9", topic="Blaue Karte EU", consultation_language="en",
                  when="Dienstag, 8. Dezember 2026, 10:00 Uhr")
    values.update(overrides)
    return MailContent(**values)


def test_render_german_booking():
    message = render(content(), "Desk <desk@example.org>")
    body = message.get_content()
    assert message["Subject"] == "Ihr Beratungstermin beim Expat Service Desk: Dienstag, 8. Dezember 2026, 10:00 Uhr"
    assert "Guten Tag Anna Schmidt" in body and "ESD-7K3Q9" in body and "Englisch" in body
    assert "$" not in body


def test_render_english_callback():
    message = render(content(kind="callback", language="en", when=""), "desk@example.org")
    assert "ESD-7K3Q9" in message["Subject"]
    assert "No consultation slot is free" in message.get_content()


@pytest.mark.parametrize(("language", "when", "subject", "lines"), [
    ("de", "Dienstag, 8. Dezember 2026, 10:00 Uhr",
     "Ihr Beratungstermin beim Expat Service Desk ist abgesagt: Dienstag, 8. Dezember 2026, 10:00 Uhr",
     ["Guten Tag Anna Schmidt,", "Termin:     Dienstag, 8. Dezember 2026, 10:00 Uhr (Zeitzone Europe/Berlin)",
      "Referenz:   ESD-7K3Q9", "im Chat auf unserer Website buchen", "https://www.expatservicedesk.de"]),
    ("en", "Tuesday, 8 December 2026, 10:00",
     "Your consultation with the Expat Service Desk is cancelled: Tuesday, 8 December 2026, 10:00",
     ["Hello Anna Schmidt,", "Date:       Tuesday, 8 December 2026, 10:00 (Europe/Berlin time)",
      "Reference:  ESD-7K3Q9", "in the chat on our website", "https://www.expatservicedesk.de"]),
], ids=["de", "en"])
def test_render_cancellation(language, when, subject, lines):
    message = render(content(kind="cancellation", language=language, when=when), "desk@example.org")
    body = message.get_content()
    assert message["Subject"] == subject and message["To"] == "anna@example.org"
    assert all(line in body for line in lines), body
    assert "$" not in body and "Blaue Karte" not in body  # names the booking, not its details


async def test_sent_over_smtp_and_received(smtp_server, tmp_path):
    settings = replace(Settings(), smtp_host=smtp_server.host, smtp_port=smtp_server.port,
                       mail_outbox=tmp_path / "outbox")
    assert await send_confirmation(settings, content(language="en", when="Tuesday, 8 December 2026, 10:00"))
    [received] = smtp_server.messages
    assert received["To"] == "anna@example.org"
    assert received["Subject"] == "Your consultation with the Expat Service Desk: Tuesday, 8 December 2026, 10:00"
    assert "Reference:  ESD-7K3Q9" in received.get_content()
    assert not (tmp_path / "outbox").exists()


async def test_without_smtp_host_the_mail_goes_to_the_outbox(tmp_path):
    settings = replace(Settings(), smtp_host=None, mail_outbox=tmp_path / "outbox")
    assert await send_confirmation(settings, content())
    [path] = list((tmp_path / "outbox").glob("*.eml"))
    parsed = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    assert parsed["To"] == "anna@example.org" and "ESD-7K3Q9" in path.name


async def test_unreachable_smtp_server_is_reported_not_raised(caplog, tmp_path):
    settings = replace(Settings(), smtp_host="127.0.0.1", smtp_port=free_port(),
                       mail_outbox=tmp_path / "outbox")
    assert await send_confirmation(settings, content()) is False
    assert "anna@example.org" not in caplog.text


# --- Calendar invites (RFC 5545), one-time links, mode -------------------------------------

BERLIN = ZoneInfo("Europe/Berlin")
START = datetime(2026, 12, 8, 9, 0, tzinfo=timezone.utc)  # 10:00 in Berlin (CET)
SENDER = "Expat Service Desk <desk@expatdesk.example>"


def booked(mode="video", start=START) -> Confirmation:
    contact = Contact(language="de", client_type="individual", name="Anna Schmidt",
                      email="anna@example.org", topic="Blaue Karte EU", consultation_language="en")
    return Confirmation("ESD-7K3Q9", start, start + timedelta(minutes=30), contact, mode)


def mail_for(kind, confirmation, **settings):
    settings = replace(Settings(), mail_from=SENDER, secret_key="s3cret",
                       public_url="https://desk.example", **settings)
    return client_mail(kind, confirmation, settings, {"responses": {}})


def invite_of(message) -> icalendar.Calendar:
    [part] = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    assert part.get_filename() == "invite.ics"
    return icalendar.Calendar.from_ical(part.get_content())


def event_of(calendar):
    [event] = calendar.walk("VEVENT")
    return event


def sent(kind, confirmation, now):
    message = render(mail_for(kind, confirmation), SENDER, "Europe/Berlin", now)
    # Through bytes and back, as a mail client reads it.
    return email.message_from_bytes(bytes(message), policy=policy.default)


def test_booking_mail_carries_a_request_in_berlin_time():
    message = sent("booking", booked(), START - timedelta(days=3))
    calendar = invite_of(message)
    event = event_of(calendar)
    assert calendar["METHOD"] == "REQUEST"
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Berlin"]
    assert event.decoded("DTSTART") == datetime(2026, 12, 8, 10, 0, tzinfo=BERLIN)
    assert event.decoded("DTSTART").tzinfo.key == "Europe/Berlin"
    assert event["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert event.decoded("DTEND") == datetime(2026, 12, 8, 10, 30, tzinfo=BERLIN)
    assert str(event["ORGANIZER"]) == "mailto:desk@expatdesk.example"
    assert str(event["ATTENDEE"]) == "mailto:anna@example.org"
    assert event["ATTENDEE"].params["CN"] == "Anna Schmidt"
    assert "ESD-7K3Q9" in str(event["SUMMARY"]) and "per Video" in str(event["DESCRIPTION"])
    assert "LOCATION" not in event  # no verified street address in the fact sheet
    body = message.get_body(("plain",)).get_content()
    assert "Form:       per Video" in body


def test_uid_is_stable_and_sequence_grows_across_confirm_move_cancel():
    first = event_of(invite_of(sent("booking", booked(), START - timedelta(days=5))))
    moved_to = START + timedelta(days=1, hours=2)
    moved_calendar = invite_of(sent("rescheduled", booked(start=moved_to), START - timedelta(days=4)))
    moved = event_of(moved_calendar)
    cancel_calendar = invite_of(sent("cancellation", booked(start=moved_to), START - timedelta(days=2)))
    cancelled = event_of(cancel_calendar)
    assert first["UID"] == moved["UID"] == cancelled["UID"] == "booking-ESD-7K3Q9@expatdesk.example"
    assert first["SEQUENCE"] < moved["SEQUENCE"] < cancelled["SEQUENCE"]
    assert moved_calendar["METHOD"] == "REQUEST" and cancel_calendar["METHOD"] == "CANCEL"
    assert moved.decoded("DTSTART") == moved_to.astimezone(BERLIN)
    assert cancelled["STATUS"] == "CANCELLED" and first["STATUS"] == "CONFIRMED"


def test_english_invite_and_other_uid_for_another_booking():
    confirmation = replace(booked(), reference="ESD-AAAAA",
                           contact=replace(booked().contact, language="en"))
    event = event_of(invite_of(sent("booking", confirmation, START - timedelta(days=1))))
    assert str(event["SUMMARY"]).startswith("Consultation with the Expat Service Desk")
    assert "by video call" in str(event["DESCRIPTION"])
    assert event["UID"] == "booking-ESD-AAAAA@expatdesk.example"


def test_callback_and_reminder_mails_have_no_invite():
    for kind in ("callback", "reminder", "links"):
        message = sent(kind, booked(), START - timedelta(days=1))
        assert not [p for p in message.iter_attachments()], kind


def test_booking_mail_has_working_one_time_links():
    message = sent("booking", booked(), START - timedelta(days=1))
    body = message.get_body(("plain",)).get_content()
    links = [line.split()[-1] for line in body.splitlines() if "https://desk.example/booking/" in line]
    assert len(links) == 2
    claims = [read_token("s3cret", link.rsplit("/", 1)[1]) for link in links]
    assert [c.action for c in claims] == ["cancel", "move"]
    assert {c.reference for c in claims} == {"ESD-7K3Q9"} and {c.expires for c in claims} == {START}


def test_cancellation_mail_has_no_links():
    body = sent("cancellation", booked(), START - timedelta(days=1)).get_body(("plain",)).get_content()
    assert "/booking/" not in body


async def test_links_mails_one_per_booking(smtp_server, tmp_path):
    settings = replace(Settings(), smtp_host=smtp_server.host, smtp_port=smtp_server.port,
                       mail_from=SENDER, public_url="https://desk.example")
    later = replace(booked(), reference="ESD-CCCCC", start=START + timedelta(days=7),
                    end=START + timedelta(days=7, minutes=30))
    assert await mail_links(settings, [booked(), later], {"responses": {}}) == 2
    subjects = sorted(m["Subject"] for m in smtp_server.to("anna@example.org"))
    assert subjects == ["Ihre Links zum Absagen oder Verschieben (ESD-7K3Q9)",
                        "Ihre Links zum Absagen oder Verschieben (ESD-CCCCC)"]
    assert all("/booking/" in m.get_content() for m in smtp_server.messages)


async def test_two_mails_of_one_booking_in_one_second_both_stay_in_the_outbox(tmp_path):
    settings = replace(Settings(), smtp_host=None, mail_outbox=tmp_path / "outbox")
    assert await send_confirmation(settings, content())
    assert await send_confirmation(settings, content(kind="cancellation"))
    assert len(list((tmp_path / "outbox").glob("*-ESD-7K3Q9-*.eml"))) == 2


def test_summer_time_invite_and_hostile_names_stay_data():
    summer = datetime(2027, 7, 6, 8, 0, tzinfo=timezone.utc)  # 10:00 CEST
    hostile = 'Anna "A;B", <b>x</b>\r\nATTENDEE:mailto:evil@example.org'
    confirmation = replace(booked(start=summer), contact=replace(booked().contact, name=hostile))
    message = sent("booking", confirmation, summer - timedelta(days=2))
    calendar = invite_of(message)
    event = event_of(calendar)
    assert event.decoded("DTSTART") == datetime(2027, 7, 6, 10, 0, tzinfo=BERLIN)
    assert event.decoded("DTSTART").utcoffset() == timedelta(hours=2)
    attendee = event["ATTENDEE"]  # one attendee: the name cannot smuggle in a second one
    assert not isinstance(attendee, list) and str(attendee) == "mailto:anna@example.org"
    assert attendee.params["CN"] == hostile.replace("\r", "")
    assert "evil@example.org" not in {str(v) for v in event.values()}
    assert "\n" not in message["Subject"] and "\r" not in message["Subject"]
