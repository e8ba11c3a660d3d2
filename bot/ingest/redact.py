"""PII redaction for the inbox: the raw text of a user message is never stored.

Each kind of personal data becomes a placeholder (`<EMAIL>`, `<PHONE>`, ...). The
placeholders use angle brackets on purpose: square brackets followed by `(`, `{` or
`[` are entity annotations in Rasa's training format, angle brackets mean nothing
there, and templates escape them. Over-redaction is the safe failure: a question
that loses a house number is still a good training example.

The rules run in a fixed order, most specific first, so that an e-mail address is
not half-eaten by the phone rule and a postcode is not taken for a long number.
"""

from __future__ import annotations

import re

PLACEHOLDERS = ("<EMAIL>", "<IBAN>", "<REFERENCE>", "<ADDRESS>", "<PHONE>", "<NUMBER>", "<NAME>")

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)

# IBAN-like: two letters, two check digits, 11–30 more alphanumerics, optionally in groups of four.
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,4})?\b")

# Booking references of the desk (ESD-7K3Q9) and similar ticket-style codes.
_REFERENCE = re.compile(r"\b(?i:ESD)[- ]?[A-Za-z0-9]{4,10}\b")

_UPPER = "A-ZÄÖÜ"
_WORDCH = r"\wäöüßÄÖÜ"
# A house number is not followed by a unit: "Arbeitsplatz 3 Jahre" is no address.
_HOUSE_NO = (
    r"\d{1,4}[a-zA-Z]?(?:\s?[-/]\s?\d{1,4}[a-zA-Z]?)?\b"
    r"(?!\s*(?i:jahr|monat|woche|tag|stunde|minute|euro|eur\b|€|%|kind|person|uhr|mal\b|"
    r"year|month|week|day|hour|time|people|kid|child))"
)
_DE_STREET_SUFFIX = (
    r"(?i:stra(?:ß|ss)e|str\.?|weg|allee|platz|ring|gasse|damm|ufer|chaussee|pfad|wall|graben)"
)
# Region and large German towns: a postcode followed by one of them is an address even
# without a street ("40212 Düsseldorf"); a bare "40000 Euro" is not.
_TOWNS = (
    r"(?i:D[üu]e?sseldorf|Ratingen|Mettmann|Hilden|Erkrath|Haan|Heiligenhaus|Langenfeld|"
    r"Monheim(?: am Rhein)?|Velbert|W[üu]e?lfrath|Neuss|Duisburg|Essen|Wuppertal|Solingen|"
    r"K[öo]e?ln|Cologne|Bonn|Dortmund|Krefeld|Leverkusen|Meerbusch|Berlin|Hamburg|"
    r"M[üu]e?nchen|Munich|Frankfurt(?: am Main)?|Stuttgart)"
)
_DE_POSTCODE_TOWN = rf"(?:D-)?\d{{5}}\s+[{_UPPER}][{_WORDCH}-]*(?:\s(?:am|an der|im|in)\s[{_UPPER}][{_WORDCH}]*)?"
_DE_STREET = (
    # an optional leading adjective of multi-word names: "Berliner Allee", "Kaiserswerther Str."
    rf"(?:[{_UPPER}][{_WORDCH}'-]*er\s+)?"
    rf"[{_WORDCH}'-]*{_DE_STREET_SUFFIX}"
    rf"\s*{_HOUSE_NO}"
)
_DE_ADDRESS = re.compile(
    r"(?<![\w-])"
    rf"(?:{_DE_STREET}(?:,?\s*{_DE_POSTCODE_TOWN})?"
    # "Am Wehrhahn 12, 40211 Düsseldorf": article-style names only with the postcode
    rf"|(?:Am|An der|An den|Auf der|Auf dem|Im|In der|In den|Zum|Zur|Unter den)\s+"
    rf"[{_UPPER}][{_WORDCH}-]+\s+{_HOUSE_NO},?\s*{_DE_POSTCODE_TOWN}"
    rf"|(?:D-)?\d{{5}}\s+{_TOWNS}\b)"
)

_EN_STREET_SUFFIX = (
    r"(?:Street|St\.?|Road|Rd\.?|Avenue|Ave\.?|Lane|Ln\.?|Drive|Dr\.?|Boulevard|Blvd\.?|"
    r"Court|Ct\.?|Way|Place|Pl\.?|Square|Sq\.?|Terrace|Crescent|Close|Gardens|Parkway|Highway)"
)
_UK_POSTCODE = r"[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}"
_US_STATE_ZIP = r"[A-Z]{2}\s+\d{5}(?:-\d{4})?"
_EN_ADDRESS = re.compile(
    rf"(?:(?i:flat|apt\.?|apartment|unit|suite)\s*\d+[A-Za-z]?,?\s*)?"
    rf"\b\d{{1,5}}[A-Za-z]?,?\s+(?:[A-Z][\w'.-]*\s+){{1,3}}{_EN_STREET_SUFFIX}(?![\w])"
    # optional ", Town" and postcode / "ST 12345"
    rf"(?:,\s*[A-Z][a-z]+(?:\s[A-Z][a-z]+)?)?"
    rf"(?:,?\s*(?:{_UK_POSTCODE}|{_US_STATE_ZIP}))?"
)

# Phone numbers. International: +49 / 0049 / +1 ... with groups, "(0)" allowed.
# German national: a leading 0 (area code or mobile prefix) and at least 6 more digits.
# North American: (555) 123-4567, 555-123-4567. Dots are not separators (dates!).
_PHONE = re.compile(
    r"(?:(?<![\w+])(?:\+|00)[1-9]\d{0,2}[\s/-]*(?:\(0\)[\s/-]*)?(?:\(?\d{1,5}\)?[\s/-]*){1,5}\d{2,}"
    r"|(?<![\w+])\(?0\d{2,5}\)?[\s/-]*\d(?:[\s/-]?\d){4,}"
    r"|(?<![\w+])\(\d{3}\)\s?\d{3}[\s.-]\d{4}\b"
    r"|\b\d{3}-\d{3}-\d{4}\b)"
)

# Anything else long and digit-only: tax IDs, social security or file numbers.
# Spaces only as separators: ISO dates (2025-01-15) are no personal data.
_LONG_NUMBER = re.compile(r"\b\d(?:[ ]?\d){7,}\b")

_WHITESPACE = re.compile(r"\s+")
# A name the user introduces ("my name is Anna Kowalski", "ich heiße Jan", "Name: …"): up to
# three words after the phrase, whatever their case (people type names in lower case too).
_NAMED = re.compile(
    r"(?i)\b(my name is|my name's|i am called|i'm called|name\s*:|mein name ist|"
    r"ich hei(?:ß|ss)e|mein name\s*:)\s+"
    # "my name is on the lease", "mein Name ist falsch geschrieben": no name follows.
    r"(?!(?:on|in|not|still|spelled|written|wrong|missing|nicht|falsch|auf|im|noch)\b)"
    r"((?:[^\W\d_][\w'’-]*)(?:\s+(?!and\b|und\b|from\b|aus\b|von\b)[^\W\d_][\w'’-]*){0,2})")

RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (_EMAIL, "<EMAIL>"),
    (_IBAN, "<IBAN>"),
    (_REFERENCE, "<REFERENCE>"),
    (_DE_ADDRESS, "<ADDRESS>"),
    (_EN_ADDRESS, "<ADDRESS>"),
    (_PHONE, "<PHONE>"),
    (_LONG_NUMBER, "<NUMBER>"),
)


def redact(text: str) -> str:
    """The text with personal data replaced by placeholders, whitespace collapsed."""
    result = _WHITESPACE.sub(" ", text).strip()
    result = _NAMED.sub(lambda m: f"{m.group(1)} <NAME>", result)
    for pattern, placeholder in RULES:
        result = pattern.sub(placeholder, result)
    return result
