"""The desk's languages: one definition, and what counts as which."""

import pytest

from bot.desk.languages import DEFAULT, LANGUAGES, choose, known, other


def test_the_two_languages_and_the_default():
    assert LANGUAGES == ("de", "en") and DEFAULT == "en"


@pytest.mark.parametrize(("value", "expected"), [
    ("de", "de"), ("en", "en"), (None, None), ("", None), ("fr", None), ("DE", None), (["de"], None),
])
def test_known(value, expected):
    assert known(value) == expected


def test_choose_falls_back_to_the_default_or_the_given_one():
    assert [choose(v) for v in ("de", "en", None, "fr")] == ["de", "en", "en", "en"]
    assert choose("fr", default="de") == "de" and choose("en", default="de") == "en"


def test_other():
    assert (other("de"), other("en"), other(None)) == ("en", "de", "de")
