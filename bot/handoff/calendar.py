"""The calendar invite in the client's mails (RFC 5545, the `icalendar` library).

One event per booking: UID from the booking's reference (a ticket has at most one booking),
so the confirmation (METHOD:REQUEST), a move (REQUEST again, new time) and the
cancellation (METHOD:CANCEL) all update the same calendar entry. Times are in
Europe/Berlin with its VTIMEZONE.

SEQUENCE must grow with every revision a client's calendar sees. The mails are sent after
the commit, without a database session, so instead of a stored counter it is the send
time in seconds since 2026-01-01 UTC: later mails of a booking always carry a higher one.

No LOCATION: the only street address of the desk in the fact sheet is from 2017 and its
2026 status is unverified (facts.md, expat_desk_info); phone and video have none anyway.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import parseaddr
from zoneinfo import ZoneInfo

import icalendar

PRODID = "-//Expat Service Desk ME & DUS//Expat Desk Assistant//EN"
SEQUENCE_EPOCH = datetime(2026, 1, 1, tzinfo=timezone.utc)
METHODS = ("REQUEST", "CANCEL")


@dataclass(frozen=True)
class Invite:
    method: str  # REQUEST | CANCEL
    reference: str
    start: datetime
    end: datetime
    summary: str
    description: str
    organizer: str  # "Name <address>" (Settings.mail_from)
    attendee: str  # the client's address
    attendee_name: str = ""


def booking_uid(reference: str, organizer: str) -> str:
    """Stable per booking: the reference at the organizer's mail domain."""
    domain = parseaddr(organizer)[1].rpartition("@")[2] or "expatservicedesk.invalid"
    return f"booking-{reference}@{domain}"


def sequence_at(moment: datetime) -> int:
    return max(0, int((moment - SEQUENCE_EPOCH).total_seconds()))


def _address(address: str, name: str, **params: str) -> icalendar.vCalAddress:
    value = icalendar.vCalAddress(f"mailto:{address}")
    if name:
        value.params["CN"] = name
    value.params.update(params)
    return value


def invite_ics(invite: Invite, tz: str, now: datetime) -> bytes:
    if invite.method not in METHODS:
        raise ValueError(invite.method)
    zone = ZoneInfo(tz)
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", invite.method)
    event = icalendar.Event()
    event.add("uid", booking_uid(invite.reference, invite.organizer))
    event.add("sequence", sequence_at(now))
    event.add("dtstamp", now.astimezone(timezone.utc))
    event.add("dtstart", invite.start.astimezone(zone))
    event.add("dtend", invite.end.astimezone(zone))
    event.add("summary", invite.summary)
    event.add("description", invite.description)
    organizer_name, organizer_address = parseaddr(invite.organizer)
    event.add("organizer", _address(organizer_address, organizer_name))
    event.add("attendee", _address(
        invite.attendee, invite.attendee_name, ROLE="REQ-PARTICIPANT",
        PARTSTAT="ACCEPTED" if invite.method == "REQUEST" else "DECLINED"))
    event.add("status", "CONFIRMED" if invite.method == "REQUEST" else "CANCELLED")
    event.add("transp", "OPAQUE")
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
