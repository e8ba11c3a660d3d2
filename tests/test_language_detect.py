"""The per-message language decision (rasa_side/nlu/detect.py) on the labelled set and on key cases."""

import pytest
import yaml

from rasa_side.nlu.detect import detect, names_a_language
from bot.training.language_eval import evaluate, load

TARGET = 0.99


@pytest.fixture(scope="module")
def examples():
    return load()


def test_labelled_set_is_big_and_hard_enough(examples):
    assert len(examples) >= 300
    assert sum(e.hard for e in examples) >= len(examples) / 3
    assert {e.label for e in examples} == {"de", "en", "keep"}
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
    ],
)
def test_key_cases(text, expected):
    assert detect(text) == expected


def _examples(path):
    return [
        line[2:]
        for block in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]
        for line in block["examples"].splitlines()
        if line.startswith("- ")
    ]


def test_every_switch_request_is_understood():
    """switch_language answers in the new language: the detector must see every request
    that names a language; one naming none ("Sprache ändern") flips (action_switch_language)."""
    from bot.settings import PROJECT_ROOT

    files = sorted(PROJECT_ROOT.glob("data/nlu/*/switch_language.yml")) + sorted(
        PROJECT_ROOT.glob("heldout/first/*/switch_language.yml")
    )
    assert len(files) == 4
    examples = [text for path in files for text in _examples(path)]
    missed = [text for text in examples if detect(text) is None and names_a_language(text)]
    assert missed == []
    assert any(not names_a_language(text) for text in examples)  # the flip case is trained


@pytest.mark.parametrize("text, named", [
    ("Sprache ändern", False), ("change language", False), ("andere Sprache bitte", False),
    ("auf Englisch bitte", True), ("Können wir Deutsch sprechen?", True), ("German course?", True),
    ("Ich lerne die deutsche Sprache", True), ("Germany", True),  # mentions count: no flip
])
def test_names_a_language(text, named):
    assert names_a_language(text) is named
