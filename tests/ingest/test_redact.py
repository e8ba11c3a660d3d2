"""PII redaction: German and English formats are caught, ordinary questions stay intact."""

import pytest

from bot.ingest.redact import PLACEHOLDERS, redact


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # e-mail addresses
        ("meine mail ist max.mustermann+desk@web.de danke", "meine mail ist <EMAIL> danke"),
        ("Write to j.smith@company.co.uk please", "Write to <EMAIL> please"),
        # German phone numbers
        ("Ruf mich an: 0211 8921234", "Ruf mich an: <PHONE>"),
        ("Tel. 0211/89-21234 bitte", "Tel. <PHONE> bitte"),
        ("(0211) 892 12 34 tagsüber", "<PHONE> tagsüber"),
        ("Handy 0176-12345678", "Handy <PHONE>"),
        ("meine nummer 015112345678", "meine nummer <PHONE>"),
        ("+49 211 8921234 ist meine Nummer", "<PHONE> ist meine Nummer"),
        ("0049 (0) 211 89 21 234", "<PHONE>"),
        ("+49(0)176/1234567", "<PHONE>"),
        # international / English phone numbers
        ("call me on +44 20 7946 0958", "call me on <PHONE>"),
        ("my number is +1 (555) 123-4567", "my number is <PHONE>"),
        ("my number is (555) 123-4567", "my number is <PHONE>"),
        ("text 555-123-4567 anytime", "text <PHONE> anytime"),
        ("UK mobile 07700 900123", "UK mobile <PHONE>"),
        ("+91 98765 43210 is my whatsapp", "<PHONE> is my whatsapp"),
        # booking references
        ("Ich möchte ESD-7K3Q9 absagen", "Ich möchte <REFERENCE> absagen"),
        ("cancel booking esd-4hx2p please", "cancel booking <REFERENCE> please"),
        # IBANs
        ("IBAN DE89 3704 0044 0532 0130 00 stimmt?", "IBAN <IBAN> stimmt?"),
        ("my iban is DE89370400440532013000", "my iban is <IBAN>"),
        ("GB29 NWBK 6016 1331 9268 19 is my UK account", "<IBAN> is my UK account"),
        # German addresses
        ("Ich wohne in der Musterstraße 12, 40212 Düsseldorf", "Ich wohne in der <ADDRESS>"),
        ("Adresse: Königsallee 92a 40212 Duesseldorf", "Adresse: <ADDRESS>"),
        ("wohne jetzt Berliner Allee 5 in Hilden", "wohne jetzt <ADDRESS> in Hilden"),
        ("Kaiserswerther Str. 115, 40474 Düsseldorf ist neu", "<ADDRESS> ist neu"),
        ("umgezogen in die hauptstrasse 3-5", "umgezogen in die <ADDRESS>"),
        ("Am Wehrhahn 12, 40211 Düsseldorf", "<ADDRESS>"),
        ("ich ziehe nach 40878 Ratingen", "ich ziehe nach <ADDRESS>"),
        ("Graf-Adolf-Straße 40/42", "<ADDRESS>"),
        # English addresses
        ("I live at 221B Baker Street, London NW1 6XE", "I live at <ADDRESS>"),
        ("send it to 1600 Pennsylvania Avenue, Washington DC 20500", "send it to <ADDRESS>"),
        ("my old address was Flat 3, 10 Downing St.", "my old address was <ADDRESS>"),
        # long numbers (tax ID, file numbers)
        ("Steuer-ID 12 345 678 901 verloren", "Steuer-ID <NUMBER> verloren"),
        ("Aktenzeichen 123456789", "Aktenzeichen <NUMBER>"),
        ("call +1-202-555-0143 or 0211-8992020", "call <PHONE> or <PHONE>"),
        ("I moved to 40210 Düsseldorf last week", "I moved to <ADDRESS> last week"),
        # names the user introduces (issue 15)
        ("Hi, my name is Anna Kowalski and I need help", "Hi, my name is <NAME> and I need help"),
        ("ich heiße jan de vries, brauche einen Termin", "ich heiße <NAME>, brauche einen Termin"),
        ("Mein Name ist Müller. Wann?", "Mein Name ist <NAME>. Wann?"),
        ("Name: Li Wei from Acme", "Name: <NAME> from Acme"),
        ("Ich heisse Ömer Yılmaz aus Hilden", "Ich heisse <NAME> aus Hilden"),
    ],
)
def test_personal_data_is_replaced(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Wie viel kostet die Blue Card 2025?",
        "Das Mindestgehalt ist 48.300 Euro brutto",
        "Termin am 01.12.2025 um 10:30",
        "Appointment on 2025-01-15 at 9:00?",
        "Meine PLZ ist 40885, wer ist zuständig?",
        "I earn 58,400 EUR a year",
        "Ich habe einen Arbeitsplatz 3 Jahre lang gehabt",
        "Kita-Platz 2 Kinder, geht das?",
        "Nach § 18b AufenthG und § 81a",
        "where do I get the Meldebescheinigung?",
        "I have 2 kids and live in Düsseldorf",
        "40000 Euro Gehalt reicht?",
        "Is a B1 certificate enough?",
        "Wo ist das Bürgerbüro in 40210?",
        "my name is on the lease, is that ok?",
        "Mein Name ist falsch geschrieben",
        "Ich bin die neue HR-Managerin",
        "call me back please",
    ],
)
def test_ordinary_questions_are_unchanged(text):
    assert redact(text) == text


def test_whitespace_is_collapsed_and_no_raw_fragment_survives():
    raw = "Hallo,\n\nich bin  anna.k@gmx.de,\ttel +49 170 1234567, IBAN DE89370400440532013000"
    result = redact(raw)
    assert result == "Hallo, ich bin <EMAIL>, tel <PHONE>, IBAN <IBAN>"
    for fragment in ("anna", "gmx", "1234567", "3704"):
        assert fragment not in result
    assert all(p.startswith("<") and p.endswith(">") for p in PLACEHOLDERS)
