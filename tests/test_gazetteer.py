"""Town / nationality lookup behind the `town`, `district`, `nationality_group` slots."""

import pytest

from rasa_side.nlu.gazetteer import TOWNS, extract, find


def values(text):
    return {k: m.value for k, m in extract(text).items()}


@pytest.mark.parametrize("text, town", [
    ("Ich wohne in Düsseldorf", "Düsseldorf"),
    ("i live in duesseldorf", "Düsseldorf"),
    ("moving to Dusseldorf next month", "Düsseldorf"),
    ("Wohnung in Düsseldorf-Bilk gefunden", "Düsseldorf"),
    ("wir ziehen nach Wuelfrath", "Wülfrath"),
    ("Wulfrath", "Wülfrath"),
    ("I live in Monheim", "Monheim am Rhein"),
    ("Monheim am Rhein", "Monheim am Rhein"),
    ("Erkarth", "Erkrath"),  # swapped letters
    ("ratingen", "Ratingen"),
    ("wohne in Hochdahl", "Erkrath"),
    ("Velbert-Neviges", "Velbert"),
    ("Heiligenhaus", "Heiligenhaus"),
    ("from Langenfeld (Rheinland)", "Langenfeld"),
    ("Hilden", "Hilden"),
    ("haan", "Haan"),
    ("Mettmann", "Mettmann"),
])
def test_towns(text, town):
    found = values(text)
    assert found["town"] == town
    expected = "duesseldorf" if town == "Düsseldorf" else "kreis_mettmann"
    assert found["district"] == expected


def test_all_eleven_towns_resolve_to_themselves():
    assert len(TOWNS) == 11
    for town in TOWNS:
        assert values(f"I live in {town}")["town"] == town


def test_kreis_mettmann_alone_gives_only_the_district():
    assert values("Ich wohne im Kreis Mettmann") == {"district": "kreis_mettmann"}


def test_last_town_wins():
    assert values("I moved from Hilden to Ratingen")["town"] == "Ratingen"


@pytest.mark.parametrize("text", [
    "I love hidden gems", "Let us talk", "us too", "Hallo", "Which visa do I need?",
    "my house has a nice garden", "the EU Blue Card",
])
def test_no_false_positives(text):
    assert values(text) == {}


@pytest.mark.parametrize("text, country, group", [
    ("Ich bin Inder", "India", "other"),
    ("I have an Indian passport", "India", "other"),
    ("ich habe einen indischen Pass", "India", "other"),
    ("I'm American", "United States", "visa_free"),
    ("Ich bin US-Amerikanerin", "United States", "visa_free"),
    ("I am from the US", "United States", "visa_free"),
    ("from the USA", "United States", "visa_free"),
    ("Ich bin Brite", "United Kingdom", "visa_free"),
    ("UK citizen", "United Kingdom", "visa_free"),
    ("kanadischer Staatsbürger", "Canada", "visa_free"),
    ("südkoreanisch", "Republic of Korea", "visa_free"),
    ("suedkoreanerin", "Republic of Korea", "visa_free"),
    ("New Zealander here", "New Zealand", "visa_free"),
    ("Ich bin Franzose", "France", "eu"),
    ("Swiss citizen", "Switzerland", "eu"),
    ("norwegischer Pass", "Norway", "eu"),
    ("I'm Brazilian", "Brazil", "other"),
    ("Ich komme aus der Türkei", "Turkey", "other"),
    ("tuerkische Staatsangehoerigkeit", "Turkey", "other"),
])
def test_nationalities(text, country, group):
    found = values(text)
    assert (found["nationality"], found["nationality_group"]) == (country, group)


@pytest.mark.parametrize("text, group", [
    ("Do I need a visa as an EU citizen?", "eu"),
    ("Ich bin EU-Bürgerin", "eu"),
    ("I'm a non-EU national", "other"),
    ("Als Drittstaatsangehöriger brauche ich was?", "other"),
])
def test_group_words_without_country(text, group):
    found = values(text)
    assert found["nationality_group"] == group
    assert "nationality" not in found


def test_spans_point_at_the_mention():
    text = "Ich bin Inder und wohne in Wuelfrath."
    for match in find(text):
        assert text[match.start:match.end] in ("Inder", "Wuelfrath")
