"""The consultation form's values in one typed message, in any order, German or English:

    values_in("Anna Kowalski, anna.k@web.de")   -> person_name "Anna Kowalski", email "anna.k@web.de"
    values_in("for our company, by phone")      -> client_type "company", mode "phone"

Plain functions (no Rasa): the form's `extract_<slot>` methods call them. A name is taken only
when it looks like one (never an address, a sentence or a greeting); `asked` is the slot the
bot just asked for, whose answer may be bare ("anna kowalski", "privat").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.desk.modes import DESK, PHONE, VIDEO
from bot.handoff import answers
from bot.handoff.sanitize import COMPANY_MAX, EMAIL_MAX, NAME_MAX, TOPIC_MAX, clean_line

# Something typed as an address: a word with an @, or (asked) one like "anna.web.de".
_AT_WORD = re.compile(r"\S*@\S*")
_DOTTED = re.compile(r"[\w+-]+(?:\.[\w+-]+)*\.[a-z]{2,}", re.I)

_NAME_LEAD = re.compile(
    r"^(?:(?:hi|hallo|hello|hey|guten tag)[,!.]?\s+)?"
    r"(?:my name is|my name's|name is|name:?|i am|i'm|this is|it's|it is|"
    r"mein name ist|ich heiße|ich heisse|ich bin|name ist|hier ist|hier spricht|"
    r"(?:the )?contact(?: person)? is|ansprechpartner(?:in)? ist|kontakt(?:person)? ist)\s+", re.I)
_NAME_WORD = re.compile(r"^[^\W\d_]+(?:[-'’.][^\W\d_]*)*\.?$")
# Words a name never contains (greetings, answers, sentence words, form words).
_NOT_NAME = {
    "hi", "hallo", "hello", "hey", "moin", "servus", "bye", "goodbye", "tschüss", "tschüs",
    "ciao", "wiedersehen", "cheers", "sorry", "entschuldigung", "excuse", "pardon", "yes", "no", "ja", "nein", "ok", "okay",
    "thanks", "thank", "danke", "please", "bitte", "i", "ich", "we", "wir", "my", "mein",
    "meine", "want", "would", "like", "need", "möchte", "moechte", "will", "brauche", "hätte",
    "book", "buchen", "termin", "appointment", "consultation", "beratung", "email", "e-mail",
    "mail", "company", "firma", "unternehmen", "gmbh", "ag", "privat", "private", "individual",
    "is", "ist", "the", "der", "die", "das", "and", "und", "for", "für", "a", "an", "ein",
    "eine", "what", "was", "how", "wie", "when", "wann", "where", "wo", "why", "warum", "can",
    "kann", "do", "does", "you", "sie", "du", "cancel", "abbrechen", "stop", "stopp", "online",
    "phone", "telefon", "video", "morning", "vormittags", "tomorrow", "morgen", "monday",
    "tuesday", "wednesday", "thursday", "friday", "montag", "dienstag", "mittwoch",
    "donnerstag", "freitag", "name", "not", "nicht", "sure", "klar", "gerne", "gern",
}
# ...nor an answer to "individual or company?"
_NOT_NAME |= set().union(*answers.CLIENT_TYPES.values())
NAME_WORDS_MAX = 5
_AFFILIATION = re.compile(r"\s+(?:from|of|at|with|aus|bei|vom|here|hier)\s+", re.I)
NAME_WORD_MAX = 40
_GREETING = re.compile(r"(?:hi|hallo|hello|hey|moin|servus|guten (?:tag|morgen|abend)|"
                       r"good (?:morning|afternoon|evening)|dear \w+)", re.I)

_LEGAL_FORM = (r"GmbH(?:\s*&\s*Co\.?\s*KG)?|gGmbH|AG|KG|OHG|SE|UG(?:\s*\(haftungsbeschränkt\))?|"
               r"e\.\s?V\.|Ltd\.?|Limited|Inc\.?|LLC|plc|Corp\.?|S\.A\.|B\.V\.")
_COMPANY_SUFFIX = re.compile(
    rf"((?:[\w&.'’-]+\s+){{0,4}}?[\w&.'’-]+\s+(?:{_LEGAL_FORM}))(?=$|[\s,;.!?)])")
_COMPANY_LEAD = re.compile(
    r"\b(?i:company(?: name)?(?: is|:)?|the company is|firma(?:name)? ist|unternehmen ist|"
    r"(?:i|we) work (?:for|at)|ich arbeite (?:bei|für)|wir sind (?:die|das)?|"
    r"on behalf of|im auftrag von|from|von der firma|bei der firma|firma)\s+"
    r"([A-ZÄÖÜ0-9][\w&.'’-]*(?:\s+[A-ZÄÖÜ0-9&][\w&.'’-]*){0,4})")

# Who the consultation is for, said in passing ("for our company", "für mich privat").
_COMPANY_PHRASES = re.compile(
    r"\b(?:for (?:our|my|the) (?:company|employer|firm|business|organi[sz]ation|team|new hire|"
    r"employees?|staff)|on behalf of (?:our|my|a|the) (?:company|employer)|as (?:an? )?(?:employer|hr)|"
    r"(?:new|future) (?:hire|employee|colleague)|we are hiring|we want to hire|"
    r"we are an? (?:company|employer|firm|business)|as an? (?:company|employer)|"
    r"wir sind ein (?:unternehmen|arbeitgeber)|als (?:unternehmen|firma)|"
    r"für (?:unser(?:e|en)?|mein(?:e|en)?|die) (?:unternehmen|firma|arbeitgeber|mitarbeiter\w*|"
    r"personalabteilung|kolleg\w*)|als (?:arbeitgeber|personalabteilung|hr|unternehmen|firma)|"
    r"neue[nrm]? (?:mitarbeiter\w*|kolleg\w*)|wir möchten .{0,30}einstellen)\b", re.I)
_INDIVIDUAL_PHRASES = re.compile(
    r"\b(?:for myself|for me(?: personally)?|personally|private(?:ly)?|as a private person|"
    r"as an individual|(?:i am|i'm) (?:an? )?(?:individual|private (?:person|individual|client))|"
    r"für mich(?: selbst| privat)?|privat(?:person)?|als privatperson|"
    r"persönlich für mich)\b", re.I)

_MODE_WORDS = {  # bot.desk.modes
    VIDEO: re.compile(r"\b(?:online|video\w*|zoom|teams|webex|skype|per video|"
                        r"videoanruf|videocall|video call|remote(?:ly)?)\b", re.I),
    PHONE: re.compile(r"\b(?:phone|telephone|by phone|call me|telefon\w*|anruf|anrufen|"
                        r"per telefon)\b", re.I),
    DESK: re.compile(r"\b(?:in person|at the desk|at your office|in the office|face to face|"
                       r"vor ort|persönlich|im büro|am desk|in ihrem büro|präsenz)\b", re.I),
}
# "Beratung auf Englisch", "consultation in German": a wish for the consultation's language.
_LANGUAGE_WISH = {
    "de": re.compile(r"\b(?:auf deutsch|in german|in deutsch|german please|deutschsprachig)\b", re.I),
    "en": re.compile(r"\b(?:auf englisch|in english|english please|englischsprachig)\b", re.I),
}


@dataclass(frozen=True)
class EmailReading:
    """`address` when valid; else `problem` ("missing_at", "missing_domain", "invalid") when the
    message tried to give one; both None when there is no address in it at all."""

    address: str | None = None
    problem: str | None = None


def email_in(text: str, asked: bool = False) -> EmailReading:
    """The address in `text`; a broken one is named with why when it was asked for or has an @."""
    text = text or ""
    found = answers.email_address(text)
    if found:
        return EmailReading(address=found)
    candidates = _AT_WORD.findall(text)
    if candidates:
        candidate = candidates[0].strip(".,;:<>()[]\"'")
        if len(candidate) > EMAIL_MAX:
            return EmailReading(problem="invalid")
        local, _, domain = candidate.partition("@")
        if not local:
            return EmailReading(problem="invalid")
        if not domain or "." not in domain.strip(".") or domain.endswith("."):
            return EmailReading(problem="missing_domain")
        return EmailReading(problem="invalid")
    if asked:
        words = clean_line(text, 200).split()
        if any(_DOTTED.fullmatch(w.strip(".,;:")) for w in words):
            return EmailReading(problem="missing_at")  # "anna.web.de"
        if len(words) == 1:
            return EmailReading(problem="invalid")
    return EmailReading()


def _without_addresses(text: str) -> str:
    return _AT_WORD.sub(" ", text or "")


def _name_shape(candidate: str) -> str | None:
    candidate = clean_line(candidate, NAME_MAX).strip(" ,;:.!-")
    words = candidate.split()
    if not 1 <= len(words) <= NAME_WORDS_MAX:
        return None
    if any(len(w) > NAME_WORD_MAX or not _NAME_WORD.match(w) or w.lower().strip(".") in _NOT_NAME
           for w in words):
        return None
    if len(candidate) < 2:
        return None
    return candidate


def name_in(text: str, asked: bool = False) -> str | None:
    """A person's name: "Anna Kowalski", "my name is anna", "Anna Kowalski, anna.k@web.de".

    Unasked, a name counts only after "my name is …" or as the first part of a "name, address"
    line, written with capitals; asked, the bare answer counts in any case."""
    raw = clean_line(text, NAME_MAX * 2)
    rest = _without_addresses(raw)
    rest = re.split(r"\b(?:and|und)\s+(?:my|meine?)\b|\b(?:e-?mail|mail)\b", rest, flags=re.I)[0]
    had_address = "@" in raw
    for part in re.split(r"[,;\n]| - |(?<=[a-zäöüß]{3})[.!?](?:\s|$)", rest):
        part = part.strip()
        if not part or _GREETING.fullmatch(part.strip(" !.,")):
            continue
        lead = _NAME_LEAD.match(part)
        # "Tom Becker from HR": the name ends where the affiliation begins.
        name = _name_shape(_AFFILIATION.split(part[lead.end():] if lead else part)[0])
        if name is None:
            continue
        if lead or asked:
            return name
        capitalised = all(w[0].isupper() for w in name.split())
        if had_address and capitalised and len(name.split()) >= 2:
            return name
    return None


_TOPIC_LEAD = re.compile(
    r"\b(?:es geht um|it'?s about|it is about|this is about|regarding|concerning|"
    r"thema(?: ist)?:?|topic(?: is)?:?|wegen|about|"
    # "ein Beratungstermin zur Blauen Karte", "a consultation on family reunification"
    r"(?:beratung\w*|termin\w*|consultation|appointment)\s+(?:zur|zum|zu|über|on))"
    r"\s+(?P<topic>[^,;.!?\n]{3,})", re.I)
# A topic is no time: "Termin zum 15.", "an appointment on Monday".
_TIME_WORDS = re.compile(
    r"^(?:\d|(?:mon|tues|wednes|thurs|fri|satur|sun)day|montag|dienstag|mittwoch|donnerstag|"
    r"freitag|samstag|sonntag|today|tomorrow|heute|morgen|next|nächste|this|diese)", re.I)


def topic_in(text: str) -> str | None:
    """A topic said in passing: "es geht um meine Einbürgerung", "it's about my Blue Card",
    "Beratungstermin zur Blauen Karte"."""
    for match in _TOPIC_LEAD.finditer(_without_addresses(text)):
        topic = clean_line(match.group("topic"), TOPIC_MAX)
        if not _TIME_WORDS.match(topic):
            return topic
    return None


_NOT_COMPANY = {"i", "we", "ich", "wir", "for", "für", "at", "bei", "from", "von", "the", "die", "der",
                # words that introduce the name ("Firma Nippon Trading GmbH")
                "firma", "company", "unternehmen", "arbeitgeber", "employer"}


def _capitalised_run(words: list[str]) -> str:
    """The name before a legal form: the capitalised words right before it ("for Müller GmbH"
    -> "Müller GmbH", "I work for Siemens AG" -> "Siemens AG")."""
    kept = [words[-1]]
    for word in reversed(words[:-1]):
        if word.lower() in _NOT_COMPANY or not (word[:1].isupper() or word[:1].isdigit()
                                                 or word == "&"):
            break
        kept.insert(0, word)
    return " ".join(kept)


def company_in(text: str, asked: bool = False) -> str | None:
    """A company name: "Müller Maschinenbau GmbH", "we work for Henkel"; asked: the bare line."""
    text = clean_line(_without_addresses(text), COMPANY_MAX * 2)
    match = _COMPANY_SUFFIX.search(text)
    if match:
        return clean_line(_capitalised_run(match.group(1).split()), COMPANY_MAX)
    match = _COMPANY_LEAD.search(text)
    if match:
        return clean_line(match.group(1), COMPANY_MAX)
    if asked:
        line = clean_line(text, COMPANY_MAX)
        words = line.split()
        if 1 <= len(words) <= 8 and len(line) >= 2 and not line.endswith("?"):
            return line
    return None


def client_type_in(text: str, asked: bool = False) -> str | None:
    """ "company" / "individual" from a phrase anywhere, or from a short answer when asked."""
    if _COMPANY_PHRASES.search(text or "") or company_in(text or ""):
        return "company"
    if _INDIVIDUAL_PHRASES.search(text or ""):
        return "individual"
    if asked or len((text or "").split()) <= 2:  # a bare "individual" / "Unternehmen"
        return answers.client_type(text)
    return None


def mode_in(text: str) -> str | None:
    """The wished consultation mode (bot.desk.modes), if exactly one is named."""
    text = _without_addresses(text)  # "t-online.de" is no wish for a video call
    found = [mode for mode, pattern in _MODE_WORDS.items() if pattern.search(text)]
    return found[0] if len(found) == 1 else None


def language_in(text: str, asked: bool = False) -> str | None:
    """An explicit wish for the consultation language; asked: a bare "Englisch" too."""
    found = [code for code, pattern in _LANGUAGE_WISH.items() if pattern.search(text or "")]
    if len(found) == 1:
        return found[0]
    return answers.consultation_language(text) if asked else None
