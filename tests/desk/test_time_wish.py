"""Typed time wishes: the phrasing table (tests/desk/time_wish_cases.yaml, frozen clocks), the
desk's own rules one by one, the UTC view across the DST switches, hostile input, and the choice
of the 1–3 slots closest to a wish."""

from __future__ import annotations

import random
import time as clock
from datetime import date, datetime, time, timedelta, timezone

import pytest

from bot.bench.time_parsers import load_cases, score
from bot.desk import time_rules
from bot.desk.slot_choice import closest_slots
from bot.desk.time_parser import MAX_CHARS, clean, parse_time_wish
from bot.desk.time_wish import DESK_TZ, PARTS, TimeWish

CASES = load_cases()
UTC = timezone.utc


def berlin(*args: int) -> datetime:
    return datetime(*args, tzinfo=DESK_TZ)


def test_the_table_is_large_and_balanced():
    langs = [case.lang for case in CASES]
    assert len(CASES) >= 80 and langs.count("de") == langs.count("en")
    assert sum(case.expected is None for case in CASES) >= 10  # texts that are no time wish


@pytest.mark.parametrize("case", CASES, ids=[f"{c.lang}:{c.text}" for c in CASES])
def test_phrasing(case):
    wish = parse_time_wish(case.text, case.lang, case.now)
    assert (wish.key if wish else None) == case.expected


def test_benchmark_scores_the_table():
    result = score(lambda text, lang, now: parse_time_wish(text, lang, now), CASES)
    assert result == {"de": (90, 90), "en": (90, 90)}
    # a reader that knows nothing gets only the texts without a wish right
    nothing = score(lambda text, lang, now: None, CASES)
    assert sum(ok for ok, _ in nothing.values()) == sum(c.expected is None for c in CASES)


# ---- the UTC view: DST and year boundaries ---------------------------------------------------

def test_exact_time_across_the_spring_switch():
    wish = parse_time_wish("morgen um 10", "de", berlin(2027, 3, 27, 23, 30))
    assert wish.exact == datetime(2027, 3, 28, 8, 0, tzinfo=UTC)  # CEST, UTC+2
    assert wish.earliest == wish.exact and wish.latest == wish.exact + timedelta(minutes=1)


def test_same_wall_time_a_week_later_across_the_autumn_switch():
    now = berlin(2027, 10, 24, 10, 0)  # CEST: 08:00 UTC
    wish = parse_time_wish("in einer Woche um 10", "de", now)
    assert wish.exact == datetime(2027, 10, 31, 9, 0, tzinfo=UTC)  # CET, UTC+1


def test_day_bounds_are_local_midnights_in_utc():
    wish = parse_time_wish("Sonntag", "de", berlin(2027, 10, 30, 15, 0))
    assert wish.earliest == datetime(2027, 10, 30, 22, 0, tzinfo=UTC)  # 00:00 CEST
    assert wish.latest == datetime(2027, 10, 31, 23, 0, tzinfo=UTC)  # 24:00 CET: a 25-hour day
    assert wish.exact is None


def test_new_years_eve_tomorrow_is_next_year():
    wish = parse_time_wish("tomorrow morning", "en", berlin(2026, 12, 31, 16, 0))
    assert wish.days == (date(2027, 1, 1),) * 2 and wish.part == "morning"
    assert wish.earliest == datetime(2027, 1, 1, 7, 0, tzinfo=UTC)
    assert wish.latest == datetime(2027, 1, 1, 11, 0, tzinfo=UTC)


def test_a_wish_without_a_day_starts_now_and_is_open_ended():
    now = berlin(2027, 2, 1, 9, 0)
    wish = parse_time_wish("nachmittags", "de", now)
    assert wish.earliest == now.astimezone(UTC) and wish.latest is None and wish.exact is None
    assert wish.matches(berlin(2027, 2, 3, 14, 0)) and not wish.matches(berlin(2027, 2, 3, 10, 0))


def test_today_is_not_before_now():
    now = berlin(2027, 2, 1, 15, 0)
    wish = parse_time_wish("heute Nachmittag", "de", now)
    assert wish.earliest == now.astimezone(UTC)
    assert not wish.matches(berlin(2027, 2, 1, 14, 0))  # past already
    assert wish.matches(berlin(2027, 2, 1, 16, 0))


def test_a_naive_clock_is_refused():
    with pytest.raises(ValueError):
        TimeWish(datetime(2027, 2, 1, 9, 0))


# ---- the desk's rules, one by one ------------------------------------------------------------

TODAY = date(2027, 2, 1)  # a Monday


def find(text: str, lang: str = "en") -> time_rules.Findings:
    return time_rules.find(clean(text), lang, TODAY)


@pytest.mark.parametrize("text", [
    "so bald wie möglich", "möglichst bald", "schnellstmöglich", "egal wann", "ist mir egal",
    "der nächste freie Termin", "as soon as possible", "asap", "ASAP please", "any time",
    "anytime", "whenever", "the earliest slot", "first available", "I don't mind",
    "Hauptsache bald", "soon please"])
def test_asap_phrases(text):
    assert find(text).asap


@pytest.mark.parametrize("text", ["bis bald", "see you soon", "Danke", "no idea", "Montag"])
def test_not_asap(text):
    assert not find(text).asap


@pytest.mark.parametrize("text, lang, window", [
    ("ab 16 Uhr", "de", (960, 1440)), ("nach 16:30", "de", (990, 1440)),
    ("after 4 pm", "en", (960, 1440)), ("after 4", "en", (960, 1440)),  # the desk opens at 8
    ("vor 10", "de", (0, 600)), ("before 9.30 uhr", "en", (0, 570)),
    ("zwischen 10 und 12 Uhr", "de", (600, 720)), ("between 2 and 4 pm", "en", (840, 960)),
    ("von 9 bis 11", "de", (540, 660)), ("from 9 to 11 am", "en", (540, 660)),
    ("vor Mittag", "de", (0, 720)), ("after noon", "en", (720, 1440)),
    ("after 7 am", "en", (420, 1440)), ("ab 7 Uhr", "de", (420, 1440)),
    ("ab 7", "de", (1140, 1440)),
])
def test_hours_windows(text, lang, window):
    assert find(text, lang).window == window


@pytest.mark.parametrize("text, lang", [
    ("ab 15.12.", "de"),          # a date, not 15:12
    ("vor 2 Wochen", "de"),       # a duration
    ("after 3 days", "en"),
    ("zwischen 12 und 10", "de"),  # backwards
    ("nach 25 Uhr", "de"),
    ("ab Montag", "de"),
])
def test_not_hours_windows(text, lang):
    assert find(text, lang).window is None


def test_german_am_is_not_ante_meridiem():
    assert find("ab 4 am Dienstag", "de").window == (960, 1440)
    assert find("after 4 am", "en").window == (240, 1440)


@pytest.mark.parametrize("text, part", [
    ("vormittags", "morning"), ("Dienstagvormittag", "morning"), ("morgens", "morning"),
    ("morgen früh", "morning"), ("in the morning", "morning"), ("mittags", "noon"),
    ("über Mittag", "noon"), ("at lunchtime", "noon"), ("Montagnachmittag", "afternoon"),
    ("afternoon", "afternoon"), ("abends", "evening"), ("am Abend", "evening"),
    ("in the evening", "evening")])
def test_parts_of_the_day(text, part):
    found = find(text)
    assert found.part == part and found.window == PARTS[part]


def test_morgen_alone_is_tomorrow_not_morning():
    found = find("morgen", "de")
    assert found.part is None and found.rest.strip() == "morgen"  # left for the library


def test_at_noon_is_a_clock_time():
    found = find("Sunday at noon")
    assert found.at == time(12) and found.window is None


def test_this_afternoon_and_tonight_are_today():
    assert find("this afternoon").days == (TODAY, TODAY)
    tonight = find("tonight")
    assert tonight.days == (TODAY, TODAY) and tonight.part == "evening"


@pytest.mark.parametrize("text, day", [
    ("übermorgen", date(2027, 2, 3)), ("the day after tomorrow", date(2027, 2, 3)),
    ("in 3 Tagen", date(2027, 2, 4)), ("in einer Woche", date(2027, 2, 8)),
    ("in zwei Wochen", date(2027, 2, 15)), ("in 14 Tagen", date(2027, 2, 15)),
    ("in a week", date(2027, 2, 8)), ("in ten days", date(2027, 2, 11))])
def test_relative_days(text, day):
    assert find(text).days == (day, day)


@pytest.mark.parametrize("text, days", [
    ("diese Woche", (date(2027, 2, 1), date(2027, 2, 7))),
    ("nächste Woche", (date(2027, 2, 8), date(2027, 2, 14))),
    ("in der kommenden Woche", (date(2027, 2, 8), date(2027, 2, 14))),
    ("the week after next", (date(2027, 2, 15), date(2027, 2, 21)))])
def test_weeks(text, days):
    found = find(text)
    assert found.days == days and found.week


def test_this_week_starts_today():
    found = time_rules.find("this week", "en", date(2027, 2, 3))
    assert found.days == (date(2027, 2, 3), date(2027, 2, 7))


def test_a_weekday_moves_into_the_week_named():
    # on Monday "Tuesday" alone is tomorrow; "Tuesday next week" is eight days on
    wish = parse_time_wish("Tuesday next week", "en", berlin(2027, 2, 1, 9, 0))
    assert wish.days == (date(2027, 2, 9),) * 2


def test_next_weekday_is_the_coming_one():
    found = find("nächsten Dienstag", "de")
    assert found.rest.strip() == "dienstag"
    wish = parse_time_wish("next Tuesday", "en", berlin(2027, 2, 1, 9, 0))
    assert wish.days == (date(2027, 2, 2),) * 2


def test_greetings_are_not_mornings():
    assert find("Guten Morgen", "de").part is None
    assert parse_time_wish("Good morning!", "en", berlin(2027, 2, 1, 9, 0)) is None
    wish = parse_time_wish("Guten Morgen, haben Sie morgen Zeit?", "de", berlin(2027, 2, 1, 9))
    assert wish.days == (date(2027, 2, 2),) * 2 and wish.part is None


@pytest.mark.parametrize("text, grounded", [
    ("keine ahnung", False), ("ich weiß nicht", False), ("i have two kids", False),
    ("0170 1234567", False), ("hilfe mit meiner steuer", False), ("dienstag", True),
    ("di.", True), ("15.12.", True), ("um 10", True), ("10 uhr", True), ("3 pm", True),
    ("the 3rd", True), ("am 3.", True), ("morgen", True), ("im mai", True)])
def test_the_library_reads_only_grounded_text(text, grounded):
    assert time_rules.grounded(text) is grounded


# ---- hostile and odd input -------------------------------------------------------------------

NOW = berlin(2027, 2, 1, 9, 0)


@pytest.mark.parametrize("text", [
    "", "   ", None, 42, "x" * 10_000, "morgen um 10 " * 800, "\x00\x01\x02\x1b[31m\x07",
    "🙂🙂🙂", "📅⏰👍", "no idea", "\u202e\u200b\ufeff", "<script>alert(1)</script>",
    "'; DROP TABLE booking; --", "%s%s%n", "\\x00"])
def test_bad_input_is_no_wish(text):
    started = clock.perf_counter()
    assert parse_time_wish(text, "de", NOW) is None
    assert clock.perf_counter() - started < 1.0


def test_control_characters_and_emoji_around_a_wish():
    wish = parse_time_wish("morgen\x00 um\u200b 10 🙂", "de", NOW)
    assert wish.days == (date(2027, 2, 2),) * 2 and wish.at == time(10)


def test_long_text_is_cut_off_early():
    assert parse_time_wish("morgen " + "x" * MAX_CHARS, "de", NOW) is None
    assert parse_time_wish("morgen" + " " * (MAX_CHARS - 6), "de", NOW) is not None


def test_random_text_never_raises_and_is_fast():
    rng = random.Random(12)
    alphabet = "abcdefghijklmnopqrstuvwxyzäöüß0123456789 .,:;-/!?()'\"\t\n\x00🙂€"
    words = ["morgen", "um", "10", "Uhr", "next", "Tuesday", "ab", "zwischen", "und", "15.12.",
             "am", "pm", "in", "zwei", "Wochen", "asap", "vormittags", "the", "3rd"]
    started = clock.perf_counter()
    for _ in range(200):
        if rng.random() < 0.5:
            text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 120)))
        else:
            text = " ".join(rng.choice(words) for _ in range(rng.randint(1, 12)))
        wish = parse_time_wish(text, rng.choice(["de", "en"]), NOW)
        assert wish is None or isinstance(wish, TimeWish)
    assert clock.perf_counter() - started < 20  # ~10 ms a text; generous for a busy machine


def test_unknown_language_falls_back_without_error():
    assert parse_time_wish("morgen um 10", "fr", NOW).at == time(10)
