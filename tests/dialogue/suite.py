"""The dialogue suite on disk: tests/dialogue/conversations/{de,en}/<scenario>.yml, one
conversation per file, plus defaults.yml (what no turn of any conversation may do).

A conversation file:
  description: what the user wants, in a sentence
  source: where the scenario comes from (FAQ sub-question, forum thread, …)
  language: de | en          the page language (REST metadata) and the user's language
  typed: true                the user only types (no button payloads)
  setup:
    slots:   [{name: a, day: "workday+2", time: "10:00", mode: desk}]   (moments.py: day specs)
    booking: {slot: a, email: …, name: …, language: de}                  an existing booking
  forbid:    expectations every turn must meet (e.g. not_asks: [client_type])
  turns:
    - user: "…"              placeholders as in moments.py; `repeat: N` sends it N times over
      when_asks: slot        optional: the user says it only while the form asks for `slot`
                             (a step the bot may rightly skip, e.g. picking when it went
                             straight to the summary); a skipped turn is not counted
      expect: {…}            scoring.py: the keys of a turn
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent / "conversations"
LANGUAGES = ("de", "en")
_LIST_KEYS = ("utters", "not_utters", "not_asks", "says", "not_says", "says_re", "not_says_re")


@dataclass(frozen=True)
class Turn:
    user: str
    expect: dict
    when_asks: str | None = None  # said only while the form asks this (else skipped)


@dataclass(frozen=True)
class Conversation:
    id: str  # "<language>/<file stem>"
    language: str
    description: str
    typed: bool
    turns: tuple[Turn, ...]
    setup: dict = field(default_factory=dict)
    forbid: dict = field(default_factory=dict)


def merge(expect: dict, forbid: dict) -> dict:
    """A turn's expectations plus the conversation's and the suite's prohibitions."""
    merged = dict(expect)
    for key, values in forbid.items():
        if key not in _LIST_KEYS:
            raise ValueError(f"forbid supports only {_LIST_KEYS}, not {key!r}")
        merged[key] = [*_as_list(merged.get(key)), *_as_list(values)]
    return merged


def _as_list(value) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _merged_forbid(*parts: dict) -> dict:
    result: dict = {}
    for part in parts:
        for key, values in (part or {}).items():
            result[key] = [*result.get(key, []), *_as_list(values)]
    return result


def load_defaults(root: Path = ROOT) -> dict:
    path = root / "defaults.yml"
    return (yaml.safe_load(path.read_text()) or {}).get("forbid", {}) if path.exists() else {}


def load_conversation(path: Path, defaults: dict, root: Path = ROOT) -> Conversation:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    language = data["language"]
    if language not in LANGUAGES or path.parent.name != language:
        raise ValueError(f"{path}: language {language!r} must match its folder")
    turns = tuple(Turn(str(t["user"]) * int(t.get("repeat", 1)), t.get("expect") or {},
                       t.get("when_asks")) for t in data["turns"])
    if not turns:
        raise ValueError(f"{path}: no turns")
    return Conversation(
        id=f"{language}/{path.stem}", language=language, description=data.get("description", ""),
        typed=bool(data.get("typed", True)), turns=turns, setup=data.get("setup") or {},
        forbid=_merged_forbid(defaults, data.get("forbid")),
    )


def load_suite(root: Path = ROOT, only: str | None = None) -> list[Conversation]:
    """All conversations, German first; `only` keeps those whose id contains it."""
    defaults = load_defaults(root)
    conversations = [
        load_conversation(path, defaults, root)
        for language in LANGUAGES for path in sorted((root / language).glob("*.yml"))
    ]
    return [c for c in conversations if not only or only in c.id]
