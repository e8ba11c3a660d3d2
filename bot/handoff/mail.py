"""The client's e-mails (booking, call-back, cancellation) in the booking's language, sent
over SMTP or written to the outbox. The chat and the staff app send them with `mail_client`.

Templates live beside this file (`<kind>.<language>.txt`, first line = subject) and are
filled with `string.Template`: plain text, nothing is interpreted.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import asdict, dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from string import Template
from typing import Any

import aiosmtplib

from bot.db.base import utcnow
from bot.desk.contact import Confirmation
from bot.desk.languages import choose
from bot.handoff.dates import format_datetime
from bot.handoff.labels import intent_label
from bot.settings import Settings

log = logging.getLogger(__name__)
TEMPLATES = Path(__file__).with_name("templates")
LANGUAGE_NAMES = {"de": {"de": "Deutsch", "en": "Englisch"}, "en": {"de": "German", "en": "English"}}


@dataclass(frozen=True)
class MailContent:
    kind: str  # "booking" | "callback" | "cancellation"
    language: str
    to: str
    name: str
    reference: str
    topic: str
    consultation_language: str
    when: str = ""


def render(content: MailContent, sender: str) -> EmailMessage:
    language = choose(content.language)
    template = (TEMPLATES / f"{content.kind}.{language}.txt").read_text(encoding="utf-8")
    values = asdict(content)
    values["consultation_language"] = LANGUAGE_NAMES[language].get(
        content.consultation_language, content.consultation_language
    )
    subject, _, body = Template(template).safe_substitute(values).partition("\n")
    message = EmailMessage()
    message["From"] = sender
    message["To"] = content.to
    # Header values cannot carry line breaks: names are single-line already.
    message["Subject"] = subject.replace("\r", " ").replace("\n", " ")
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="expatservicedesk.invalid")
    message.set_content(body.lstrip("\n"))
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
    path = settings.mail_outbox / f"{stamp}-{reference or uuid.uuid4().hex[:8]}.eml"
    path.write_bytes(bytes(message))
    log.info("confirmation mail written to the outbox", extra={"reference": reference})
    return path


async def send_confirmation(settings: Settings, content: MailContent) -> bool:
    """Render and deliver; a mail problem is logged (without the address) and not raised:
    the booking stands and the chat already showed the reference."""
    try:
        await deliver(render(content, settings.mail_from), settings, content.reference)
    except (OSError, aiosmtplib.SMTPException, ValueError) as error:
        log.warning(
            "confirmation mail not delivered: %s", type(error).__name__,
            extra={"reference": content.reference},
        )
        return False
    return True


def client_mail(
    kind: str, confirmation: Confirmation, tz: str, labels: dict[str, Any]
) -> MailContent | None:
    """The `kind` mail to the booking's address in the booking's language, dates and topic
    name too (the chat may have switched language since); None without an address.
    `labels`: a domain with the intent labels (Rasa's, or bot.handoff.labels.domain_labels())."""
    contact = confirmation.contact
    if contact is None or not contact.email:
        return None
    lang = choose(contact.language)
    topic = contact.topic or ""
    return MailContent(
        kind=kind, language=lang, to=contact.email, name=contact.name or "",
        reference=confirmation.reference, topic=intent_label(labels, topic, lang) or topic,
        consultation_language=contact.consultation_language or lang,
        when=format_datetime(confirmation.start, lang, tz) if confirmation.start else "",
    )


async def mail_client(
    settings: Settings, kind: str, confirmation: Confirmation, labels: dict[str, Any]
) -> bool:
    """Send `client_mail` after the commit: a mail problem is logged, the change stands."""
    content = client_mail(kind, confirmation, settings.timezone, labels)
    return content is not None and await send_confirmation(settings, content)
