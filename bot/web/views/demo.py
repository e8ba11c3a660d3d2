"""The demo page `/` (`?lang=de|en`): a desk web page with the widget embedded by one script tag.

Only facts from the shared fact sheet (expat_desk_info) appear here.
"""

from __future__ import annotations

import aiohttp_jinja2
from aiohttp import web

from bot.desk.languages import choose, other
from bot.web.keys import SETTINGS

PAGE = {
    "de": {
        "title": "Expat Service Desk ME & DUS – Willkommen in Düsseldorf und im Kreis Mettmann",
        "skip": "Zum Inhalt springen",
        "nav_label": "Hauptnavigation",
        "nav_services": "Angebot", "nav_about": "Über uns", "nav_contact": "Kontakt",
        "other_language": "English",
        "hero_title": "Gut ankommen in Düsseldorf und im Kreis Mettmann",
        "hero_lead": "Kostenlose Erstberatung auf Deutsch oder Englisch für internationale Fachkräfte, "
                     "ihre Familien und die Unternehmen, die sie einstellen.",
        "cta": "Frage an den Assistenten stellen",
        "services_title": "Wobei wir helfen",
        "services": [
            ("Aufenthalt und Visum", "Welcher Aufenthaltstitel passt, und was braucht die Ausländerbehörde?"),
            ("Arbeitserlaubnis", "Blaue Karte EU, Fachkräfte-Aufenthalt und was Arbeitgeber wissen müssen."),
            ("Anerkennung", "Ausländische Berufs- und Studienabschlüsse anerkennen lassen."),
            ("Behörden", "Anmeldung, Steuer-ID, Krankenversicherung: wer ist wofür zuständig?"),
            ("Schule und Kinderbetreuung", "Orientierung für Familien mit Kindern."),
            ("Karriere und Netzwerke", "Kontakte, Veranstaltungen und Wege in den Arbeitsmarkt."),
        ],
        "about_title": "Über den Expat Service Desk",
        "about_text": "Der Expat Service Desk ME & DUS ist eine gemeinsame Initiative der IHK Düsseldorf, "
                      "der Stadt Düsseldorf und des Kreises Mettmann mit ihren Wirtschaftsförderungen. "
                      "Wir verweisen an die zuständigen Stellen und arbeiten besonders eng mit den "
                      "Ausländerbehörden in Düsseldorf und im Kreis Mettmann zusammen.",
        "audience_title": "Für wen?",
        "audience_text": "Für Unternehmen – besonders kleine und mittlere Betriebe und ihre Personalabteilungen – "
                         "sowie für internationale Fachkräfte und ihre Familien.",
        "contact_title": "Kontakt",
        "contact_text": "Schreiben Sie unserem Assistenten unten rechts: Er beantwortet häufige Fragen sofort "
                        "und bucht Ihnen bei Bedarf einen Beratungstermin mit unserem Team.",
        "footer": "Demoseite des Expat-Desk-Assistenten. Angaben ohne Gewähr; maßgeblich sind die "
                  "Informationen der zuständigen Behörden.",
    },
    "en": {
        "title": "Expat Service Desk ME & DUS – Welcome to Düsseldorf and the Kreis Mettmann",
        "skip": "Skip to content",
        "nav_label": "Main navigation",
        "nav_services": "Services", "nav_about": "About us", "nav_contact": "Contact",
        "other_language": "Deutsch",
        "hero_title": "Settle in well in Düsseldorf and the Kreis Mettmann",
        "hero_lead": "Free first advice in German or English for international professionals, their "
                     "families and the companies that hire them.",
        "cta": "Ask the assistant",
        "services_title": "How we help",
        "services": [
            ("Residence and visas", "Which residence title fits, and what does the foreigners' office need?"),
            ("Work permits", "EU Blue Card, skilled-worker residence and what employers need to know."),
            ("Recognition", "Getting foreign professional and academic qualifications recognised."),
            ("Authorities", "Registration, tax ID, health insurance: who is responsible for what?"),
            ("Schools and childcare", "Orientation for families with children."),
            ("Careers and networks", "Contacts, events and ways into the job market."),
        ],
        "about_title": "About the Expat Service Desk",
        "about_text": "The Expat Service Desk ME & DUS is a joint initiative of IHK Düsseldorf, the city of "
                      "Düsseldorf and the Kreis Mettmann with their economic development agencies. We refer "
                      "you to the responsible authorities and work especially closely with the foreigners' "
                      "offices (Ausländerbehörden) of Düsseldorf and the Kreis Mettmann.",
        "audience_title": "Who is it for?",
        "audience_text": "Companies – especially small and medium-sized businesses and their HR staff – and "
                         "international professionals and their families.",
        "contact_title": "Contact",
        "contact_text": "Write to our assistant at the bottom right: it answers common questions right away "
                        "and, if needed, books you a consultation with our team.",
        "footer": "Demo page of the Expat Desk assistant. No liability for the information given; the "
                  "responsible authorities' information is authoritative.",
    },
}


async def demo_page(request: web.Request) -> web.Response:
    lang = choose(request.query.get("lang"))
    return aiohttp_jinja2.render_template("demo.html", request, {
        "lang": lang, "other": other(lang), "s": PAGE[lang],
        "rasa_url": request.app[SETTINGS].rasa_url,
    })
