"""The pieces the ticket list and the inbox share: query-string filters, days, search, pages."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.desk.inbox import InboxFilter
from bot.desk.listing import escape_like, page_count, page_number, parse_date
from bot.desk.ticket_list import TicketFilter

BERLIN = ZoneInfo("Europe/Berlin")


def test_small_parsers_ignore_nonsense():
    assert parse_date("2026-12-08") == date(2026, 12, 8) and parse_date("8.12.") is None
    assert parse_date(None) is None
    assert [page_number(v) for v in (None, "", "3", "-2", "x")] == [1, 1, 3, 1, 1]
    assert [page_count(t, 50) for t in (0, 1, 50, 51)] == [1, 1, 1, 2]
    assert escape_like(r"100%_a\b") == r"100\%\_a\\b"


def test_days_are_whole_days_in_the_desks_time_zone():
    start, end = TicketFilter(date_from=date(2026, 3, 28), date_to=date(2026, 3, 29)).days(BERLIN)
    assert start == datetime(2026, 3, 28, tzinfo=BERLIN) and start.utcoffset().seconds == 3600
    assert end == datetime(2026, 3, 30, tzinfo=BERLIN) and end.utcoffset().seconds == 7200  # DST
    assert TicketFilter().days(BERLIN) == (None, None)


@pytest.mark.parametrize("query", [
    {"status": "done", "language": "de", "topic": "tax_id", "from": "2026-12-01", "to": "2026-12-08",
     "q": "ada"},
    {"q": "esd-7k3q9"},
    {},
])
def test_ticket_filter_round_trips_through_the_query_string(query):
    assert TicketFilter.from_query(query).as_query() == query


def test_ticket_filter_drops_what_it_does_not_know():
    flt = TicketFilter.from_query({"status": "bogus", "language": "fr", "from": "x", "q": "   "})
    assert flt == TicketFilter()


@pytest.mark.parametrize(("query", "back"), [
    ({}, {"status": "new"}),
    ({"status": "all", "language": "none"}, {"status": "all", "language": "none"}),
    ({"status": "confirmed", "intent": "tax_id", "from": "2026-12-01", "q": "steuer"},
     {"status": "confirmed", "intent": "tax_id", "from": "2026-12-01", "q": "steuer"}),
])
def test_inbox_filter_round_trips_and_defaults_to_new(query, back):
    assert InboxFilter.from_query(query).as_query() == back
