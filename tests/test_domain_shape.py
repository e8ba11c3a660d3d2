"""The shape of every answer the bot can give (issue 13): chat-sized, linked properly, sourced,
current, in both languages. Reads the domain as Rasa's importer merges it (domain.yml,
domain/**, and the answers generated from knowledge/) without Rasa.
"""

from __future__ import annotations

import re
from datetime import date

import pytest

from rasa_side import knowledge
from tests.domain_files import responses


RESPONSES = responses()
TEXTS = [(name, i, v.get("text") or "") for name, vs in RESPONSES.items() for i, v in enumerate(vs)]


def test_the_generated_answers_are_there():
    topics = knowledge.load_topics()
    assert len(topics) >= 18
    subs = [n for n in RESPONSES if "/" in n]
    assert len(subs) >= 4 * len(topics)
    for topic in topics:
        assert f"utter_{topic}" in RESPONSES and f"utter_{topic}_no_detail" in RESPONSES


@pytest.mark.parametrize("name,index,text", TEXTS, ids=[f"{n}#{i}" for n, i, _ in TEXTS])
def test_every_message_is_chat_sized_and_linked_properly(name, index, text):
    assert knowledge.words(text) <= knowledge.MAX_WORDS, f"{knowledge.words(text)} words"
    assert not knowledge.raw_urls(text), "a URL outside a Markdown link with a title"


def test_every_url_is_from_the_facts():
    known = knowledge.facts_urls()
    unknown = sorted({u for _, _, text in TEXTS for u in knowledge.urls(text)
                      if u.rstrip(".,;:") not in known})
    assert not unknown


def test_every_response_exists_in_german_and_english():
    missing = []
    for name, variations in RESPONSES.items():
        languages = {c.get("value") for v in variations for c in v.get("condition") or []
                     if c.get("name") == "language"}
        if not {"de", "en"} <= languages:
            missing.append(name)
    assert not missing


def test_no_answer_uses_a_figure_whose_year_has_ended():
    figures = knowledge.load_figures()
    used = {f for topic in knowledge.load_topics().values()
            for answer, _ in topic.answers().values()
            for texts in answer.variants().values() for text in texts.values()
            for f in knowledge.figures_used(text)}
    expired = sorted(f.id for f in knowledge.expired({k: figures[k] for k in used}, date.today()))
    assert not expired, f"update knowledge/figures.yml (and the answers) for: {expired}"


def test_the_knowledge_files_have_no_problems():
    figures, known = knowledge.load_figures(), knowledge.facts_urls()
    found = [p for t in knowledge.load_topics().values()
             for p in knowledge.problems(t, figures, known, date.today())]
    assert not found


def test_the_checks_fail_on_what_they_guard():
    long = " ".join(["Wort"] * 81)
    assert knowledge.words(long) == 81
    assert knowledge.words("[Bürgerbüro Ratingen](https://example.org/a/b/c)") == 2
    assert knowledge.raw_urls("Mehr: https://example.org/x") == ["https://example.org/x"]
    assert knowledge.raw_urls("[Stadt](https://example.org/x).") == []
    old = {"x": knowledge.Figure("x", 2025, "https://example.org", {"de": "1 €", "en": "€1"})}
    assert [f.id for f in knowledge.expired(old, date(2026, 1, 1))] == ["x"]
    assert knowledge.expired(old, date(2025, 12, 31)) == []
    assert [f.id for f in knowledge.expiring({"y": knowledge.Figure("y", 2026, "", {})},
                                             date(2026, 11, 15))] == ["y"]
    assert knowledge.render("Stand {{x.year}}: {{x}}", old, "de") == "Stand 2025: 1 €"
    with pytest.raises(knowledge.KnowledgeError):
        knowledge.render("{{nope}}", old, "de")


def test_german_answers_say_sie():
    du = re.compile(r"\b(du|dich|dir|dein\w*|kannst|musst|hast|bist)\b", re.IGNORECASE)
    found = [(name, m.group(0)) for name, variations in RESPONSES.items() for v in variations
             for c in v.get("condition") or []
             if c.get("name") == "language" and c.get("value") == "de"
             for m in [du.search(v.get("text") or "")] if m]
    assert not found
