"""Accuracy of date/time parser libraries on the desk's typed time wishes, per language.

    PYTHONPATH=. .venv/app/bin/python -m bot.bench time_parsers

measures what the app env has: the chosen library (ctparse) raw and with the desk's own rules
on top (`bot.desk.time_parser.parse_time_wish`, what the chat uses). The others are left out of
the app env on purpose; to compare all three, put them in a scratch env:

    .venv/tools/bin/uv venv /tmp/time-parsers --python 3.12
    .venv/tools/bin/uv pip install --python /tmp/time-parsers/bin/python \
        ctparse dateparser recognizers-text-suite 'emoji<1' pyyaml
    PYTHONPATH=. /tmp/time-parsers/bin/python -W ignore -m bot.bench.time_parsers [-v]

(recognizers-text 1.0.2a2, the last Python release, imports `emoji.UNICODE_EMOJI`, gone since
emoji 2.0, and has no German: German text goes through its English model.)

The set is tests/desk/time_wish_cases.yaml; a case counts only when the whole reading (days,
hours window, clock time, asap) is the expected one. "raw" is the library's own reading of the
whole text, turned into a wish by a thin adapter; "+ rules" runs the desk's rules (parts of the
day, hours windows, asap, ordinal days) first and gives the library only what they left.
"""

from __future__ import annotations

import importlib.util
import sys
import time as clock
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

import yaml

from bot.desk import time_library
from bot.desk.time_parser import Backend, parse_time_wish
from bot.desk.time_wish import DESK_TZ, PARTS, TimeWish

CASES = Path(__file__).resolve().parents[2] / "tests" / "desk" / "time_wish_cases.yaml"
GROUPS = ("cases", "fresh")


@dataclass(frozen=True)
class Case:
    group: str  # "cases" (the rules were shaped on them) or "fresh" (written blind)
    lang: str
    now: datetime
    text: str
    expected: tuple | None  # TimeWish.key, None when the text holds no wish


def _minutes(value: str) -> int:
    hours, minutes = value.split(":")
    return int(hours) * 60 + int(minutes)


def _expected(row: dict) -> tuple | None:
    if row.get("none"):
        return None
    days = (row["day"], row["day"]) if "day" in row else row.get("days")
    if "part" in row:
        window = PARTS[row["part"]]
    else:
        window = tuple(_minutes(edge) for edge in row["window"]) if "window" in row else None
    at = time.fromisoformat(row["at"]) if "at" in row else None
    return (tuple(days) if days else None, window, at, bool(row.get("asap")))


def load_cases(path: Path = CASES) -> list[Case]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    clocks = {name: datetime.strptime(value, "%Y-%m-%d %H:%M").replace(tzinfo=DESK_TZ)
              for name, value in data["clocks"].items()}
    return [Case(group, row["lang"], clocks[row["now"]], row["text"], _expected(row))
            for group in GROUPS for row in data[group]]


# ---- adapters for the libraries not chosen (imported only when installed) --------------------

def _dateparser_backend(text: str, lang: str, now: datetime) -> TimeWish | None:
    from dateparser.date import DateDataParser
    from dateparser.search import search_dates

    settings = {"RELATIVE_BASE": now.replace(tzinfo=None), "PREFER_DATES_FROM": "future",
                "RETURN_TIME_AS_PERIOD": True}
    found = search_dates(text, languages=[lang], settings=settings)
    fragment = found[0][0] if found else text  # search misses some whole-text dates ("10 am")
    data = DateDataParser(languages=[lang], settings=settings).get_date_data(fragment)
    moment, period = data.date_obj, data.period
    if moment is None:
        return None
    day = moment.date()
    if period == "time":
        return TimeWish(now, (day, day), at=time(moment.hour, moment.minute))
    if period == "part_of_day":
        part = next((name for name, (begin, end) in PARTS.items()
                     if begin <= moment.hour * 60 < end), "evening")
        return TimeWish(now, (day, day), window=PARTS[part], part=part)
    if period == "week":
        monday = day - timedelta(days=day.weekday())
        return TimeWish(now, (monday, monday + timedelta(days=6)))
    if period == "day":
        return TimeWish(now, (day, day))
    return None


_RECOGNIZERS_PARTS = {"TMO": "morning", "TMI": "noon", "TAF": "afternoon", "TEV": "evening",
                      "TNI": "evening"}


def _recognizers_value(values: list[dict], today: date) -> dict:
    """The first resolution not in the past (ambiguous ones come as past and future pairs)."""
    for value in values:
        start = value.get("value") or value.get("start") or ""
        if start[:1].isdigit() and ":" not in start[:5] and start[:10] < today.isoformat():
            continue
        return value
    return values[-1]


def _recognizers_backend(text: str, lang: str, now: datetime) -> TimeWish | None:
    from recognizers_date_time import DateTimeOptions, recognize_datetime

    results = recognize_datetime(text, "en-us", DateTimeOptions.NONE, now.replace(tzinfo=None))
    if not results:
        return None
    value = _recognizers_value(results[0].resolution["values"], now.date())
    kind, timex = value["type"], value.get("timex", "")
    if timex in ("FUTURE_REF", "PRESENT_REF"):
        return TimeWish(now, asap=True)
    stamp = value.get("value") or value.get("start", "")
    part = _RECOGNIZERS_PARTS.get(timex[-3:])
    if kind == "time":
        return TimeWish(now, at=time.fromisoformat(stamp))
    if kind == "timerange":
        if part:
            return TimeWish(now, window=PARTS[part], part=part)
        end = value.get("end")
        return TimeWish(now, window=(_minutes(stamp[:5]), _minutes(end[:5]) if end else 24 * 60))
    day = date.fromisoformat(stamp[:10])
    if kind == "date":
        return TimeWish(now, (day, day))
    if kind == "datetime":
        return TimeWish(now, (day, day), at=time.fromisoformat(stamp[11:]))
    if kind == "datetimerange" and part:
        return TimeWish(now, (day, day), window=PARTS[part], part=part)
    if kind == "daterange":
        return TimeWish(now, (day, date.fromisoformat(value["end"]) - timedelta(days=1)))
    return None


LIBRARIES: dict[str, tuple[str, Backend]] = {
    "ctparse": ("ctparse", time_library.read),
    "dateparser": ("dateparser", _dateparser_backend),
    "recognizers-text": ("recognizers_date_time", _recognizers_backend),
}


def _raw(backend: Backend) -> Callable[[str, str, datetime], TimeWish | None]:
    return lambda text, lang, now: backend(text, lang, now)


def _with_rules(backend: Backend) -> Callable[[str, str, datetime], TimeWish | None]:
    return lambda text, lang, now: parse_time_wish(text, lang, now, backend=backend)


def score(read: Callable[[str, str, datetime], TimeWish | None], cases: list[Case],
          verbose: bool = False, label: str = "") -> dict[str, tuple[int, int]]:
    """Per language: (correct, total). A crash counts as a miss."""
    tally: dict[str, list[int]] = {}
    for case in cases:
        try:
            wish = read(case.text, case.lang, case.now)
            got = wish.key if wish else None
        except Exception as error:  # noqa: BLE001 - a library crash is a wrong answer here
            got = f"error: {error!r}"
        right = got == case.expected
        counts = tally.setdefault(case.lang, [0, 0])
        counts[0] += right
        counts[1] += 1
        if verbose and not right:
            print(f"  miss {label} [{case.group} {case.lang}] {case.text!r}: got {got}, "
                  f"want {case.expected}")
    return {lang: (ok, total) for lang, (ok, total) in tally.items()}


def _line(name: str, result: dict[str, tuple[int, int]], seconds: float, count: int) -> str:
    cells = []
    for lang in ("de", "en"):
        ok, total = result.get(lang, (0, 0))
        cells.append(f"{lang} {ok:3d}/{total:<3d} {100 * ok / max(total, 1):5.1f} %")
    ok = sum(v[0] for v in result.values())
    total = sum(v[1] for v in result.values())
    mean_ms = 1000 * seconds / max(count, 1)
    return (f"{name:<30} {'   '.join(cells)}   all {100 * ok / max(total, 1):5.1f} %"
            f"   {mean_ms:5.1f} ms/text")


def main(argv: list[str]) -> int:
    verbose = "-v" in argv
    cases = load_cases()
    counts = ", ".join(f"{sum(c.group == g for c in cases)} {g}" for g in GROUPS)
    print(f"{CASES.name}: {counts}; a case is right only when the whole reading is", flush=True)
    for name, (module, backend) in LIBRARIES.items():
        if importlib.util.find_spec(module) is None:
            print(f"{name:<30} not installed here (see python -m bot.bench.time_parsers --help)")
            continue
        for label, read in ((f"{name} raw", _raw(backend)),
                            (f"{name} + desk rules", _with_rules(backend))):
            read("morgen um 10", "de", cases[0].now)  # load the library before timing
            for group in GROUPS:
                chosen = [case for case in cases if case.group == group]
                started = clock.perf_counter()
                result = score(read, chosen, verbose, label)
                print(_line(f"{label} ({group})", result, clock.perf_counter() - started,
                            len(chosen)), flush=True)
    return 0


if __name__ == "__main__":
    if "--help" in sys.argv:
        print(__doc__)
        sys.exit(0)
    sys.exit(main(sys.argv[1:]))
