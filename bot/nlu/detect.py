"""Per-message language decision (de/en) for a bilingual chat.

Pure logic, no Rasa import: the Rasa component in `bot.nlu.language` wraps it,
and the tests call it directly.

Returns a language only when the message says so clearly; `None` means "keep the
conversation's language" (sticky). The sentence frame decides, not borrowed
nouns: "where do I get the Meldebescheinigung?" is English because its function
words are English. Names, towns, e-mail addresses, URLs and reference numbers are
removed before anything is counted.
"""

from __future__ import annotations

import re
from functools import lru_cache

# Explicit requests to change the language, in either language.
_SWITCH = {
    "en": re.compile(
        r"\b(english|englisch|auf englisch|in english|speak english|sprechen sie englisch)\b",
        re.IGNORECASE,
    ),
    "de": re.compile(
        r"\b(deutsch|german|auf deutsch|in german|speak german)\b", re.IGNORECASE
    ),
}
_SWITCH_FRAME = re.compile(
    r"\b(speak|talk|switch|answer|reply|write|continue|can we|could we|please|bitte|"
    r"sprechen|sprich|schreib|antwort|wechseln|koennen wir|können wir|lieber|auf|in)\b",
    re.IGNORECASE,
)

# Opening words that name the language on their own.
_GREETINGS = {
    "de": {"hallo", "moin", "servus", "guten tag", "guten morgen", "guten abend", "gruess gott",
           "grüß gott", "grüss gott", "hallöchen", "tach"},
    "en": {"hello", "good morning", "good afternoon", "good evening", "hey there", "howdy"},
}

# Function words: they carry the sentence frame and are rarely borrowed.
_FUNCTION_WORDS = {
    "en": set(
        """i you he she we they it me my your our their is are am was were be been do does did
        how what where when why which who can could would should will shall may might must
        the a an of to in on at for with from about into this that these those there here
        have has had get got need want not no yes please and or but if than then so also
        any some much many more most just only still already yet hi hello thanks thank
        after before because while during without""".split()
    ),
    "de": set(
        """ich du er sie wir ihr es mich mir dich dir uns euch mein meine meinen meinem meiner
        dein deine sein seine unser ist sind bin bist war waren sein wird werden wurde
        wie was wo wann warum welche welcher welches wer kann kannst koennen können könnte
        muss muessen müssen soll sollte darf der die das den dem des ein eine einen einem
        einer eines und oder aber wenn dann auch noch schon nur nicht kein keine keinen
        ja nein bitte danke fuer für mit von bei nach aus zum zur im am vom ins habe hast
        hat haben brauche brauchst braucht gibt es sich man zu auf über ueber unter
        weil dass ob damit als wegen trotz ohne gegen bis seit""".split()
    ),
}
# Words spelled the same in both languages do not count for either.
_AMBIGUOUS = {"in", "so", "was", "will", "also", "an", "man", "die", "bin", "hat", "am", "war",
              "hi", "ok", "okay", "of"}

_NOISE = re.compile(
    r"[\w.+-]+@[\w-]+(\.[\w-]+)+"        # e-mail addresses
    r"|https?://\S+|www\.\S+"             # links
    r"|\b[A-Z]{2,4}-[A-Z0-9]{4,}\b"       # references like ESD-7K3Q9
    r"|\d+"                               # numbers, dates, phone numbers
)
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?", re.UNICODE)

MIN_WORDS_FOR_DETECTOR = 3
DETECTOR_CONFIDENCE = 0.90


@lru_cache(maxsize=1)
def _detector():
    from lingua import Language, LanguageDetectorBuilder

    return LanguageDetectorBuilder.from_languages(Language.GERMAN, Language.ENGLISH).build()


def _words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(_NOISE.sub(" ", text))]


def explicit_request(text: str) -> str | None:
    """'Can we speak English?' → 'en'; 'Bitte auf Deutsch' → 'de'."""
    words = _words(text)
    if not words or len(words) > 8:
        return None
    hits = [lang for lang, pattern in _SWITCH.items() if pattern.search(text)]
    if len(hits) != 1:
        return None
    if len(words) == 1 or _SWITCH_FRAME.search(text):
        return hits[0]
    return None


def _function_word_vote(words: list[str]) -> tuple[int, int]:
    de = sum(1 for w in words if w in _FUNCTION_WORDS["de"] and w not in _AMBIGUOUS)
    en = sum(1 for w in words if w in _FUNCTION_WORDS["en"] and w not in _AMBIGUOUS)
    return de, en


def detect(text: str) -> str | None:
    """The language this message is clearly written in, or None (keep the current one)."""
    text = (text or "").strip()
    if not text or text.startswith("/"):
        return None
    request = explicit_request(text)
    if request:
        return request
    words = _words(text)
    if not words:
        return None
    phrase = " ".join(words)
    for lang, greetings in _GREETINGS.items():
        if phrase in greetings or " ".join(words[:2]) in greetings or words[0] in greetings:
            if len(words) <= 3:
                return lang
    de, en = _function_word_vote(words)
    if len(words) < MIN_WORDS_FOR_DETECTOR:
        return None
    # The sentence frame decides when it is clear.
    if de >= 2 and de >= 2 * max(en, 1):
        return "de"
    if en >= 2 and en >= 2 * max(de, 1):
        return "en"
    if de or en:
        return None if de == en else ("de" if de > en else "en") if abs(de - en) >= 2 else None
    # No frame words at all (a list of nouns): only a very sure detector decides.
    values = _detector().compute_language_confidence_values(text)
    best = values[0]
    if best.value >= DETECTOR_CONFIDENCE and len(words) >= MIN_WORDS_FOR_DETECTOR + 1:
        return "de" if best.language.name == "GERMAN" else "en"
    return None
