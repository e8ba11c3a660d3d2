"""The 1–3 free slots proposed for a typed time wish (bot.desk.slot_choice)."""

from __future__ import annotations

from datetime import datetime, timezone

from bot.desk.slot_choice import SlotChoice, closest_slots
from bot.desk.time_parser import parse_time_wish
from bot.desk.time_wish import DESK_TZ

UTC = timezone.utc
NOW = datetime(2027, 2, 1, 9, 0, tzinfo=DESK_TZ)  # Monday


def at(day: int, hour: int, minute: int = 0, month: int = 2) -> datetime:
    """A slot start as the database holds it: UTC-aware."""
    return datetime(2027, month, day, hour, minute, tzinfo=DESK_TZ).astimezone(UTC)


def choose(text: str, starts: list[datetime], lang: str = "de", now: datetime = NOW):
    return closest_slots(parse_time_wish(text, lang, now), starts)


def test_same_day_and_part_of_day_first():
    starts = [at(1, 14), at(2, 14), at(2, 11), at(3, 9), at(2, 9)]
    choice = choose("Dienstag vormittags", starts)
    assert choice.starts == (at(2, 9), at(2, 11), at(2, 14))
    assert choice.fitting == 2 and choice.matched


def test_other_hours_of_the_day_then_later_days():
    choice = choose("Dienstag vormittags", [at(3, 15), at(1, 10), at(3, 10), at(2, 14)])
    assert choice.starts == (at(2, 14), at(3, 10), at(3, 15))
    assert not choice.matched  # only alternatives: the reply must say so


def test_days_after_the_wish_before_days_before_it():
    choice = choose("Mittwoch", [at(1, 10), at(2, 16), at(5, 9), at(4, 15)])
    assert choice.starts == (at(4, 15), at(5, 9), at(2, 16))
    assert choice.fitting == 0


def test_only_days_before_the_wish_nearest_first():
    choice = choose("Freitag", [at(2, 9), at(4, 11), at(4, 9)])
    assert choice.starts == (at(4, 11), at(4, 9), at(2, 9))
    assert not choice.matched


def test_a_named_clock_time_then_the_nearest_times_that_day():
    starts = [at(15, 14, month=3), at(15, 10, 30, month=3), at(15, 10, month=3),
              at(15, 9, 30, month=3), at(16, 10, month=3)]
    choice = choose("15.3. um 10", starts)
    assert choice.starts == (at(15, 10, month=3), at(15, 9, 30, month=3), at(15, 10, 30, month=3))
    assert choice.fitting == 1
    taken = choose("15.3. um 10", [s for s in starts if s != at(15, 10, month=3)])
    assert taken.starts == (at(15, 9, 30, month=3), at(15, 10, 30, month=3), at(15, 14, month=3))
    assert taken.fitting == 0


def test_asap_takes_the_earliest_future_slots():
    starts = [at(5, 9), at(1, 8), at(2, 10), at(1, 10), at(3, 9)]  # 1 Feb 08:00 is past
    choice = choose("so bald wie möglich", starts)
    assert choice.starts == (at(1, 10), at(2, 10), at(3, 9)) and choice.fitting == 3


def test_asap_within_the_days_named():
    choice = choose("nächste Woche, so bald wie möglich", [at(2, 9), at(10, 9), at(8, 14)])
    assert choice.starts[:2] == (at(8, 14), at(10, 9)) and choice.fitting == 2


def test_a_clock_time_on_any_day():
    choice = choose("10 Uhr", [at(2, 14), at(3, 10), at(4, 10), at(2, 10, 30)])
    assert choice.starts == (at(3, 10), at(4, 10), at(2, 10, 30)) and choice.fitting == 2


def test_a_part_of_the_day_without_a_day_and_nothing_fits():
    choice = choose("morning", [at(3, 18), at(2, 15), at(2, 12, 30)], lang="en")
    assert choice.starts == (at(2, 12, 30), at(2, 15), at(3, 18)) and not choice.matched


def test_a_span_of_days():
    starts = [at(2, 9), at(8, 9), at(9, 9), at(10, 9), at(11, 9)]
    choice = choose("next week", starts, lang="en")
    assert choice.starts == (at(8, 9), at(9, 9), at(10, 9)) and choice.fitting == 3


def test_local_day_across_the_autumn_switch():
    now = datetime(2027, 10, 30, 15, 0, tzinfo=DESK_TZ)
    late_sunday = datetime(2027, 10, 31, 22, 30, tzinfo=UTC)  # 23:30 CET, Sunday
    monday = datetime(2027, 10, 31, 23, 30, tzinfo=UTC)  # 00:30 CET, Monday
    choice = choose("Sonntag", [monday, late_sunday], now=now)
    assert choice.starts == (late_sunday, monday) and choice.fitting == 1


def test_no_free_slot_at_all():
    assert choose("morgen", []) == SlotChoice((), 0)
    assert choose("morgen", [at(1, 8)]) == SlotChoice((), 0)  # only a past one


def test_limit():
    wish = parse_time_wish("asap", "en", NOW)
    assert closest_slots(wish, [at(2, 9), at(3, 9)], limit=1).starts == (at(2, 9),)
