"""Rasa tokenizer: whitespace tokens whose `lemma` is a normalised spaCy lookup lemma.

Pipeline (b) of the comparison in the README ("NLU pipeline"). Tokens are split
exactly like Rasa's WhitespaceTokenizer; each token's lemma comes from spaCy's
lookup lemmatizer (spacy.blank("de"/"en") + spacy-lookups-data, offline), German
first, then English, and is folded to lower case with umlauts as ae/oe/ue/ss, so
"Führerscheine", "fuehrerschein" and "Führerschein" give one feature. A
CountVectorsFeaturizer with `use_lemma: true` turns the lemmas into features;
featurizers with `use_lemma: false` keep seeing the raw words.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Callable, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

_FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_UNFOLD = (("ae", "ä"), ("oe", "ö"), ("ue", "ü"))


def fold(word: str) -> str:
    return word.casefold().translate(_FOLD)


@lru_cache(maxsize=None)
def _lookup(language: str) -> Callable[[str], Optional[str]]:
    import spacy

    nlp = spacy.blank(language)
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    table = nlp.get_pipe("lemmatizer").lookups.get_table("lemma_lookup")
    return lambda word: table.get(word)


def _candidates(word: str) -> List[str]:
    """The word as typed, capitalised (German nouns), and with ae/oe/ue as umlauts."""
    forms = [word, word.lower(), word.capitalize()]
    restored = word.lower()
    for plain, umlaut in _UNFOLD:
        restored = restored.replace(plain, umlaut)
    if restored != word.lower():
        forms += [restored, restored.capitalize()]
    return forms


@lru_cache(maxsize=200_000)
def lemma(word: str) -> str:
    for language in ("de", "en"):
        lookup = _lookup(language)
        for form in _candidates(word):
            found = lookup(form)
            if found:
                return fold(found)
    return fold(word)


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False
)
class LemmaTokenizer(WhitespaceTokenizer):
    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "LemmaTokenizer":
        return cls(config)

    def tokenize(self, message: Message, attribute: Text) -> List[Token]:
        tokens = super().tokenize(message, attribute)
        if attribute == TEXT:
            for token in tokens:
                token.lemma = lemma(token.text)
        return tokens
