"""Confirmation mails: rendered per language, delivered to a real SMTP server (aiosmtpd)."""

from __future__ import annotations

import email
from dataclasses import replace
from email import policy

import pytest

from bot.handoff.mail import MailContent, render, send_confirmation
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
