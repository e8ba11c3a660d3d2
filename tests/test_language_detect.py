"""The conversation-language decision (rasa_side/nlu/detect.py) on the labelled set and on key cases."""

import pytest
import yaml

from rasa_side.nlu.detect import (
    conversation_language, detect, explicit_request, names_a_language, switch_request,
)
from bot.training.language_eval import evaluate, load

TARGET = 0.99


@pytest.fixture(scope="module")
def examples():
    return load()


def test_labelled_set_is_big_and_hard_enough(examples):
    assert len(examples) >= 300
    assert sum(e.hard for e in examples) >= len(examples) / 3
    assert {e.label for e in examples} == {"de", "en", "keep", "switch"}
    texts = [e.text for e in examples]
    assert len(texts) == len(set(texts)), "a message is labelled twice"


def test_accuracy_target(examples):
    result = evaluate(examples)
    assert result["accuracy"] >= TARGET, result["errors"]
    assert result["hard_accuracy"] >= TARGET, result["errors"]
    # Answering in the other language is the error users notice: none allowed.
    assert result["wrong_language"] == 0, result["errors"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # code-switching: the sentence frame decides, borrowed nouns don't
        ("where do I get the Meldebescheinigung?", "en"),
        ("Do I need the Wohnungsgeberbestätigung for the Anmeldung?", "en"),
        ("Kann ich mit meiner Blue Card den Job wechseln?", "de"),
        ("Wie funktioniert das mit der health insurance für Freelancer?", "de"),
        # sticky: short, phatic or name-only messages keep the language
        ("ok", None),
        ("Danke", None),
        ("Steuernummer?", None),
        ("Blue Card Gehalt?", None),
        ("Thank you very much!", None),
        ("Jürgen Müller", None),
        ("anna.mueller@web.de", None),
        ("ESD-7K3Q9", None),
        ("Erkrath, Hilden, Mettmann", None),
        ("/request_human", None),
        ("", None),
        # names, e-mails and references inside a sentence don't flip it
        ("My name is Jürgen Müller.", "en"),
        ("Meine E-Mail ist john.smith@gmail.com", "de"),
        # greetings
        ("Hallo", "de"),
        ("Hello", "en"),
        ("Hello, ich brauche Hilfe bei der Anmeldung", "de"),
        # no umlauts, typos
        ("Ich moechte einen Termin bei der Auslaenderbehoerde.", "de"),
        ("i want to cancle my appointment pls", "en"),
        # explicit requests win over the frame …
        ("Can we speak English?", "en"),
        ("Bitte auf Deutsch", "de"),
        ("Können Sie bitte auf Englisch antworten?", "en"),
        ("Do you speak German?", "de"),
        ("I don't speak German", "en"),
        ("Hallo, mein Deutsch ist nicht so gut, können wir auf Englisch sprechen?", "en"),
        # … but naming a language is not a request
        ("Do I need German for the Blue Card?", "en"),
        ("Kann ich den Einbürgerungstest auf Englisch machen?", "de"),
        ("Can we talk about German citizenship?", "en"),
        ("Die Mitarbeiterin fragte, ob wir Englisch sprechen können.", "de"),
        # the known miss: a request in a German frame
        ("Kann ich auch Englisch mit Ihnen sprechen?", "en"),
        ("Is English possible too?", "en"),
        ("Could we do this in German?", "de"),
        # a switch request naming no language is no detection (conversation_language flips)
        ("Sprache ändern", None),
        ("change language", None),
    ],
)
def test_key_cases(text, expected):
    assert detect(text) == expected


@pytest.mark.parametrize(
    ("text", "current", "page", "after"),
    [
        # the start: the page language, a clear message over it, else English
        ("ok", None, "de", "de"),
        ("ok", None, "en", "en"),
        ("ok", None, None, "en"),
        ("ok", None, "fr", "en"),  # not one of ours: as without a page language
        ("Hallo", None, None, "de"),
        ("Blue Card?", None, "de", "de"),
        ("where do I get the Meldebescheinigung?", None, "de", "en"),
        ("Wie bekomme ich eine Steuer-ID?", None, "en", "de"),
        ("Can we speak English?", None, "de", "en"),
        # sticky: short, phatic, names; the page language no longer matters
        ("Danke", "en", "de", "en"),
        ("Steuernummer?", "en", None, "en"),
        ("Thanks", "de", "en", "de"),
        ("Jürgen Müller", "de", None, "de"),
        ("/request_human", "en", "de", "en"),
        ("", "de", None, "de"),
        # a clear detection moves it
        ("Kann ich mit meiner Blue Card den Job wechseln?", "en", "en", "de"),
        ("How do I get a tax ID?", "de", "de", "en"),
        # explicit requests, also against the frame and against the current language
        ("Kann ich auch Englisch mit Ihnen sprechen?", "de", "de", "en"),
        ("Können wir auf Englisch weitermachen?", "de", "de", "en"),
        ("Geht das auch auf Englisch?", "de", None, "en"),
        ("Could we do this in German?", "en", "en", "de"),
        ("Is English possible too?", "de", "de", "en"),
        ("Bitte auf Deutsch", "de", None, "de"),  # asked for the current one: stays
        # switch requests naming no language flip, whichever the language was
        ("Sprache ändern", "de", "de", "en"),
        ("Sprache ändern", "en", "de", "de"),
        ("change language", "en", "en", "de"),
        ("change language please", "de", "en", "en"),
        ("other language please", "en", None, "de"),
        ("andere Sprache bitte", "de", None, "en"),
        ("Kann ich die Sprache ändern?", "de", None, "en"),
        ("could we change the language?", "en", None, "de"),
        # … at the start from the page language, without one from English
        ("Sprache ändern", None, "de", "en"),
        ("Sprache wechseln", None, None, "de"),
        # mentioning a language is no request
        ("Do I need German for the Blue Card?", "en", "de", "en"),
        ("Kann ich bei der Ausländerbehörde Englisch sprechen?", "de", "en", "de"),
        ("I speak another language at home, is that a problem?", "en", None, "en"),
        ("Ich lerne die deutsche Sprache", "de", None, "de"),
    ],
)
def test_conversation_language(text, current, page, after):
    assert conversation_language(text, current, page) == after


def test_flipping_twice_comes_back():
    language = conversation_language("Hallo", None, "de")
    for expected in ("en", "de", "en"):
        language = conversation_language("Sprache ändern", language, "de")
        assert language == expected


def _examples(path):
    return [
        line[2:]
        for block in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]
        for line in block["examples"].splitlines()
        if line.startswith("- ")
    ]


def test_every_switch_request_is_understood():
    """switch_language answers in the new language: every request of the intent that names
    a language is an explicit request (not left to the sentence frame); every one naming
    none is a switch request, so the conversation flips."""
    from bot.settings import PROJECT_ROOT

    files = sorted(PROJECT_ROOT.glob("data/nlu/*/switch_language.yml")) + sorted(
        PROJECT_ROOT.glob("heldout/*/*/switch_language.yml")
    )
    assert len(files) == 6
    examples = [text for path in files for text in _examples(path)]
    named = [text for text in examples if names_a_language(text)]
    assert [text for text in named if explicit_request(text) is None] == []
    unnamed = [text for text in examples if not names_a_language(text)]
    assert unnamed and [text for text in unnamed if not switch_request(text)] == []


@pytest.mark.parametrize("text, named", [
    ("Sprache ändern", False), ("change language", False), ("andere Sprache bitte", False),
    ("auf Englisch bitte", True), ("Können wir Deutsch sprechen?", True), ("German course?", True),
    ("Ich lerne die deutsche Sprache", True), ("Germany", True),  # mentions count: no flip
])
def test_names_a_language(text, named):
    assert names_a_language(text) is named
