"""The client's e-mails in the booking's language, sent over SMTP or written to the outbox.
The chat and the staff app send them with `mail_client`; the scheduler sends reminders.

Kinds: booking, rescheduled, cancellation (each with a calendar invite, bot/handoff/calendar.py),
callback, reminder, links (the one-time cancel/move links a client asked for). Booked kinds
carry those links too (bot.desk.booking_links).

Templates live beside this file (`<kind>.<language>.txt`, first line = subject; the invite's
summary and description in `calendar.<language>.txt`) and are filled with
`string.Template`: plain text, nothing is interpreted.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from string import Template
from typing import Any

import aiosmtplib

from bot.db.base import utcnow
from bot.desk.booking_links import links_for
from bot.desk.contact import Confirmation
from bot.desk.languages import choose
from bot.desk.modes import DESK, PHONE, VIDEO
from bot.handoff.calendar import Invite, invite_ics
from bot.handoff.dates import format_datetime
from bot.handoff.labels import intent_label
from bot.settings import Settings

log = logging.getLogger(__name__)
TEMPLATES = Path(__file__).with_name("templates")
LANGUAGE_NAMES = {"de": {"de": "Deutsch", "en": "Englisch"}, "en": {"de": "German", "en": "English"}}
MODE_NAMES = {"de": {DESK: "vor Ort im Expat Service Desk", PHONE: "telefonisch", VIDEO: "per Video"},
              "en": {DESK: "in person at the Expat Service Desk", PHONE: "by phone",
                     VIDEO: "by video call"}}
# The kinds that carry a calendar invite, and its METHOD.
CALENDAR_METHODS = {"booking": "REQUEST", "rescheduled": "REQUEST", "cancellation": "CANCEL"}


@dataclass(frozen=True)
class MailContent:
    kind: str  # booking | rescheduled | cancellation | callback | reminder | links
    language: str
    to: str
    name: str
    reference: str
    topic: str
    consultation_language: str
    when: str = ""
    mode: str = ""  # bot.desk.modes value, "" when unknown
    start: datetime | None = None  # the booked time, for the calendar invite
    end: datetime | None = None
    cancel_url: str = ""
    move_url: str = ""


def _fill(name: str, values: dict[str, Any]) -> tuple[str, str]:
    """Template `name` filled: (first line, rest)."""
    template = (TEMPLATES / name).read_text(encoding="utf-8")
    first, _, rest = Template(template).safe_substitute(values).partition("\n")
    return first, rest.lstrip("\n")


def _filled_lines(text: str) -> str:
    """Without the lines whose value is empty (a cancellation has no links)."""
    return "\n".join(line for line in text.strip().splitlines() if not line.rstrip().endswith(":"))


def _invite(content: MailContent, values: dict[str, Any], sender: str, tz: str,
            now: datetime) -> bytes | None:
    method = CALENDAR_METHODS.get(content.kind)
    if method is None or content.start is None or content.end is None:
        return None
    summary, description = _fill(f"calendar.{content.language}.txt", values)
    return invite_ics(Invite(
        method=method, reference=content.reference, start=content.start, end=content.end,
        summary=summary, description=_filled_lines(description), organizer=sender,
        attendee=content.to, attendee_name=content.name,
    ), tz, now)


def render(
    content: MailContent, sender: str, tz: str = "Europe/Berlin", now: datetime | None = None
) -> EmailMessage:
    language = choose(content.language)
    content = replace(content, language=language)
    values = asdict(content)
    values["consultation_language"] = LANGUAGE_NAMES[language].get(
        content.consultation_language, content.consultation_language
    )
    values["mode"] = MODE_NAMES[language].get(content.mode, "")
    subject, body = _fill(f"{content.kind}.{language}.txt", values)
    message = EmailMessage()
    message["From"] = sender
    message["To"] = content.to
    # Header values cannot carry line breaks: names are single-line already.
    message["Subject"] = subject.replace("\r", " ").replace("\n", " ")
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="expatservicedesk.invalid")
    message.set_content(body)
    invite = _invite(content, values, sender, tz, now or utcnow())
    if invite is not None:
        method = CALENDAR_METHODS[content.kind]
        message.add_attachment(invite, maintype="text", subtype="calendar", filename="invite.ics",
                               params={"method": method, "charset": "utf-8"})
    return message


async def deliver(message: EmailMessage, settings: Settings, reference: str = "") -> Path | None:
    """SMTP when SMTP_HOST is set, else a .eml file in the outbox folder (returned)."""
    if settings.smtp_host:
        await aiosmtplib.send(
            message, hostname=settings.smtp_host, port=settings.smtp_port, timeout=15
        )
        log.info("confirmation mail sent over SMTP", extra={"reference": reference})
        return None
    settings.mail_outbox.mkdir(parents=True, exist_ok=True)
    stamp = utcnow().strftime("%Y%m%dT%H%M%S")
    # Unique: two mails of one booking in the same second (e.g. two links mails) both stay.
    path = settings.mail_outbox / f"{stamp}-{reference or 'mail'}-{uuid.uuid4().hex[:8]}.eml"
    path.write_bytes(bytes(message))
    log.info("confirmation mail written to the outbox", extra={"reference": reference})
    return path


async def send_confirmation(settings: Settings, content: MailContent) -> bool:
    """Render and deliver; a mail problem is logged (without the address) and not raised:
    the booking stands and the chat already showed the reference."""
    try:
        message = render(content, settings.mail_from, settings.timezone)
        await deliver(message, settings, content.reference)
    except (OSError, aiosmtplib.SMTPException, ValueError) as error:
        log.warning(
            "confirmation mail not delivered: %s", type(error).__name__,
            extra={"reference": content.reference},
        )
        return False
    return True


def client_mail(
    kind: str, confirmation: Confirmation, settings: Settings, labels: dict[str, Any]
) -> MailContent | None:
    """The `kind` mail to the booking's address in the booking's language, dates and topic
    name too (the chat may have switched language since); None without an address.
    A booked confirmation gets its one-time cancel and move links (not a cancellation).
    `labels`: a domain with the intent labels (Rasa's, or bot.handoff.labels.domain_labels())."""
    contact = confirmation.contact
    if contact is None or not contact.email:
        return None
    lang = choose(contact.language)
    topic = contact.topic or ""
    links = None if kind == "cancellation" else links_for(
        settings.secret_key, settings.public_url, confirmation)
    return MailContent(
        kind=kind, language=lang, to=contact.email, name=contact.name or "",
        reference=confirmation.reference, topic=intent_label(labels, topic, lang) or topic,
        consultation_language=contact.consultation_language or lang,
        when=format_datetime(confirmation.start, lang, settings.timezone)
        if confirmation.start else "",
        mode=confirmation.mode or "", start=confirmation.start, end=confirmation.end,
        cancel_url=links.cancel if links else "", move_url=links.move if links else "",
    )


async def mail_client(
    settings: Settings, kind: str, confirmation: Confirmation, labels: dict[str, Any]
) -> bool:
    """Send `client_mail` after the commit: a mail problem is logged, the change stands.
    A moved booking is kind "rescheduled" (its invite updates the calendar entry)."""
    content = client_mail(kind, confirmation, settings, labels)
    return content is not None and await send_confirmation(settings, content)


async def mail_links(
    settings: Settings, confirmations: Iterable[Confirmation], labels: dict[str, Any]
) -> int:
    """One "links" mail (cancel + move link) per booking of
    bot.desk.booking_links.request_links, after the session is closed; returns how many
    were delivered (the chat must not tell the client: it answers the same either way)."""
    sent = 0
    for confirmation in confirmations:
        sent += await mail_client(settings, "links", confirmation, labels)
    return sent
