"""Every response in the domain speaks German and English and never leaves the bot silent.

Each response needs a variation conditioned on `language` = de, one on `language` = en,
and an unconditioned default (used while the slot is still empty). The German and
English variations must also read as German and English (rasa_side.nlu.detect).
"""

from __future__ import annotations

from collections import Counter

import pytest

from rasa_side.nlu.detect import detect
from tests.domain_files import domain_files, responses

LANGUAGES = ("de", "en")
CONTENT_KEYS = ("text", "custom", "image", "buttons", "attachment")


def language_of(variation: dict) -> str | None:
    """'de' / 'en' for a variation conditioned only on the language slot, None for the default."""
    conditions = variation.get("condition") or []
    if not conditions:
        return None
    language = [
        c.get("value") for c in conditions if c.get("type") == "slot" and c.get("name") == "language"
    ]
    return language[0] if len(language) == 1 else "other"


def problems(name: str, variations: list[dict]) -> list[str]:
    found = []
    by_language = Counter(language_of(v) for v in variations)
    for language in LANGUAGES:
        if by_language[language] == 0:
            found.append(f"{name}: no `{language}` variation")
    if by_language[None] == 0:
        found.append(f"{name}: no unconditioned default")
    for variation in variations:
        if not any(variation.get(key) for key in CONTENT_KEYS):
            found.append(f"{name}: a variation with no content")
        language = language_of(variation)
        text = variation.get("text") or ""
        if language in LANGUAGES and detect(text) == {"de": "en", "en": "de"}[language]:
            found.append(f"{name}: the `{language}` variation reads as the other language: {text!r}")
    return found


def test_domain_has_responses():
    assert len(responses()) >= 5


def test_every_response_has_de_en_and_default():
    found = [p for name, variations in sorted(responses().items()) for p in problems(name, variations)]
    assert not found, "\n".join(found)


def test_no_response_is_defined_twice():
    # Rasa merges domain/ silently: a second definition would replace the first one.
    counts = Counter(
        name for content in domain_files().values() for name in (content.get("responses") or {})
    )
    assert [name for name, n in counts.items() if n > 1] == []


@pytest.mark.parametrize(
    ("variations", "expected"),
    [
        ([{"text": "Hi"}], ["x: no `de` variation", "x: no `en` variation"]),
        (
            [
                {"condition": [{"type": "slot", "name": "language", "value": "de"}], "text": "Hallo!"},
                {"condition": [{"type": "slot", "name": "language", "value": "en"}], "text": "Hello!"},
            ],
            ["x: no unconditioned default"],
        ),
        (
            [
                {"condition": [{"type": "slot", "name": "language", "value": "de"}],
                 "text": "Where do I get the Meldebescheinigung?"},
                {"condition": [{"type": "slot", "name": "language", "value": "en"}], "text": "Hello!"},
                {"text": "Hello!"},
            ],
            ["x: the `de` variation reads as the other language: 'Where do I get the Meldebescheinigung?'"],
        ),
    ],
)
def test_the_check_catches_missing_and_wrong_languages(variations, expected):
    assert problems("x", variations) == expected
