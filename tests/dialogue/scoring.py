"""Scoring of one turn: what the bot did (an Observation) against what the conversation expects.

Pure: no servers. The runner builds the Observation from the REST replies and the tracker,
and passes a Store that answers questions about the app database and the mails; the unit
tests pass fakes. A turn passes when `check_turn` returns no failure.

Expectation keys of a turn (all optional; every turn must get at least one reply):
  utters / not_utters     response names (Rasa 3.6 bot events' metadata.utter_action);
                          "utter_a|utter_b" in utters: either one
  asks                    the form's requested_slot after the turn (null: no form active;
                          a list: any of them)
  asks_same               true: the form asks again what it asked before the turn (resumed)
  not_asks                slot names that must not be asked in this turn
  slots                   {slot: value | null | "*" (any value) | {re: …} | {not: …} | {in: […]}}
  language                the `language` slot
  says / not_says         literal substrings of the reply (case-insensitive)
  says_re / not_says_re   regexes on the reply (case-insensitive)
  stored                  app database and mails, see `check_stored`
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import timezone
from typing import Any, Protocol

from tests.dialogue.moments import Moment, fill

ANY = "*"


@dataclass
class Observation:
    """What the bot did in one turn."""

    replies: list[dict]
    actions: list[str]  # response names of the turn's bot utterances, in order
    slots: dict[str, Any]
    active_loop: str | None
    asked_before: str | None = None  # the requested slot before this turn

    @property
    def text(self) -> str:
        parts = []
        for reply in self.replies:
            parts.append(reply.get("text") or "")
            parts.extend(b.get("title", "") for b in reply.get("buttons") or [])
        return "\n".join(parts)

    @property
    def asks(self) -> str | None:
        return self.slots.get("requested_slot") if self.active_loop else None


@dataclass
class Mail:
    to: str
    subject: str
    body: str
    calendars: list[str] = field(default_factory=list)  # text/calendar parts


class Store(Protocol):
    def ticket(self) -> dict | None:
        """This conversation's ticket: its columns plus `booked` (a live booking) and `slot`
        (the setup slot name of the booking's start, else its ISO start)."""

    def setup_booking(self) -> dict | None:
        """The setup booking now: `cancelled`, `slot` as in ticket()."""

    def slot_booked(self, name: str) -> bool: ...

    def mails(self, to: str, at_least: int = 0) -> list[Mail]:
        """Mails to `to` received during this conversation (waits a little for `at_least`)."""


@dataclass
class Context:
    language: str
    moments: dict[str, Moment] = field(default_factory=dict)
    values: dict[str, str] = field(default_factory=dict)

    def regex(self, template: str) -> str:
        return fill(template, self.moments, self.values, regex=True)

    def text(self, template: str) -> str:
        return fill(template, self.moments, self.values, regex=False)


def _list(value) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def match_value(expected, got, ctx: Context) -> bool:
    if expected is None:
        return got in (None, "")
    if expected == ANY:
        return got not in (None, "")
    if isinstance(expected, dict):
        if "re" in expected:
            return got is not None and re.search(ctx.regex(expected["re"]), str(got), re.I) is not None
        if "not" in expected:
            return not match_value(expected["not"], got, ctx)
        if "in" in expected:
            return any(match_value(option, got, ctx) for option in expected["in"])
        raise ValueError(f"unknown value matcher {expected!r}")
    if isinstance(expected, str):
        return isinstance(got, str) and got.strip() == ctx.text(expected)
    return expected == got


def _texts(expect: dict, ctx: Context, text: str, prefix: str = "") -> Iterable[str]:
    for needle in _list(expect.get("says")):
        if ctx.text(needle).lower() not in text.lower():
            yield f"{prefix}says {ctx.text(needle)!r}"
    for needle in _list(expect.get("not_says")):
        if ctx.text(needle).lower() in text.lower():
            yield f"{prefix}must not say {ctx.text(needle)!r}"
    for pattern in _list(expect.get("says_re")):
        if not re.search(ctx.regex(pattern), text, re.I):
            yield f"{prefix}says /{ctx.regex(pattern)}/"
    for pattern in _list(expect.get("not_says_re")):
        if re.search(ctx.regex(pattern), text, re.I):
            yield f"{prefix}must not say /{ctx.regex(pattern)}/"


def check_turn(expect: dict, obs: Observation, store: Store | None, ctx: Context) -> list[str]:
    """The failures of one turn (empty: the turn passed), each 'expected … got …'."""
    failures: list[str] = []
    got = f"(got utters={obs.actions}, asks={obs.asks!r})"
    if not obs.replies:
        failures.append("a reply (got none)")
    for name in _list(expect.get("utters")):  # "utter_a|utter_b": either one
        if not set(name.split("|")) & set(obs.actions):
            failures.append(f"utters {name} {got}")
    for name in _list(expect.get("not_utters")):
        if name in obs.actions:
            failures.append(f"must not utter {name} {got}")
    allowed = expect.get("asks") if isinstance(expect.get("asks"), list) else [expect.get("asks")]
    if "asks" in expect and obs.asks not in allowed:
        failures.append(f"asks {expect['asks']!r} {got}")
    if expect.get("asks_same") and (obs.asks is None or obs.asks != obs.asked_before):
        failures.append(f"asks again {obs.asked_before!r} {got}")
    for name in _list(expect.get("not_asks")):
        if obs.asks == name:
            failures.append(f"must not ask {name} {got}")
    for slot, value in (expect.get("slots") or {}).items():
        if not match_value(value, obs.slots.get(slot), ctx):
            failures.append(f"slot {slot} = {value!r} (got {obs.slots.get(slot)!r})")
    if "language" in expect and obs.slots.get("language") != expect["language"]:
        failures.append(f"language {expect['language']} (got {obs.slots.get('language')!r})")
    failures.extend(f"{f} in reply {_short(obs.text)!r}" for f in _texts(expect, ctx, obs.text))
    if expect.get("stored"):
        if store is None:
            failures.append("stored: no store to check against")
        else:
            failures.extend(check_stored(expect["stored"], store, ctx))
    return failures


def _short(text: str, limit: int = 300) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "…"


def _record(kind: str, expected: dict, record: dict | None, ctx: Context) -> list[str]:
    if record is None:
        return [f"{kind} exists (got none)"]
    return [f"{kind}.{key} = {value!r} (got {record.get(key)!r})"
            for key, value in expected.items() if not match_value(value, record.get(key), ctx)]


def _ics_start(moment: Moment) -> str:
    local = moment.start
    utc = local.astimezone(timezone.utc)
    return (rf"DTSTART(?:;TZID=\"?Europe/Berlin\"?)?:{local:%Y%m%dT%H%M}\d\d\b"
            rf"|DTSTART(?:;VALUE=DATE-TIME)?:{utc:%Y%m%dT%H%M}\d\dZ")


def _check_mail(expected: dict, store: Store, ctx: Context) -> list[str]:
    to = ctx.text(expected["to"])
    count = expected.get("count")
    # Waits for one mail more than allowed when none may come: a late mail still counts.
    mails = store.mails(to, at_least=max(count, 1) if count is not None else 1)
    if count is not None and len(mails) != count:
        return [f"{count} mail(s) to {to} (got {len(mails)})"]
    if count == 0:
        return []
    if not mails:
        return [f"a mail to {to} (got none)"]
    mail = mails[-1]
    failures = list(_texts(expected, ctx, f"{mail.subject}\n{mail.body}", prefix="mail "))
    method, slot = expected.get("ics_method"), expected.get("ics_slot")
    if method or slot:
        if not mail.calendars:
            return failures + [f"mail to {to} carries an iCalendar part (got none)"]
        ics = mail.calendars[-1]
        if method and not re.search(rf"^METHOD:{method}\s*$", ics, re.M):
            failures.append(f"iCalendar METHOD:{method}")
        if slot and not re.search(_ics_start(ctx.moments[slot]), ics):
            failures.append(f"iCalendar DTSTART at {ctx.moments[slot].start:%Y-%m-%d %H:%M}")
    return failures


def check_stored(expected: dict, store: Store, ctx: Context) -> list[str]:
    """`ticket: false` (none for this conversation) or {column: value, booked, slot};
    `setup_booking: {cancelled, slot}`; `free: [slot names]`, `booked: [slot names]`;
    `mail: {to, count?, says…, ics_method?, ics_slot?}` (or a list of them)."""
    failures: list[str] = []
    if "ticket" in expected:
        ticket = store.ticket()
        if expected["ticket"] is False:
            if ticket is not None:
                failures.append(f"no ticket stored (got {ticket.get('reference')})")
        else:
            failures.extend(_record("ticket", expected["ticket"], ticket, ctx))
    if "setup_booking" in expected:
        failures.extend(_record("setup_booking", expected["setup_booking"], store.setup_booking(), ctx))
    checks: list[tuple[str, Callable[[str], bool]]] = [
        ("free", lambda name: not store.slot_booked(name)),
        ("booked", store.slot_booked),
    ]
    for key, holds in checks:
        failures.extend(f"slot {name} {key}" for name in _list(expected.get(key)) if not holds(name))
    for mail in _list(expected.get("mail")):
        failures.extend(_check_mail(mail, store, ctx))
    return failures
