"""Closed-list entities the answers depend on: the town and the nationality group.

Pure logic, no Rasa import: `rasa_side.nlu.gazetteer_extractor` wraps it as a Rasa
component, the tests call it directly.

Why a gazetteer and not DIET: both lists are closed and small (Düsseldorf plus
the ten Kreis Mettmann towns; countries), users write them with and without
umlauts, with typos and as adjectives ("indischer Pass", "I'm American"); an
exact lookup on a normalised form plus edit distance 1 on long names is more
reliable than a learned tagger and needs no annotated training data.

What it returns per message:
- `town` (canonical spelling, e.g. "Monheim am Rhein") and `district`
  ("duesseldorf" | "kreis_mettmann"). "Kreis Mettmann" alone gives only the district.
- `nationality` (English country name) and `nationality_group`:
  "eu" (EU, EEA, Switzerland), "visa_free" (the states whose citizens may enter
  without a visa and apply for the permit in Germany: Australia, Canada, Israel,
  Japan, Republic of Korea, New Zealand, UK, USA; facts.md, visa_entry) or
  "other" (everyone else needs a visa before entry).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

DISTRICT_DUESSELDORF = "duesseldorf"
DISTRICT_KREIS_METTMANN = "kreis_mettmann"

# canonical town -> spellings (normalised by `fold` before use). Town parts that
# people name instead of the town (Hochdahl, Neviges, Lintorf...) map to the town.
TOWNS: dict[str, tuple[str, ...]] = {
    "Düsseldorf": ("düsseldorf", "dusseldorf", "duesseldorf", "düsseldorfer", "duesseldorfer",
                   "d'dorf", "ddorf", "düssel", "dus", "dusseldorp"),
    "Erkrath": ("erkrath", "erkrat", "hochdahl", "unterfeldhaus"),
    "Haan": ("haan", "gruiten"),
    "Heiligenhaus": ("heiligenhaus", "heiligen haus"),
    "Hilden": ("hilden",),
    "Langenfeld": ("langenfeld", "langenfeld rheinland", "langenfeld rhld"),
    "Mettmann": ("mettmann", "metmann", "stadt mettmann"),
    "Monheim am Rhein": ("monheim am rhein", "monheim", "baumberg"),
    "Ratingen": ("ratingen", "lintorf", "hösel", "breitscheid"),
    "Velbert": ("velbert", "neviges", "langenberg"),
    "Wülfrath": ("wülfrath", "wuelfrath", "wulfrath"),
}
KREIS_METTMANN = ("kreis mettmann", "kreis me", "landkreis mettmann", "mettmann district",
                  "district of mettmann", "kreis-mettmann")

GROUP_EU = "eu"
GROUP_VISA_FREE = "visa_free"
GROUP_OTHER = "other"

# country -> (group, spellings). German adjective stems end in "-" and expand to
# -e/-er/-en/-es/-em forms ("indisch-" -> indisch, indische, indischer, ...).
COUNTRIES: dict[str, tuple[str, tuple[str, ...]]] = {
    # EU, EEA, Switzerland
    "Austria": (GROUP_EU, ("austria", "austrian", "österreich", "österreicher", "österreicherin", "österreichisch-")),
    "Belgium": (GROUP_EU, ("belgium", "belgian", "belgien", "belgier", "belgierin", "belgisch-")),
    "Bulgaria": (GROUP_EU, ("bulgaria", "bulgarian", "bulgarien", "bulgare", "bulgarin", "bulgarisch-")),
    "Croatia": (GROUP_EU, ("croatia", "croatian", "kroatien", "kroate", "kroatin", "kroatisch-")),
    "Cyprus": (GROUP_EU, ("cyprus", "cypriot", "zypern", "zypriot", "zypriotin", "zypriotisch-")),
    "Czechia": (GROUP_EU, ("czechia", "czech republic", "czech", "tschechien", "tscheche", "tschechin", "tschechisch-")),
    "Denmark": (GROUP_EU, ("denmark", "danish", "dane", "dänemark", "däne", "dänin", "dänisch-")),
    "Estonia": (GROUP_EU, ("estonia", "estonian", "estland", "este", "estin", "estnisch-")),
    "Finland": (GROUP_EU, ("finland", "finnish", "finn", "finnland", "finne", "finnin", "finnisch-")),
    "France": (GROUP_EU, ("france", "french", "frankreich", "franzose", "französin", "französisch-")),
    "Greece": (GROUP_EU, ("greece", "greek", "griechenland", "grieche", "griechin", "griechisch-")),
    "Hungary": (GROUP_EU, ("hungary", "hungarian", "ungarn", "ungar", "ungarin", "ungarisch-")),
    "Ireland": (GROUP_EU, ("ireland", "irish", "irland", "ire", "irin", "irisch-")),
    "Italy": (GROUP_EU, ("italy", "italian", "italien", "italiener", "italienerin", "italienisch-")),
    "Latvia": (GROUP_EU, ("latvia", "latvian", "lettland", "lette", "lettin", "lettisch-")),
    "Lithuania": (GROUP_EU, ("lithuania", "lithuanian", "litauen", "litauer", "litauerin", "litauisch-")),
    "Luxembourg": (GROUP_EU, ("luxembourg", "luxembourgish", "luxemburg", "luxemburger", "luxemburgerin", "luxemburgisch-")),
    "Malta": (GROUP_EU, ("malta", "maltese", "malteser", "maltesisch-")),
    "Netherlands": (GROUP_EU, ("netherlands", "the netherlands", "holland", "dutch", "niederlande", "niederländer", "niederländerin", "niederländisch-", "holländer", "holländisch-")),
    "Poland": (GROUP_EU, ("poland", "polish", "polen", "pole", "polin", "polnisch-")),
    "Portugal": (GROUP_EU, ("portugal", "portuguese", "portugiese", "portugiesin", "portugiesisch-")),
    "Romania": (GROUP_EU, ("romania", "romanian", "rumänien", "rumäne", "rumänin", "rumänisch-")),
    "Slovakia": (GROUP_EU, ("slovakia", "slovak", "slowakei", "slowake", "slowakin", "slowakisch-")),
    "Slovenia": (GROUP_EU, ("slovenia", "slovenian", "slowenien", "slowene", "slowenin", "slowenisch-")),
    "Spain": (GROUP_EU, ("spain", "spanish", "spaniard", "spanien", "spanier", "spanierin", "spanisch-")),
    "Sweden": (GROUP_EU, ("sweden", "swedish", "swede", "schweden", "schwede", "schwedin", "schwedisch-")),
    "Iceland": (GROUP_EU, ("iceland", "icelandic", "island", "isländer", "isländerin", "isländisch-")),
    "Liechtenstein": (GROUP_EU, ("liechtenstein", "liechtensteiner", "liechtensteinerin", "liechtensteinisch-")),
    "Norway": (GROUP_EU, ("norway", "norwegian", "norwegen", "norweger", "norwegerin", "norwegisch-")),
    "Switzerland": (GROUP_EU, ("switzerland", "swiss", "schweiz", "schweizer", "schweizerin", "schweizerisch-")),
    # may enter without a visa and apply for the residence permit in Germany
    "Australia": (GROUP_VISA_FREE, ("australia", "australian", "aussie", "australien", "australier", "australierin", "australisch-")),
    "Canada": (GROUP_VISA_FREE, ("canada", "canadian", "kanada", "kanadier", "kanadierin", "kanadisch-")),
    "Israel": (GROUP_VISA_FREE, ("israel", "israeli", "israelin", "israelisch-")),
    "Japan": (GROUP_VISA_FREE, ("japan", "japanese", "japaner", "japanerin", "japanisch-")),
    "Republic of Korea": (GROUP_VISA_FREE, ("south korea", "republic of korea", "korea", "korean", "south korean", "südkorea", "südkoreaner", "südkoreanerin", "südkoreanisch-", "koreaner", "koreanerin", "koreanisch-")),
    "New Zealand": (GROUP_VISA_FREE, ("new zealand", "new zealander", "kiwi", "neuseeland", "neuseeländer", "neuseeländerin", "neuseeländisch-")),
    "United Kingdom": (GROUP_VISA_FREE, ("united kingdom", "uk", "great britain", "britain", "british", "england", "english passport", "scotland", "scottish", "wales", "welsh", "brit", "großbritannien", "vereinigtes königreich", "brite", "britin", "britisch-", "engländer", "engländerin", "schotte", "schottin")),
    "United States": (GROUP_VISA_FREE, ("united states", "united states of america", "usa", "us", "u.s.", "us citizen", "us passport", "us-amerikaner", "america", "american", "amerika", "amerikaner", "amerikanerin", "amerikanisch-", "us-amerikanisch-", "vereinigte staaten", "vereinigten staaten")),
    # everyone else (the most frequent at the desk; any other named country too)
    "India": (GROUP_OTHER, ("india", "indian", "indien", "inder", "inderin", "indisch-")),
    "China": (GROUP_OTHER, ("china", "chinese", "chinese", "chinesin", "chinesisch-")),
    "Turkey": (GROUP_OTHER, ("turkey", "türkiye", "turkish", "turk", "türkei", "türke", "türkin", "türkisch-")),
    "Brazil": (GROUP_OTHER, ("brazil", "brazilian", "brasilien", "brasilianer", "brasilianerin", "brasilianisch-")),
    "Russia": (GROUP_OTHER, ("russia", "russian", "russland", "russe", "russin", "russisch-")),
    "Ukraine": (GROUP_OTHER, ("ukraine", "ukrainian", "ukrainer", "ukrainerin", "ukrainisch-")),
    "Belarus": (GROUP_OTHER, ("belarus", "belarusian", "weißrussland", "belarussisch-")),
    "Nigeria": (GROUP_OTHER, ("nigeria", "nigerian", "nigerianer", "nigerianerin", "nigerianisch-")),
    "Ghana": (GROUP_OTHER, ("ghana", "ghanaian", "ghanaer", "ghanaisch-")),
    "Kenya": (GROUP_OTHER, ("kenya", "kenyan", "kenia", "kenianer", "kenianerin", "kenianisch-")),
    "South Africa": (GROUP_OTHER, ("south africa", "south african", "südafrika", "südafrikaner", "südafrikanerin", "südafrikanisch-")),
    "Egypt": (GROUP_OTHER, ("egypt", "egyptian", "ägypten", "ägypter", "ägypterin", "ägyptisch-")),
    "Morocco": (GROUP_OTHER, ("morocco", "moroccan", "marokko", "marokkaner", "marokkanerin", "marokkanisch-")),
    "Tunisia": (GROUP_OTHER, ("tunisia", "tunisian", "tunesien", "tunesier", "tunesierin", "tunesisch-")),
    "Algeria": (GROUP_OTHER, ("algeria", "algerian", "algerien", "algerier", "algerierin", "algerisch-")),
    "Philippines": (GROUP_OTHER, ("philippines", "filipino", "filipina", "philippinen", "philippinisch-")),
    "Vietnam": (GROUP_OTHER, ("vietnam", "vietnamese", "vietnamese", "vietnamesin", "vietnamesisch-")),
    "Indonesia": (GROUP_OTHER, ("indonesia", "indonesian", "indonesien", "indonesier", "indonesierin", "indonesisch-")),
    "Thailand": (GROUP_OTHER, ("thailand", "thai", "thailänder", "thailänderin", "thailändisch-")),
    "Pakistan": (GROUP_OTHER, ("pakistan", "pakistani", "pakistaner", "pakistanerin", "pakistanisch-")),
    "Bangladesh": (GROUP_OTHER, ("bangladesh", "bangladeshi", "bangladesch", "bangladeschisch-")),
    "Sri Lanka": (GROUP_OTHER, ("sri lanka", "sri lankan", "srilankisch-")),
    "Nepal": (GROUP_OTHER, ("nepal", "nepalese", "nepali", "nepalesisch-")),
    "Iran": (GROUP_OTHER, ("iran", "iranian", "iraner", "iranerin", "iranisch-")),
    "Iraq": (GROUP_OTHER, ("iraq", "iraqi", "irak", "iraker", "irakerin", "irakisch-")),
    "Syria": (GROUP_OTHER, ("syria", "syrian", "syrien", "syrer", "syrerin", "syrisch-")),
    "Afghanistan": (GROUP_OTHER, ("afghanistan", "afghan", "afghane", "afghanin", "afghanisch-")),
    "Lebanon": (GROUP_OTHER, ("lebanon", "lebanese", "libanon", "libanese", "libanesin", "libanesisch-")),
    "Jordan": (GROUP_OTHER, ("jordan", "jordanian", "jordanien", "jordanier", "jordanisch-")),
    "Saudi Arabia": (GROUP_OTHER, ("saudi arabia", "saudi", "saudi-arabien", "saudisch-")),
    "Mexico": (GROUP_OTHER, ("mexico", "mexican", "mexiko", "mexikaner", "mexikanerin", "mexikanisch-")),
    "Colombia": (GROUP_OTHER, ("colombia", "colombian", "kolumbien", "kolumbianer", "kolumbianerin", "kolumbianisch-")),
    "Argentina": (GROUP_OTHER, ("argentina", "argentinian", "argentine", "argentinien", "argentinier", "argentinierin", "argentinisch-")),
    "Chile": (GROUP_OTHER, ("chile", "chilean", "chilene", "chilenin", "chilenisch-")),
    "Peru": (GROUP_OTHER, ("peru", "peruvian", "peruaner", "peruanerin", "peruanisch-")),
    "Serbia": (GROUP_OTHER, ("serbia", "serbian", "serbien", "serbe", "serbin", "serbisch-")),
    "Bosnia and Herzegovina": (GROUP_OTHER, ("bosnia", "bosnian", "bosnien", "bosnier", "bosnierin", "bosnisch-")),
    "Albania": (GROUP_OTHER, ("albania", "albanian", "albanien", "albaner", "albanerin", "albanisch-")),
    "Kosovo": (GROUP_OTHER, ("kosovo", "kosovar", "kosovarin", "kosovarisch-")),
    "North Macedonia": (GROUP_OTHER, ("north macedonia", "macedonia", "macedonian", "nordmazedonien", "mazedonien", "mazedonier", "mazedonisch-")),
    "Georgia": (GROUP_OTHER, ("georgia", "georgian", "georgien", "georgier", "georgierin", "georgisch-")),
    "Armenia": (GROUP_OTHER, ("armenia", "armenian", "armenien", "armenier", "armenierin", "armenisch-")),
    "Kazakhstan": (GROUP_OTHER, ("kazakhstan", "kazakh", "kasachstan", "kasache", "kasachin", "kasachisch-")),
    "Uzbekistan": (GROUP_OTHER, ("uzbekistan", "uzbek", "usbekistan", "usbekisch-")),
    "Ethiopia": (GROUP_OTHER, ("ethiopia", "ethiopian", "äthiopien", "äthiopier", "äthiopisch-")),
    "Cameroon": (GROUP_OTHER, ("cameroon", "cameroonian", "kamerun", "kameruner", "kamerunerin", "kamerunisch-")),
}

# Group words without a country: "I'm an EU citizen", "Drittstaatsangehöriger".
GROUP_WORDS: dict[str, tuple[str, ...]] = {
    GROUP_EU: ("eu citizen", "eu citizens", "eu national", "eu passport", "eu-bürger", "eu bürger",
               "eu-bürgerin", "eu-staatsangehöriger", "eu-staatsangehörige", "eu-ausländer",
               "aus der eu", "from the eu", "eea citizen", "ewr-bürger", "aus dem ewr",
               "eu member state", "eu-mitgliedstaat", "eu-land"),
    GROUP_OTHER: ("non-eu", "non eu", "third country", "third-country", "third country national",
                  "drittstaat", "drittstaaten", "drittstaatler", "drittstaatsangehöriger",
                  "drittstaatsangehörige", "nicht-eu", "nicht eu", "außerhalb der eu",
                  "outside the eu", "outside of the eu", "nicht-eu-bürger", "nicht-eu-ausländer"),
}


@dataclass(frozen=True)
class Match:
    entity: str
    value: str
    start: int
    end: int


_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "’": "'", "é": "e", "è": "e"})


def fold(text: str) -> str:
    """Lower case, umlauts as ae/oe/ue/ss, other accents removed."""
    text = text.casefold().translate(_UMLAUTS)
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c))


def _expand(spelling: str) -> list[str]:
    if spelling.endswith("-"):
        stem = spelling[:-1]
        return [stem + suffix for suffix in ("", "e", "er", "en", "es", "em")]
    return [spelling]


def _variants(spelling: str) -> set[str]:
    """Folded form plus the umlaut-less spelling (ü -> u) people also type."""
    plain = spelling.casefold()
    stripped = unicodedata.normalize("NFKD", plain.replace("ß", "ss"))
    stripped = "".join(c for c in stripped if not unicodedata.combining(c))
    return {fold(plain), fold(stripped)}


@lru_cache(maxsize=1)
def _table() -> dict[tuple[str, ...], tuple[str, str]]:
    """Folded token sequence -> (kind, key)."""
    table: dict[tuple[str, ...], tuple[str, str]] = {}

    def add(spelling: str, kind: str, key: str) -> None:
        for form in _expand(spelling):
            for variant in _variants(form):
                table.setdefault(tuple(t.strip(".'") for t in _TOKEN.findall(variant)), (kind, key))

    for town, spellings in TOWNS.items():
        for spelling in (town, *spellings):
            add(spelling, "town", town)
    for spelling in KREIS_METTMANN:
        add(spelling, "district", DISTRICT_KREIS_METTMANN)
    for country, (_group, spellings) in COUNTRIES.items():
        for spelling in (country, *spellings):
            add(spelling, "country", country)
    for group, spellings in GROUP_WORDS.items():
        for spelling in spellings:
            add(spelling, "group", group)
    return table


@lru_cache(maxsize=1)
def _fuzzy_towns() -> dict[str, str]:
    """Long town spellings (>= 7 letters) for edit-distance-1 matching of typos
    (not shorter: "hidden" is one edit from "hilden")."""
    out = {}
    for key, (kind, value) in _table().items():
        if kind == "town" and len(key) == 1 and len(key[0]) >= 7:
            out[key[0]] = value
    return out


_TOKEN = re.compile(r"[\w'.]+(?:-[\w']+)*")
_MAX_NGRAM = 4
# Short forms that are also ordinary words: only taken as a whole token in upper case.
_CASE_SENSITIVE = {("us",): "US", ("dus",): "DUS", ("ire",): None, ("pole",): None,
                   ("finn",): None, ("dane",): None, ("kiwi",): None, ("island",): None,
                   ("turk",): None, ("este",): None, ("jordan",): None}


def _within_one_edit(a: str, b: str) -> bool:
    if a == b:
        return True
    if len(a) == len(b):
        diff = [k for k in range(len(a)) if a[k] != b[k]]
        if len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] \
                and a[diff[1]] == b[diff[0]]:
            return True  # one swapped pair of letters ("Erkarth")
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = j = edits = 0
    while i < len(a) and j < len(b):
        if a[i] == b[j]:
            i += 1
            j += 1
            continue
        edits += 1
        if edits > 1:
            return False
        if len(a) == len(b):
            i += 1
        j += 1
    return edits + (len(b) - j) <= 1


def find(text: str) -> list[Match]:
    """All town / district / nationality mentions, longest match first, left to right."""
    spans = []
    for m in _TOKEN.finditer(text):
        word = m.group(0)
        lead = len(word) - len(word.lstrip(".'"))
        trail = len(word) - len(word.rstrip(".'"))
        if lead < len(word):
            spans.append((word.strip(".'"), m.start() + lead, m.end() - trail))
    tokens = [fold(s) for s, _, _ in spans]
    table = _table()
    matches: list[Match] = []
    i = 0
    while i < len(tokens):
        hit = None
        for n in range(min(_MAX_NGRAM, len(tokens) - i), 0, -1):
            key = tuple(tokens[i:i + n])
            if key in table:
                original = text[spans[i][1]:spans[i + n - 1][2]]
                if key in _CASE_SENSITIVE and not _upper_ok(key, original):
                    continue
                hit = (n, table[key])
                break
        if hit is None and "-" in tokens[i]:
            # "Düsseldorf-Bilk": the town is the first part; "US-Amerikanerin",
            # "Deutsch-Inder": the nationality is the last part.
            head, tail = (tokens[i].split("-", 1)[0],), (tokens[i].rsplit("-", 1)[1],)
            if table.get(head, ("",))[0] == "town" and head not in _CASE_SENSITIVE:
                hit = (1, table[head])
            elif table.get(tail, ("",))[0] == "country" and tail not in _CASE_SENSITIVE:
                hit = (1, table[tail])
        if hit is None and len(tokens[i]) >= 7 and not tokens[i].isdigit():
            for name, town in _fuzzy_towns().items():
                if _within_one_edit(tokens[i], name):
                    hit = (1, ("town", town))
                    break
        if hit is None:
            i += 1
            continue
        n, (kind, key) = hit
        start, end = spans[i][1], spans[i + n - 1][2]
        matches.extend(_entities(kind, key, start, end))
        i += n
    return matches


def _upper_ok(key: tuple[str, ...], original: str) -> bool:
    expected = _CASE_SENSITIVE[key]
    if expected is None:
        # Ordinary words (Pole, Ire, Kiwi, Haan...) count only when capitalised
        # mid-sentence; German capitalises nouns anyway, so this keeps "haan"
        # and "island" from matching lower-case English words.
        return original[:1].isupper()
    return original.strip(".") == expected


def _entities(kind: str, key: str, start: int, end: int) -> list[Match]:
    if kind == "town":
        district = DISTRICT_DUESSELDORF if key == "Düsseldorf" else DISTRICT_KREIS_METTMANN
        return [Match("town", key, start, end), Match("district", district, start, end)]
    if kind == "district":
        return [Match("district", key, start, end)]
    if kind == "country":
        group = COUNTRIES[key][0]
        return [Match("nationality", key, start, end),
                Match("nationality_group", group, start, end)]
    return [Match("nationality_group", key, start, end)]


def extract(text: str) -> dict[str, Match]:
    """One value per entity type: the last mention wins ("moved from Hilden to Ratingen")."""
    result: dict[str, Match] = {}
    for match in find(text):
        result[match.entity] = match
    return result
