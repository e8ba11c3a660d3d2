"""The conversation language (de/en) after each user message.

Pure logic, no Rasa import. `conversation_language` is the one decision: Rasa applies it
once per user message (rasa_side.policies.language), the REST channel's apology uses it
when Rasa failed before that (rasa_side.channels.rest), and the tests and `make eval`
(bot/training/language_eval.py) call it and `detect` directly.

`detect(text)` returns a language only when the message says so clearly; `None` means
"keep the conversation's language" (sticky). In order:
1. an explicit request ("Can we speak English?", "Bitte auf Deutsch", "Ich spreche
   kein Deutsch", "Kann ich auch Englisch mit Ihnen sprechen?") decides, but merely
   naming a language does not ("Do I need German for the Blue Card?" is an English
   question);
2. thanks / ok / yes-no and other phatic messages keep the language;
3. a greeting on its own decides ("Hallo", "Good morning");
4. one- and two-word messages keep the language ("Steuernummer?", "Blue Card");
5. the sentence frame decides, not borrowed nouns: "where do I get the
   Meldebescheinigung?" is English because its function words are English;
6. a weak frame decides only when lingua agrees; a message with no frame at all
   only when lingua is very sure.
Names, towns, e-mail addresses, URLs, references and numbers are removed before
anything is counted. A switch request naming no language ("Sprache ändern", "change
language") is not a detection: `conversation_language` turns it into the other language.
"""

from __future__ import annotations

import re
from functools import lru_cache

_FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "’": "'"})

# --- 1. explicit requests ------------------------------------------------------
_LANG = r"(?P<lang>english|englisch|german|deutsch)\b"
_LANG_OF = {"english": "en", "englisch": "en", "german": "de", "deutsch": "de"}
LANGUAGES = ("de", "en")
OTHER = {"en": "de", "de": "en"}
# Without a current or page language (a client that is not our widget) the conversation
# is in English until a clear message says otherwise.
DEFAULT = "en"
# In English the language name must end the request ("answer in German, please"), so
# "Can you explain German tax classes?" names a topic, not a language to speak.
_END = (r"(?=\s+(?:please|pls|plz|now|instead|again|too|only|then|if|with|from|so|because|since|as|"
        r"i|and|yet|well|very|at|much|fluently|enough|really|anymore|[,.;:!?])|$)")
# The same in German: the language ends the request or a verb of speaking follows
# ("auf Englisch antworten"), so "Können Sie mir Englisch Kurse empfehlen?" is no request.
_DE_END = (r"(?=\s+(?:sprechen|reden|schreiben|antworten|fuehren|weitermachen|weiterschreiben|weiter|"
           r"erklaeren|sagen|wiederholen|kommunizieren|wechseln|chatten|umstellen|bitte|mit|und|aber|"
           r"leider|so|sehr|gut|mehr|wirklich|deshalb|lieber|[,.;:!?])|$)")
# Words allowed between a verb and the language: "reply to me in English".
_FILL = r"(?:\s+(?:to|in|into|auf|with|me|us|back|over|please|pls|plz|it|this|that|again|only|now|from\s+now\s+on))"
# Nothing but politeness may follow: the message asks for the language.
_ASKS = (r"(?:\s+(?:too|also|as\s+well|here|for\s+you|with\s+you|please|pls|then|instead|auch|bitte|hier|"
         r"fuer\s+(?:sie|dich)|mit\s+(?:ihnen|dir)))*(?:\s+[,.;:!?])*$")
_DE_FILL = r"(?:\s+(?:bitte|mir|mit\s+mir|uns|doch|mal|lieber|ab\s+jetzt|jetzt|nur|wieder|zu|zurueck|nach|auf|in|auch|gerne|gern|vielleicht))"

_REQUESTS = [
    # The whole message, or its last sentence, is the language: "English?", "In English,
    # please", "Deutsch bitte", "Warum Englisch? Ich will Deutsch", "bitte alles auf Deutsch".
    r"(?:^|[.!?]\s+)(?:(?:please|pls|plz|bitte|lieber|nur|noch|only|ok|okay|ab|jetzt|sofort|wieder|now|from|on|"
    r"alles|all|everything|i\s+want|i'll\s+take|ich\s+will|ich\s+nehme|[,.;:!?])\s+)*(?:(?:in|auf)\s+)?" + _LANG
    + r"(?:\s+(?:please|pls|plz|bitte|only|nur|weiter|again|wieder|thanks|danke|now|from|on|antworten|schreiben|"
    r"sprechen|reden|weitermachen|weiterschreiben|[,.;:!?]))*$",
    # "Can we speak English?", "Could you please answer in German?", "Do you speak English?"
    r"\b(?:can|could|would|shall|may|do)\s+(?:we|you|u)\s+(?:please\s+|pls\s+|maybe\s+|also\s+|just\s+)?"
    r"(?:speak|talk|write|chat|continue|switch|change|answer|reply|respond|communicate|understand|"
    r"explain|say|tell\s+me|go\s+on|do)" + _FILL + r"{0,4}\s+" + _LANG + _END,
    # "Is English possible too?", "Would German be ok?", "Is it possible in English?",
    # "German, is that possible?": the whole rest of the message asks, so "Is English
    # enough to find a job?" stays a question about English.
    r"\b(?:is|would|will)\s+" + _LANG + r"(?:\s+(?:also|be|too))*\s+(?:possible|ok|okay|fine|an\s+option)" + _ASKS,
    r"\b(?:is|would)\s+(?:it|that|this)(?:\s+(?:also|be))*\s+possible\s+(?:to\s+(?:speak|talk|write|chat|continue|"
    r"answer|reply|do\s+(?:this|that|it))\s+)?in\s+" + _LANG + _END,
    r"^" + _LANG + r"(?:\s+[,.;:!?])?\s+(?:is\s+that|would\s+that\s+be|is\s+it)\s+(?:possible|ok|okay|fine)" + _ASKS,
    # "Can I write to you in English?", "Can I speak German with you?"
    r"\b(?:can|may)\s+i\s+(?:speak|talk|write|chat)\s+(?:to|with)\s+(?:you|u)\s+in\s+" + _LANG + _END,
    r"\b(?:can|may)\s+i\s+(?:speak|talk|write|chat)\s+(?:in\s+)?" + _LANG + r"\s+(?:to|with)\s+(?:you|u)\b",
    # Imperative starting a sentence: "Switch to English", "I'm learning German, please
    # reply in German", "back to German please", "let's chat auf Deutsch".
    r"(?:^|[,.;:!?]\s+)(?:(?:ok|okay|please|pls|hi|hello|hey|sorry|so|now|and|let's|lets|let\s+us)\s+)*"
    r"(?:speak|talk|write|answer|reply|respond|continue|switch|change|chat|use|(?:go\s+)?back)" + _FILL + r"{0,4}\s+"
    + _LANG + _END,
    # "Bitte Englisch, meine Kollegin versteht kein Deutsch", "…, English please"
    r"^(?:bitte|please|pls)\s+(?:(?:auf|in)\s+)?" + _LANG + r"\s+[,.;:!?]",
    r"(?:^|[,.;:!?]\s+)(?:(?:auf|in)\s+)?" + _LANG + r"\s+(?:bitte|please|pls|plz)\b",
    r"^(?:speak|talk|write)\s+" + _LANG + r"\s+(?:to|with)\s+(?:me|us)\b",
    # "I'd like to continue in English", "I would rather …" (below), "you can write German to me"
    r"\bi(?:'d|\s+would|\s+want|\s+wanna)(?:\s+like)?(?:\s+to)?\s+(?:speak|talk|write|chat|continue|go\s+on)"
    + _FILL + r"{0,4}\s+" + _LANG + _END,
    r"\byou\s+can\s+(?:also\s+)?(?:speak|talk|write)\s+(?:in\s+)?" + _LANG + r"(?:\s+(?:to|with)\s+me)?" + _ASKS,
    # "Can I get the answers in English instead?", "switch the chat to German", "is the chat
    # available in English?"
    r"\b(?:answers?|replies|responses|conversation)(?:\s+\w+){0,2}\s+(?:in|to|into)\s+" + _LANG + _END,
    r"\bchat(?:\s+\w+){0,2}\s+(?:in|to|into|auf)\s+" + _LANG,
    r"\b(?:respond|reply|answer|write|speak|talk|chat|continue)(?:\s+\w+){0,2}\s+in\s+the\s+(?P<lang>english|german)"
    r"\s+language\b",
    # "German would be better for me", "I only understand English, …", "can I write in English here?"
    r"^(?:(?:maybe|i\s+think|so|hmm)\s+)*" + _LANG + r"\s+(?:would\s+be|is)\s+(?:better|easier|preferable|best)"
    r"(?:\s+(?:for\s+(?:me|us)|please|pls|though|then|[,.;:!?]))*$",
    r"\bi\s+only\s+(?:speak|understand|read)\s+" + _LANG + _END,
    r"\b(?:can|may)\s+i\s+(?:also\s+)?(?:speak|talk|write|chat|ask)\s+(?:in\s+)?" + _LANG + _ASKS,
    # "I'd prefer English", "I'd rather speak German"
    r"\b(?:prefer|rather|preferably)(?:\s+(?:to\s+)?(?:speak|talk|write|chat|continue))?" + _FILL + r"{0,3}\s+" + _LANG + _END,
    # "Können wir Englisch sprechen?", "Kannst du auf Deutsch schreiben?", "Kannst du Deutsch?"
    r"\b(?:koennen|koennten|kannst|koenntest|koennt|kann)\s+(?:wir|sie|du|ihr)" + _DE_FILL + r"{0,4}\s+" + _LANG + _DE_END,
    # "Sprechen Sie Englisch?", "Sprichst du auch Deutsch?", "Sprechen wir Deutsch?"
    r"\b(?:sprechen|sprichst|sprecht|verstehen|verstehst|redest|reden)\s+(?:sie|du|ihr|wir)(?:\s+(?:auch|gut))?\s+" + _LANG + _DE_END,
    # Imperative starting a sentence: "Antworte bitte auf Deutsch", "Wechsel auf Englisch",
    # "ich lerne noch Deutsch, schreib bitte Englisch", "Stell bitte auf Deutsch um".
    r"(?:^|[,.;:!?]\s+)(?:(?:ok|okay|bitte|hallo|hi)\s+)*(?:antworte|antwortet|antworten\s+sie|schreib|schreibe|"
    r"schreiben\s+sie|sprich|sprechen\s+sie|rede|reden\s+sie|wechsle|wechsel|wechseln\s+sie|wechseln\s+wir|weiter|"
    r"umstellen)" + _DE_FILL + r"{0,4}\s+" + _LANG + _DE_END,
    r"^(?:bitte\s+)?(?:stell|stelle|stellen\s+sie)(?:\s+(?:bitte|mal|doch|den\s+chat|das|es))*\s+auf\s+" + _LANG + r"\s+um\b",
    # "Ich möchte auf Englisch chatten", "Ich hätte die Antwort gern auf Deutsch", "Können
    # wir das auf Englisch machen?", "Können wir ins Englische wechseln?", "du kannst
    # Deutsch mit mir reden", "Ich verstehe nur Deutsch"
    r"\bich\s+(?:moechte|will|wuerde\s+gerne?|haette\s+gerne?)(?:\s+\w+){0,3}?\s+(?:auf|in)\s+" + _LANG
    + r"\s+(?:sprechen|reden|schreiben|chatten|weitermachen|weiterschreiben|fuehren|kommunizieren)\b",
    r"\bantwort(?:en)?(?:\s+\w+){0,2}\s+(?:auf|in)\s+" + _LANG + _DE_END,
    r"\b(?:koennen|koennten|kannst|koenntest)\s+(?:wir|sie|du)\s+(?:das|es|dies|den\s+chat|die\s+unterhaltung)"
    r"(?:\s+(?:auch|bitte|lieber))*\s+(?:auf|in)\s+" + _LANG + r"\s+(?:machen|fortsetzen|weiterfuehren)\b",
    r"\bins\s+(?P<lang>englisch|deutsch)e\s+(?:wechseln|umschalten|umstellen)\b",
    r"\b(?:du\s+kannst|sie\s+koennen|ihr\s+koennt)(?:\s+(?:gerne|gern|ruhig|auch))*\s+(?:(?:auf|in)\s+)?" + _LANG
    + r"\s+(?:mit\s+(?:mir|uns)\s+)?(?:sprechen|reden|schreiben)\b",
    r"\bkann\s+man(?:\s+(?:hier|auch))*\s+(?:(?:auf|in)\s+)?" + _LANG + r"\s+(?:schreiben|chatten|fragen|sprechen)\b",
    r"\bich\s+(?:spreche|verstehe|kann)\s+nur\s+" + _LANG + _DE_END,
    r"\b(?:antworten|antworte|schreiben|schreib|sprechen|sprich|reden)(?:\s+\w+){0,3}\s+in\s+"
    r"(?P<lang>englisch|deutsch)er\s+sprache\b",
    # "Lieber auf Englisch", "am liebsten Deutsch"
    r"\b(?:lieber|am\s+liebsten)(?:\s+(?:auf|in))?\s+" + _LANG + _DE_END,
    # "Können wir die Unterhaltung auf Englisch führen?", "Kannst du das nochmal auf Englisch sagen?"
    r"\b(?:koennen|koennten|kannst|koenntest|koennt)\s+(?:wir|sie|du|ihr)(?:\s+\w+){0,4}\s+(?:auf|in)\s+" + _LANG
    + r"(?:\s+\w+)?\s+(?:sprechen|reden|schreiben|antworten|fuehren|weitermachen|weiterschreiben|erklaeren|"
    r"sagen|wiederholen|kommunizieren|wechseln|chatten|umstellen)\b",
    # "Geht das auch auf Englisch?", "Gibt es das auch auf Deutsch?"
    r"\b(?:geht|ginge|gibt\s+es)\s+(?:das|es|dies)\s+(?:auch\s+)?(?:auf|in)\s+" + _LANG,
    # "Mir wäre Englisch lieber", "Englisch wäre mir lieber"
    r"\bmir\s+(?:waere|ist)\s+" + _LANG + r"\s+lieber",
    r"\b" + _LANG + r"\s+(?:waere|ist)\s+mir\s+lieber",
    # "Sprache wechseln auf Englisch", "Sprache auf Deutsch umstellen", "change language to German"
    r"\bsprache(?:\s+\w+){0,2}\s+(?:auf|in|zu)\s+" + _LANG + _DE_END,
    r"\blanguage\s+(?:to|in|into)\s+" + _LANG + _END,
    # "Sprache: Englisch", "language: German", "zurück zu Deutsch", "englische Sprache bitte"
    r"^\W*(?:sprache|language)\s*[:=]\s*" + _LANG + r"\W*$",
    r"^(?:(?:bitte|ok|okay)\s+)*(?:zurueck|wieder)\s+(?:zu|zum|auf|in|nach)\s+" + _LANG + _DE_END,
    r"^(?:bitte\s+)?(?:die\s+)?(?P<lang>englisch|deutsch)e\s+sprache(?:\s+bitte)?\W*$",
    # "Ist Englisch auch möglich?", "Geht auch Englisch?", "Englisch, geht das?" (the
    # rest of the message asks: "Ist Deutsch Pflicht für …?" is a question about German)
    r"\b(?:ist|waere|sind)(?:\s+auch)?\s+" + _LANG + r"(?:\s+auch)?\s+(?:moeglich|ok|okay|in\s+ordnung|machbar)" + _ASKS,
    r"\b(?:geht|ginge)(?:\s+(?:auch|das|es))*\s+(?:(?:auf|in)\s+)?" + _LANG + _ASKS,
    r"^" + _LANG + r"(?:\s+[,.;:!?])?\s+(?:geht\s+das|ginge\s+das|(?:ist|waere)\s+das\s+moeglich)" + _ASKS,
    # "Kann ich auch Englisch mit Ihnen sprechen?", "Darf ich hier auf Englisch schreiben?";
    # only chat words between "ich" and the language ("Kann ich bei der Ausländerbehörde
    # Englisch sprechen?" asks about the office).
    r"\b(?:kann|darf|koennte|duerfte)\s+ich(?:\s+(?:auch|hier|bitte|lieber|gerne|gern|jetzt|ab\s+jetzt|"
    r"(?:mit\s+)?(?:dir|ihnen|euch)))*\s+(?:(?:auf|in)\s+)?" + _LANG + r"(?:\s+mit\s+(?:dir|ihnen|euch))?"
    r"\s+(?:sprechen|reden|schreiben|chatten|kommunizieren|weiterschreiben|weitermachen)\b",
    # "Kann ich mit dir Englisch sprechen?", "Darf ich Ihnen auf Englisch schreiben?"
    r"\b(?:kann|darf)\s+ich\s+(?:\w+\s+){0,2}?(?:mit\s+)?(?:dir|ihnen|euch)\s+(?:\w+\s+){0,2}?" + _LANG + _DE_END,
]
# Saying one cannot speak a language, or does not want it, asks for the other one.
_CANNOT = [
    r"^(?:bitte\s+)?(?:nicht|kein|keine)\s+(?:mehr\s+)?(?:(?:auf|in)\s+)?" + _LANG + r"(?:\s+(?:bitte|mehr|[,.;:!?]))*$",
    r"^(?:please\s+)?(?:no\s+more|not\s+in|no)\s+" + _LANG + r"(?:\s+(?:please|pls|[,.;:!?]))*$",
    r"\b(?:stop|quit)(?:\s+(?:writing|speaking|answering|replying|using))?(?:\s+in)?(?:\s+the)?\s+" + _LANG + _END,
    r"\b(?:don't|dont|do\s+not)\s+(?:reply|answer|write|speak|respond|talk)(?:\s+(?:to\s+me|in))*\s+" + _LANG + _END,
    r"\bi\s+(?:don't|dont|do\s+not|can't|cant|cannot|can\s+not)\s+(?:really\s+)?(?:speak|understand|read|write)"
    r"\s+(?:much\s+|any\s+|good\s+|well\s+)?" + _LANG + _END,
    r"\bmy\s+" + _LANG + r"\s+(?:is\s+(?:not|bad|poor|very\s+bad|limited|terrible)|isn't|isnt)",
    r"\bich\s+(?:spreche|verstehe|kann|spreche\s+leider|verstehe\s+leider|kann\s+leider)\s+"
    r"(?:kein|keine|kaum|nicht\s+(?:so\s+)?(?:gut\s+|viel\s+)?)\s*" + _LANG + _DE_END,
    r"\bmein\s+" + _LANG + r"\s+ist\s+(?:nicht|schlecht|sehr\s+schlecht|nicht\s+so\s+gut|nicht\s+gut)",
]
# A switch request that names no language: "Sprache ändern", "change language", "other
# language please". "I speak another language at home" mentions one, so "other language"
# counts only as the whole message.
_SWITCHES = [
    r"\b(?:change|switch|swap|toggle)\s+(?:the\s+|your\s+|our\s+|my\s+)?(?:chat\s+)?languages?\b",
    r"\blanguages?\s+(?:change|switch)\b",
    r"^(?:(?:please|pls|plz|ok|okay|in|use|the|an|answer|reply|write|speak|continue)\s+)*(?:other|another|different)"
    r"\s+language(?:\s+(?:please|pls|plz|now|then|[,.;:!?]))*$",
    r"\bsprache\s+(?:\w+\s+)?(?:aendern|wechseln|umstellen|tauschen)\b",
    r"\b(?:aendern|wechseln|wechsle|wechsel|umstellen|tausche|tauschen)(?:\s+(?:sie|wir|bitte|mal|doch))*\s+(?:die\s+)?sprache\b",
    r"\bsprachwechsel\b",
    r"^(?:(?:bitte|ok|okay|in|auf|eine|einer|der|die)\s+)*andere(?:n)?\s+sprache(?:\s+(?:bitte|jetzt|[,.;:!?]))*$",
]
_REQUEST_RES = [re.compile(p) for p in _REQUESTS]
_CANNOT_RES = [re.compile(p) for p in _CANNOT]
_SWITCH_RES = [re.compile(p) for p in _SWITCHES]

# --- 2./3. phatic messages and greetings ---------------------------------------
_PHATIC = set(
    """thanks thank you a lot very much so many danke dank vielen schoen sehr super great
    ok okay alles klar perfekt perfect cool nice gut good fine prima top alright all right
    got it verstanden understood dir ihnen euch thx ty merci wunderbar wonderful awesome
    toll genau yes ja no nein sure klasse jo yep yeah nope excellent again nochmal that's
    that everything lieben bestens passt""".split()
)
_GREETINGS = {
    "de": ("hallo", "moin", "servus", "guten tag", "guten morgen", "guten abend", "gruess gott",
           "halloechen", "tach"),
    "en": ("hello", "good morning", "good afternoon", "good evening", "howdy"),
}

# --- 5. the sentence frame ----------------------------------------------------
# Function words and the commonest chat verbs (umlauts folded): they carry the
# sentence frame and are rarely borrowed, unlike nouns.
_FUNCTION_WORDS = {
    "en": set(
        """i me my mine you your yours he him his she her we us our they them their it its
        is are be been being do does did don't dont doesn't doesnt didn't didnt isn't isnt
        aren't wasn't can't cant won't wont wouldn't couldn't shouldn't haven't hasn't
        i'm i've ive i'd i'll you're we're they're it's that's what's where's how's there's let's
        how what where when why which who whom whose can could would should shall may might must
        the a of to on at for with from about into by this that these those there here
        have has had having get got gets getting need needs want wants wanna gonna
        not no yes please pls plz and or but if than then any some much many more most
        just only still already yet hello thanks thank after before because while during
        without like know tell help looking live moved moving going u ur thx""".split()
    ),
    "de": set(
        """ich du er sie wir ihr es mich mir dich dir uns euch ihm ihn ihnen
        mein meine meinen meinem meiner meines dein deine deinen deinem deiner sein seine
        seinen seinem seiner ihre ihren ihrem ihrer unser unsere unseren unserem euer eure
        ist sind bist seid waren wird werden wurde wurden waere waeren
        wie wo wann warum wieso weshalb welche welcher welches welchen welchem wer wen wem
        wohin woher kann kannst koennen koennt konnte koennte koennten muss musst muessen
        musste soll sollte sollen darf duerfen darfst moechte moechtest moechten willst
        wollen wuerde wuerden der das den dem des ein eine einen einem einer eines kein
        keine keinen keinem keiner und oder aber wenn dann auch noch schon nur nicht nichts
        etwas ja nein bitte danke doch denn mal jetzt hier dort sehr ganz gern gerne leider
        vielleicht immer fuer mit von bei beim nach aus zum zur im vom ins durch ueber unter
        vor zwischen neben ohne gegen bis seit waehrend wegen trotz habe hast haben hatte
        hatten hab gibt gibts gibs geht gehts geht's sich zu auf weil dass ob damit als
        brauche brauchst braucht brauchen brauch bekomme bekommt bekommen kriege suche
        sucht wohne wohnt arbeite arbeitet komme kommt mache macht machen weiss kenne
        heisse heisst ne nen nich nix jemand""".split()
    ),
}
# Spelled the same in both languages: they count for neither.
_AMBIGUOUS = {"in", "so", "was", "will", "also", "an", "man", "die", "bin", "hat", "am",
              "war", "hi", "ok", "okay", "um"}

_NOISE = re.compile(
    r"[\w.+-]+@[\w-]+(\.[\w-]+)+"        # e-mail addresses
    r"|https?://\S+|www\.\S+"             # links
    r"|\b[A-Z]{2,4}-[A-Z0-9]{4,}\b"       # references like ESD-7K3Q9
    r"|\d+"                               # numbers, dates, phone numbers
)
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?", re.UNICODE)
_TOKEN = re.compile(_WORD.pattern + r"|[,.;:!?]", re.UNICODE)

MIN_WORDS = 3                 # fewer words than this keep the language
MIN_WORDS_WITHOUT_FRAME = 4   # a weak or missing frame needs this many words …
DETECTOR_AGREEMENT = 0.60     # … and, for a weak frame, the detector to agree this much,
DETECTOR_CONFIDENCE = 0.90    # … or, for no frame, the detector to be this sure


@lru_cache(maxsize=1)
def _detector():
    from lingua import Language, LanguageDetectorBuilder

    return LanguageDetectorBuilder.from_languages(Language.GERMAN, Language.ENGLISH).build()


def _clean(text: str) -> str:
    """Lower-cased, umlauts folded, names of no language (e-mails, links, references, numbers) removed."""
    return _NOISE.sub(" ", text).lower().translate(_FOLD)


def _words(cleaned: str) -> list[str]:
    return _WORD.findall(cleaned)


_ANY_LANGUAGE_WORD = re.compile(r"\b(?:english|englisch|german|deutsch)")  # also "deutsche", "Germany"


def names_a_language(text: str) -> bool:
    """Whether the message mentions German or English at all ("Sprache ändern" does not)."""
    return _ANY_LANGUAGE_WORD.search(_clean(text)) is not None


def explicit_request(text: str) -> str | None:
    """'Can we speak English?' → 'en'; 'Bitte auf Deutsch' → 'de'; 'I don't speak German' → 'en'."""
    plain = " ".join(_TOKEN.findall(_clean(text)))
    found = {_LANG_OF[m.group("lang")] for r in _REQUEST_RES if (m := r.search(plain))}
    found |= {OTHER[_LANG_OF[m.group("lang")]] for r in _CANNOT_RES if (m := r.search(plain))}
    return found.pop() if len(found) == 1 else None


def switch_request(text: str) -> bool:
    """'Sprache ändern', 'change language', 'other language please': a request to switch
    that names no language (one that names one, or mentions one, is not)."""
    plain = " ".join(_TOKEN.findall(_clean(text)))
    return not names_a_language(text) and any(r.search(plain) for r in _SWITCH_RES)


def _frame(words: list[str]) -> tuple[int, int]:
    de = sum(1 for w in words if w in _FUNCTION_WORDS["de"] and w not in _AMBIGUOUS)
    en = sum(1 for w in words if w in _FUNCTION_WORDS["en"] and w not in _AMBIGUOUS)
    return de, en


def _greeting(words: list[str]) -> str | None:
    """The language of a greeting followed by at most one word that does not contradict it."""
    for lang, greetings in _GREETINGS.items():
        for greeting in greetings:
            size = greeting.count(" ") + 1
            if " ".join(words[:size]) == greeting and len(words) - size <= 1:
                de, en = _frame(words[size:])
                if (de, en)[lang == "de"] == 0:
                    return lang
    return None


def _detected(cleaned: str) -> tuple[str, float]:
    best = _detector().compute_language_confidence_values(cleaned)[0]
    return ("de" if best.language.name == "GERMAN" else "en"), best.value


def detect(text: str) -> str | None:
    """The language this message is clearly written in, or None (keep the current one)."""
    text = (text or "").strip()
    if not text or text.startswith("/"):
        return None
    request = explicit_request(text)
    if request:
        return request
    cleaned = _clean(text)
    words = _words(cleaned)
    if not words or all(w in _PHATIC for w in words):
        return None
    greeting = _greeting(words)
    if greeting:
        return greeting
    if len(words) < MIN_WORDS:
        return None
    de, en = _frame(words)
    lead, other = ("de", "en") if de > en else ("en", "de")
    strong, weak = max(de, en), min(de, en)
    if strong >= 2 and strong >= 2 * max(weak, 1):
        return lead
    if strong > weak and len(words) >= MIN_WORDS_WITHOUT_FRAME:
        language, confidence = _detected(cleaned)
        return lead if language == lead and confidence >= DETECTOR_AGREEMENT else None
    if strong == 0 and len(words) >= MIN_WORDS_WITHOUT_FRAME:
        language, confidence = _detected(cleaned)
        return language if confidence >= DETECTOR_CONFIDENCE else None
    return None


def _known(language: str | None) -> str | None:
    return language if language in LANGUAGES else None


def conversation_language(text: str, current: str | None = None, page: str | None = None) -> str:
    """The conversation language after this message, given the language it had before
    (`current`, None at the start) and the page language the widget sends (`page`).

    An explicit request decides ("Can we speak English?"); a switch request naming no
    language ("Sprache ändern") gives the other language; then a clear detection; else the
    language stays. At the start it stays at the page language, without one at "en".
    """
    start = _known(current) or _known(page)
    if switch_request(text):  # names no language, so no explicit request either
        return OTHER[start or DEFAULT]
    return detect(text) or start or DEFAULT
