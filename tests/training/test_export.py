"""Export round trip: reviewed inbox messages → data/nlu/<lang>/inbox.yml, valid, no duplicates."""

from __future__ import annotations

import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select

from bot.db.models import InboxMessage
from bot.settings import PROJECT_ROOT
from bot.tools.model import RASA, bot_env
from bot.training.export import examples_under, export_reviewed, normalize, read_examples
from bot.ingest.inbox import text_hash


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")


@pytest.fixture
def project(tmp_path) -> Path:
    write(tmp_path / "domain" / "core.yml", """
        version: "3.1"
        intents:
          - greet
          - blue_card
          - tax_id
          - out_of_scope
        """)
    write(tmp_path / "data" / "nlu" / "en" / "blue_card.yml", """
        version: "3.1"
        nlu:
          - intent: blue_card
            examples: |
              - What is the Blue Card?
              - blue card [Düsseldorf](town)
        """)
    write(tmp_path / "data" / "nlu" / "de" / "tax_id.yml", """
        version: "3.1"
        nlu:
          - intent: tax_id
            examples: |
              - Wo bekomme ich meine Steuer-ID?
        """)
    write(tmp_path / "heldout" / "first" / "en" / "blue_card.yml", """
        version: "3.1"
        nlu:
          - intent: blue_card
            examples: |
              - how long is a blue card valid
        """)
    return tmp_path


async def add(sessionmaker, text, status, label=None, language="en", intent=None):
    async with sessionmaker() as s, s.begin():
        row = InboxMessage(text=text, text_hash=text_hash(text), status=status, label=label,
                           language=language, intent=intent or label)
        s.add(row)
        await s.flush()
        return row.id


async def statuses(sessionmaker) -> dict[str, str]:
    async with sessionmaker() as s:
        return {r.text: r.status for r in await s.scalars(select(InboxMessage))}


async def export(sessionmaker, root):
    async with sessionmaker() as s, s.begin():
        return await export_reviewed(s, root)


async def test_export_round_trip(sessionmaker, project):
    await add(sessionmaker, "Do I get a blue card with <NUMBER> salary?", "confirmed", "blue_card")
    await add(sessionmaker, "Steuer ID verloren was tun", "relabelled", "tax_id", language="de")
    await add(sessionmaker, "Wie wird das Wetter morgen?", "out_of_scope", "out_of_scope", language="de")
    await add(sessionmaker, "what is the blue card", "confirmed", "blue_card")  # known, same intent
    await add(sessionmaker, "WHAT is the Blue Card?", "relabelled", "tax_id")  # known as another intent
    await add(sessionmaker, "How long is a Blue Card valid?", "confirmed", "blue_card")  # held out
    await add(sessionmaker, "blue card Düsseldorf", "confirmed", "blue_card")  # annotated in training
    await add(sessionmaker, "<EMAIL>", "confirmed", "blue_card")  # nothing left
    await add(sessionmaker, "quoi?", "confirmed", "blue_card", language=None)
    await add(sessionmaker, "Could you please tell me how the application for it works and what I need?",
              "confirmed", "blue_card", language=None)  # no language captured: detected from the text
    await add(sessionmaker, "see [docs](http://x)", "confirmed", "blue_card")  # markdown, not an entity
    await add(sessionmaker, "not reviewed yet", "new", intent="greet")
    await add(sessionmaker, "thrown away", "discarded", intent="greet")

    result = await export(sessionmaker, project)

    assert result.written == {"de": 2, "en": 3}
    assert result.already_known == 2
    assert {reason: len(ids) for reason, ids in result.skipped.items()} == {
        "already a training example of another intent (blue_card)": 1,
        "in the held-out split": 1,
        "nothing left after redaction": 1,
        "language unknown (filter language=none)": 1,
    }
    en, de = project / "data/nlu/en/inbox.yml", project / "data/nlu/de/inbox.yml"
    assert yaml.safe_load(en.read_text())["version"] == "3.1"
    assert read_examples(en) == [
        ("blue_card", "Do I get a blue card with <NUMBER> salary?"),
        ("blue_card", "Could you please tell me how the application for it works and what I need?"),
        ("blue_card", "see (docs)(http://x)"),
    ]
    assert sorted(read_examples(de)) == [
        ("out_of_scope", "Wie wird das Wetter morgen?"), ("tax_id", "Steuer ID verloren was tun"),
    ]
    state = await statuses(sessionmaker)
    assert state["Do I get a blue card with <NUMBER> salary?"] == "exported"
    assert state["what is the blue card"] == "exported"
    assert state["WHAT is the Blue Card?"] == "relabelled"  # stays for the reviewer to fix
    assert state["How long is a Blue Card valid?"] == "confirmed"
    assert state["not reviewed yet"] == "new" and state["thrown away"] == "discarded"

    # Second round: new examples are appended, nothing is written twice.
    await add(sessionmaker, "do i get a blue card with <number> salary", "confirmed", "blue_card")
    await add(sessionmaker, "Blue Card for IT people", "confirmed", "blue_card")
    second = await export(sessionmaker, project)
    assert second.written == {"de": 0, "en": 1} and second.already_known == 1
    assert [t for _, t in read_examples(en)] == [
        "Do I get a blue card with <NUMBER> salary?",
        "Could you please tell me how the application for it works and what I need?",
        "see (docs)(http://x)", "Blue Card for IT people",
    ]
    index = examples_under(project / "data" / "nlu")
    all_texts = [normalize(t) for p in (project / "data/nlu").rglob("*.yml") for _, t in read_examples(p)]
    assert len(all_texts) == len(set(all_texts)) == len(index)


async def test_nothing_to_export_writes_nothing(sessionmaker, project):
    await add(sessionmaker, "hello there", "new", intent="greet")
    result = await export(sessionmaker, project)
    assert result.total_written == 0 and not result.files
    assert not (project / "data/nlu/en/inbox.yml").exists()


async def test_exported_file_passes_rasa_data_validate(tmp_path, sqlite_url):
    """The real domain, data and config plus an exported inbox.yml: `rasa data validate` is clean."""
    from bot.db.migrate import upgrade
    from bot.db.session import make_engine, make_sessionmaker

    for name in ("domain", "data"):
        shutil.copytree(PROJECT_ROOT / name, tmp_path / name)
    for name in ("config.yml", "domain.yml"):
        shutil.copy(PROJECT_ROOT / name, tmp_path / name)
    for name in ("inbox.yml",):
        for lang in ("de", "en"):
            (tmp_path / "data/nlu" / lang / name).unlink(missing_ok=True)
    upgrade(sqlite_url)
    engine = make_engine(sqlite_url)
    sm = make_sessionmaker(engine)
    try:
        await add(sm, "Kann ich mit <PHONE> anrufen und was kostet die Beratung hier genau?",
                  "out_of_scope", "out_of_scope", language="de")
        await add(sm, "hey, <EMAIL> here: do you [really] help with stuff like this? #1", "confirmed",
                  "greet", language="en")
        result = await export(sm, tmp_path)
    finally:
        await engine.dispose()
    assert result.total_written == 2, result.summary()
    run = subprocess.run(
        [str(RASA), "data", "validate"], cwd=tmp_path, env=bot_env(PROJECT_ROOT), capture_output=True, text=True, timeout=600,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert "inbox.yml" not in run.stdout + run.stderr
