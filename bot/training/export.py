"""Export reviewed inbox messages into the training data: `data/nlu/<lang>/inbox.yml`.

    make export-inbox      (python -m bot.training.export)

Confirmed and relabelled messages become examples of their intent, out-of-scope ones
examples of `out_of_scope`. An example is written only when it is new to the whole
training set (data/nlu, case and spacing ignored), is not in the held-out split (that
would make the evaluation lie), and its intent exists in the domain. Written messages
are marked `exported`; the ones skipped say why and keep their status, except exact
repeats of an example the training data already has with the same intent, which count
as done.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.base import utcnow
from bot.db.models import InboxMessage
from bot.settings import PROJECT_ROOT, Settings
from bot.desk import audit
from bot.desk.inbox import EXPORTABLE, OUT_OF_SCOPE
from bot.desk.intents import known_intents
from bot.desk.languages import LANGUAGES
from bot.ingest.redact import PLACEHOLDERS

INBOX_FILE = "inbox.yml"
HEADER = (
    'version: "3.1"\n'
    "# Reviewed real questions from the staff inbox, written by `make export-inbox`.\n"
    "# Review them in the inbox (relabel, discard) rather than editing this file by hand.\n"
)
# Rasa's inline entity annotation: [text](entity), [text]{...}, [text][...].
_ANNOTATION = re.compile(r"\[([^\]]+?)\](?:\([^)]*\)|\{[^}]*\}|\[[^\]]*\])")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_PLACEHOLDER = re.compile("|".join(re.escape(p) for p in PLACEHOLDERS))


def normalize(text: str) -> str:
    """Comparison key of an example: annotations removed, case and spacing ignored."""
    plain = _ANNOTATION.sub(r"\1", text)
    return " ".join(plain.casefold().split()).strip(" .!?,;:")


def training_text(text: str) -> str:
    """One safe line of Rasa NLU YAML: no annotation syntax, no control characters."""
    line = _CONTROL.sub(" ", text).replace("[", "(").replace("]", ")")
    return " ".join(line.split())


def read_examples(path: Path) -> list[tuple[str, str]]:
    """(intent, example text) pairs of a Rasa NLU YAML file."""
    content = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    pairs = []
    for item in content.get("nlu") or []:
        if not isinstance(item, dict) or "intent" not in item:
            continue
        for line in str(item.get("examples") or "").splitlines():
            line = line.strip()
            if line.startswith("- "):
                pairs.append((item["intent"], line[2:].strip()))
    return pairs


def examples_under(folder: Path, skip: Path | None = None) -> dict[str, set[str]]:
    """normalized text → intents, over every NLU file below `folder`."""
    index: dict[str, set[str]] = defaultdict(set)
    if folder.is_dir():
        for path in sorted(folder.rglob("*.yml")):
            if skip is not None and path == skip:
                continue
            for intent, text in read_examples(path):
                index[normalize(text)].add(intent)
    return index


def render(examples: dict[str, list[str]]) -> str:
    """Rasa NLU YAML for {intent: [texts]} (intents sorted, texts in given order)."""
    lines = [HEADER, "nlu:"]
    for intent in sorted(examples):
        if not examples[intent]:
            continue
        lines.append(f"  - intent: {intent}")
        lines.append("    examples: |")
        lines.extend(f"      - {text}" for text in examples[intent])
    if len(lines) == 2:
        lines[-1] = "nlu: []"
    return "\n".join(lines) + "\n"


@dataclass
class ExportResult:
    written: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LANGUAGES, 0))
    already_known: int = 0
    skipped: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    files: list[Path] = field(default_factory=list)

    @property
    def total_written(self) -> int:
        return sum(self.written.values())

    def summary(self) -> str:
        parts = [f"{n} {lang}" for lang, n in self.written.items()]
        text = f"Exported {self.total_written} example(s) ({', '.join(parts)})"
        if self.already_known:
            text += f"; {self.already_known} already in the training data"
        for reason, ids in self.skipped.items():
            text += f"; {len(ids)} skipped: {reason}"
        return text + "."


def _label(row: InboxMessage) -> str | None:
    return OUT_OF_SCOPE if row.status == "out_of_scope" else row.label


def _language(row: InboxMessage) -> str | None:
    """The language captured with the message, else a clear detection of its text."""
    if row.language in LANGUAGES:
        return row.language
    from rasa_side.nlu.detect import detect  # pure, no Rasa; lingua loads only when needed

    detected = detect(row.text)
    return detected if detected in LANGUAGES else None


async def export_reviewed(
    session: AsyncSession, root: Path = PROJECT_ROOT, reviewer_id: int | None = None
) -> ExportResult:
    """Write reviewed messages into data/nlu/<lang>/inbox.yml and mark them exported."""
    result = ExportResult()
    rows = (await session.scalars(
        select(InboxMessage).where(InboxMessage.status.in_(EXPORTABLE))
        .order_by(InboxMessage.reviewed_at, InboxMessage.id).with_for_update()
    )).all()
    if not rows:
        return result
    intents = set(known_intents(root))
    holdout = examples_under(root / "heldout" / "first")
    per_language: dict[str, dict[str, list[str]]] = {}
    for language in LANGUAGES:
        path = root / "data" / "nlu" / language / INBOX_FILE
        current: dict[str, list[str]] = defaultdict(list)
        if path.exists():
            for intent, text in read_examples(path):
                current[intent].append(text)
        per_language[language] = current
    training = examples_under(root / "data" / "nlu")
    now = utcnow()
    exported: list[InboxMessage] = []
    for row in rows:
        label, text, language = _label(row), training_text(row.text), _language(row)
        key = normalize(text)
        if language is None:
            result.skipped["language unknown (filter language=none)"].append(row.id)
        elif label not in intents:
            result.skipped["intent not in the domain"].append(row.id)
        elif not normalize(_PLACEHOLDER.sub(" ", text)):
            result.skipped["nothing left after redaction"].append(row.id)
        elif key in holdout:
            result.skipped["in the held-out split"].append(row.id)
        elif key in training:
            if training[key] == {label}:
                result.already_known += 1
                exported.append(row)
            else:
                known = ", ".join(sorted(training[key]))
                result.skipped[f"already a training example of another intent ({known})"].append(row.id)
        else:
            per_language[language][label].append(text)
            training[key] = {label}
            result.written[language] += 1
            exported.append(row)
    for language, examples in per_language.items():
        if not result.written[language]:
            continue
        path = root / "data" / "nlu" / language / INBOX_FILE
        rendered = render(examples)
        if {(i, t) for i, ts in examples.items() for t in ts} != set(_pairs(rendered)):
            raise RuntimeError(f"{path}: the rendered YAML does not read back as written")
        tmp = path.with_suffix(".yml.tmp")
        tmp.write_text(rendered, encoding="utf-8")
        tmp.replace(path)
        result.files.append(path)
    for row in exported:
        row.status = "exported"
        row.reviewed_at = row.reviewed_at or now
    if exported:
        await audit.record(session, reviewer_id, "inbox_export", target="data/nlu",
                           detail={"written": result.written, "already_known": result.already_known})
    return result


def _pairs(rendered: str) -> list[tuple[str, str]]:
    content = yaml.safe_load(rendered) or {}
    return [
        (item["intent"], line.strip()[2:].strip())
        for item in content.get("nlu") or []
        for line in str(item["examples"]).splitlines() if line.strip().startswith("- ")
    ]


async def _main() -> int:
    from bot.db.session import make_engine, make_sessionmaker

    settings = Settings.from_env()
    engine = make_engine(settings.database_url)
    try:
        async with make_sessionmaker(engine)() as session, session.begin():
            result = await export_reviewed(session)
    finally:
        await engine.dispose()
    print(result.summary())
    for path in result.files:
        print(f"  wrote {path.relative_to(PROJECT_ROOT)}")
    if result.total_written:
        print("Next: `make retrain` trains a candidate and swaps it in if the gate passes.")
    return 0


def main(argv: list[str] | None = None) -> int:
    argparse.ArgumentParser(description="Export reviewed inbox messages to data/nlu/<lang>/inbox.yml").parse_args(argv)
    return asyncio.run(_main())


if __name__ == "__main__":
    sys.exit(main())
