"""The topic knowledge (knowledge/topics/*.yml, knowledge/figures.yml) as Rasa domain parts and
NLU examples (bot env; pure Python + YAML, also read by the app env's shape tests).

Each topic file holds an overview answer, its sub-answers (facts.md, "Sub-questions users ask
per topic") with button titles, training examples with topic words and follow-ups without, and
per-district / per-town variants. Yearly figures are written once in figures.yml and referenced
as {{id}} / {{id.year}}.

Response names: `utter_<topic>` (the overview), `utter_<topic>/<sub>` (a sub-answer) and
`utter_<topic>_no_detail` (a follow-up the topic has no answer for). The variation of an answer
with district/town variants is chosen by the slot `answer_variant`, which the TopicPolicy sets
in the same prediction (`variant_for`): "town:<Town>", "district:<district>" or none.

`python -m rasa_side.knowledge check [files…]` prints every problem of the given topic files.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
TOPICS_DIR = ROOT / "knowledge" / "topics"
FIGURES_FILE = ROOT / "knowledge" / "figures.yml"
FACTS_FILE = ROOT.parent / "shared" / "knowledge" / "facts.md"
LANGUAGES = ("de", "en")
MAX_WORDS = 80
VARIANT_SLOT = "answer_variant"
SUB_ENTITY = "sub"
FOLLOWUP_INTENT = "followup"
OVERVIEW = "_overview"  # the sub-answer classifier's label for "the topic in general"
BOOK_PAYLOAD = "/request_human"
WORDING_FILE = ROOT / "knowledge" / "wording.yml"
# The shared wording (book button, "no detail" answer) per language, from knowledge/wording.yml.
_WORDING = yaml.safe_load(WORDING_FILE.read_text(encoding="utf-8"))
BOOK_TITLE = _WORDING["book_title"]
NO_DETAIL = _WORDING["no_detail"]

_FIGURE = re.compile(r"\{\{\s*([a-z0-9_]+)(\.year)?\s*\}\}")
_LINK = re.compile(r"\[([^\]]+)\]\((https?://[^)\s]+)\)")
_URL = re.compile(r"https?://[^\s)\]>]+")


class KnowledgeError(ValueError):
    pass


# ---------------------------------------------------------------- figures
@dataclass(frozen=True)
class Figure:
    id: str
    year: int
    source: str
    text: dict  # language -> value as written


def load_figures(path: Path = FIGURES_FILE) -> dict[str, Figure]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {key: Figure(key, int(f["year"]), f["source"], {lang: f[lang] for lang in LANGUAGES})
            for key, f in (data.get("figures") or {}).items()}


def figures_used(text: str) -> set[str]:
    return {m.group(1) for m in _FIGURE.finditer(text)}


def render(text: str, figures: dict[str, Figure], language: str) -> str:
    def value(match: re.Match) -> str:
        figure = figures.get(match.group(1))
        if figure is None:
            raise KnowledgeError(f"unknown figure {match.group(1)!r}")
        return str(figure.year) if match.group(2) else str(figure.text[language])
    return " ".join(_FIGURE.sub(value, text).split())


def expired(figures: dict[str, Figure], today: date) -> list[Figure]:
    return [f for f in figures.values() if f.year < today.year]


def expiring(figures: dict[str, Figure], today: date, days: int = 60) -> list[Figure]:
    """Figures valid for this year only, when the year ends within `days`."""
    end = date(today.year, 12, 31)
    return [f for f in figures.values() if f.year == today.year and (end - today).days < days]


def to_update(figures: dict[str, Figure], today: date, days: int = 60) -> list[Figure]:
    """What the staff dashboard lists: expired figures and those expiring within `days`."""
    due = {f.id for f in expired(figures, today) + expiring(figures, today, days)}
    return sorted((f for f in figures.values() if f.id in due), key=lambda f: (f.year, f.id))


# ---------------------------------------------------------------- text checks
def words(text: str) -> int:
    """Words as a reader sees them: a Markdown link counts as its title."""
    return len(_LINK.sub(lambda m: m.group(1), text).split())


def urls(text: str) -> list[str]:
    return _URL.findall(text)


def raw_urls(text: str) -> list[str]:
    """URLs not inside a Markdown link with a title."""
    return urls(_LINK.sub(lambda m: m.group(1), text))


# ---------------------------------------------------------------- topics
@dataclass
class Answer:
    text: dict  # language -> text (figures unrendered)
    district: dict = field(default_factory=dict)  # district -> language -> text
    towns: dict = field(default_factory=dict)  # Town -> language -> text

    @classmethod
    def parse(cls, data: dict) -> "Answer":
        return cls({lang: data[lang] for lang in LANGUAGES},
                   {d: {lang: v[lang] for lang in LANGUAGES} for d, v in (data.get("district") or {}).items()},
                   {t: {lang: v[lang] for lang in LANGUAGES} for t, v in (data.get("towns") or {}).items()})

    def variants(self) -> dict:
        """variant key (None: the general text) -> language -> text."""
        out = {None: self.text}
        out.update({f"district:{d}": v for d, v in self.district.items()})
        out.update({f"town:{t}": v for t, v in self.towns.items()})
        return out

    def variant_for(self, town: str | None, district: str | None) -> str | None:
        if town and town in self.towns:
            return f"town:{town}"
        if district and district in self.district:
            return f"district:{district}"
        return None


@dataclass
class Sub:
    key: str
    button: dict
    refer: bool
    answer: Answer
    examples: dict  # language -> [text]
    follow_ups: dict  # language -> [text]


@dataclass
class Topic:
    name: str
    overview: Answer
    buttons: list
    subs: dict  # key -> Sub

    @classmethod
    def parse(cls, data: dict) -> "Topic":
        overview = data["overview"]
        subs = {}
        for key, s in (data.get("subs") or {}).items():
            subs[key] = Sub(key, {lang: s["button"][lang] for lang in LANGUAGES}, bool(s.get("refer")),
                            # district / town variants sit beside `answer` or inside it
                            Answer.parse({"district": s.get("district"), "towns": s.get("towns"),
                                          **s["answer"]}),
                            {lang: list((s.get("examples") or {}).get(lang) or []) for lang in LANGUAGES},
                            {lang: list((s.get("follow_ups") or {}).get(lang) or []) for lang in LANGUAGES})
        return cls(data["topic"], Answer.parse(overview), list(overview.get("buttons") or []), subs)

    def answers(self) -> dict:
        """response name -> (Answer, buttons: [(title by language, payload)])."""
        book = [(BOOK_TITLE, BOOK_PAYLOAD)]
        out = {f"utter_{self.name}": (self.overview, [self._button(k) for k in self.buttons])}
        for key, sub in self.subs.items():
            out[f"utter_{self.name}/{key}"] = (sub.answer, book if sub.refer else [])
        return out

    def _button(self, key: str) -> tuple:
        return self.subs[key].button, f'/{self.name}{{"{SUB_ENTITY}": "{key}"}}'


def load_topic(path: Path) -> Topic:
    try:
        return Topic.parse(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (KeyError, TypeError, AttributeError) as error:
        raise KnowledgeError(f"{path.name}: malformed ({type(error).__name__}: {error})") from error


def load_topics(directory: Path = TOPICS_DIR) -> dict[str, Topic]:
    topics = [load_topic(p) for p in sorted(directory.glob("*.yml"))]
    return {t.name: t for t in topics}


def topic_labels(path: Path = ROOT / "domain" / "intent_labels.yml") -> dict:
    """intent -> language -> short name (domain/intent_labels.yml)."""
    if not path.is_file():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    out: dict = {}
    for name, variations in (data.get("responses") or {}).items():
        for variation in variations:
            for condition in variation.get("condition") or []:
                if condition.get("name") == "language":
                    out.setdefault(name.removeprefix("utter_intent_label_"), {})[
                        condition["value"]] = variation["text"]
    return out


# ---------------------------------------------------------------- Rasa domain
def _condition(language: str, variant: str | None, with_variant: bool) -> list:
    condition = [{"type": "slot", "name": "language", "value": language}]
    if with_variant:
        condition.append({"type": "slot", "name": VARIANT_SLOT, "value": variant})
    return condition


def _variation(text: str, buttons: list, language: str, condition: list | None) -> dict:
    out = {"text": text}
    if condition is not None:
        out["condition"] = condition
    if buttons:
        out["buttons"] = [{"title": title[language], "payload": payload} for title, payload in buttons]
    return out


def responses(topic: Topic, figures: dict[str, Figure], labels: dict) -> dict:
    """The topic's responses in Rasa's domain format, one variation per language and variant
    plus an unconditioned English one (never reached while `language` is set)."""
    out = {}
    for name, (answer, buttons) in topic.answers().items():
        variants = answer.variants()
        with_variant = len(variants) > 1
        out[name] = [_variation(render(texts[lang], figures, lang), buttons, lang,
                                _condition(lang, key, with_variant))
                     for key, texts in variants.items() for lang in LANGUAGES]
        out[name].append(_variation(render(answer.text["en"], figures, "en"), buttons, "en", None))
    buttons = [topic._button(k) for k in topic.buttons] + [(BOOK_TITLE, BOOK_PAYLOAD)]
    out[f"utter_{topic.name}_no_detail"] = [
        _variation(NO_DETAIL[lang].format(label=labels.get(topic.name, {}).get(lang, topic.name)),
                   buttons, lang, _condition(lang, None, False)) for lang in LANGUAGES
    ] + [_variation(NO_DETAIL["en"].format(label=labels.get(topic.name, {}).get("en", topic.name)),
                    buttons, "en", None)]
    return out


def domain_part(topics: dict[str, Topic], figures: dict[str, Figure], labels: dict) -> dict:
    out = {"version": "3.1", "intents": sorted(topics), "responses": {}}
    for topic in topics.values():
        out["responses"].update(responses(topic, figures, labels))
    return out


def training_examples(topics: dict[str, Topic]):
    """(text, intent, sub label, language): sub examples train their topic's intent, follow-ups
    the `followup` intent; both train the sub-answer classifier with "<topic>/<sub>"."""
    for topic in topics.values():
        for key, sub in topic.subs.items():
            for lang in LANGUAGES:
                for text in sub.examples[lang]:
                    yield text, topic.name, f"{topic.name}/{key}", lang
                for text in sub.follow_ups[lang]:
                    yield text, FOLLOWUP_INTENT, f"{topic.name}/{key}", lang


# ---------------------------------------------------------------- follow-ups
TOPIC_MASS = 0.3  # a "follow-up" with this much of the sub-answer mass on one topic names it


def named_topic(intent: str | None, sub_answers: dict, context_mass: float = 0.0) -> str | None:
    """The topic a message the top level calls a follow-up is about after all ("the Volksbank
    turned me away, who can I turn to?" → bank_account), unless it fits the conversation's
    topic: the sub-answer classifier's mass (rasa_side.nlu.sub_answer) decides."""
    if intent != FOLLOWUP_INTENT or not sub_answers:
        return None
    topic, best = max(sub_answers.items(), key=lambda item: item[1][3])
    return topic if best[3] >= TOPIC_MASS and best[3] > 10 * context_mass else None


# ---------------------------------------------------------------- checks
def facts_urls(path: Path = FACTS_FILE) -> set[str]:
    """Every URL of facts.md; a site named without a scheme ("www.example.de") counts too."""
    text = path.read_text(encoding="utf-8")
    sites = {f"https://{m}" for m in re.findall(r"(?<![/\w.])www\.[a-z0-9-]+(?:\.[a-z0-9-]+)+", text)}
    return {u.rstrip(".,;:") for u in urls(text)} | sites


def problems(topic: Topic, figures: dict[str, Figure], known_urls: set[str], today: date) -> list[str]:
    out = []
    for key in topic.buttons:
        if key not in topic.subs:
            out.append(f"{topic.name}: button for unknown sub {key!r}")
    for name, (answer, _) in topic.answers().items():
        for variant, texts in answer.variants().items():
            for lang in LANGUAGES:
                where = f"{name} [{lang}{', ' + variant if variant else ''}]"
                try:
                    text = render(texts[lang], figures, lang)
                except KnowledgeError as error:
                    out.append(f"{where}: {error}")
                    continue
                if words(text) > MAX_WORDS:
                    out.append(f"{where}: {words(text)} words (max {MAX_WORDS})")
                out += [f"{where}: raw URL {u}" for u in raw_urls(text)]
                out += [f"{where}: URL not in facts.md {u}" for u in urls(text)
                        if u.rstrip(".,;:") not in known_urls]
                out += [f"{where}: figure {f} expired ({figures[f].year})"
                        for f in figures_used(texts[lang]) if f in figures and figures[f].year < today.year]
    for key, sub in topic.subs.items():
        for lang in LANGUAGES:
            if len(sub.examples[lang]) < 4:
                out.append(f"{topic.name}/{key} [{lang}]: fewer than 4 examples")
    return out


def main(argv: list[str]) -> int:
    if not argv or argv[0] != "check":
        print("usage: python -m rasa_side.knowledge check [topic files…]")
        return 2
    paths = [Path(p) for p in argv[1:]] or sorted(TOPICS_DIR.glob("*.yml"))
    figures, known = load_figures(), facts_urls()
    found = []
    for path in paths:
        try:
            found += problems(load_topic(path), figures, known, date.today())
        except (KnowledgeError, yaml.YAMLError) as error:
            found.append(f"{path}: {error}")
    print("\n".join(found) or f"OK ({len(paths)} files)")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
