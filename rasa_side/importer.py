"""Training data importer named in config.yml: Rasa's own file importer, with the domain read
from `domain.yml` (Rasa's default path, the entry point) merged with every file under
`domain/` (the booking area, topic labels, topic answers not yet in knowledge/) and the
answers generated from `knowledge/` (rasa_side.knowledge); the NLU data gains the knowledge
files' sub-question examples and follow-ups.

So `rasa train`, `rasa test`, `rasa data validate` and `rasa interactive` work in the project
root with their defaults. Only training reads it: the trained model carries the merged
domain, so a turn costs the same as with one big domain file.
"""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional, Text, Union

from rasa.shared.core.domain import Domain
from rasa.shared.importers.rasa import RasaFileImporter
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from rasa.shared.utils.common import cached_method

from rasa_side import knowledge

SUB_LABEL = "sub_answer"  # the sub-answer classifier's label on a training message

PARTS_DIR = "domain"


def domain_paths(entry: Union[Text, Path]) -> List[Path]:
    """The entry file and, beside it, the `domain/` folder of parts (if present)."""
    entry = Path(entry)
    parts = entry.parent / PARTS_DIR
    return [entry, parts] if entry.is_file() and parts.is_dir() else [entry]


def knowledge_dir(entry: Union[Text, Path]) -> Path:
    return Path(entry).parent / "knowledge"


class DeskImporter(RasaFileImporter):
    @cached_method
    def get_domain(self) -> Domain:
        # Unlike Rasa's importer, an invalid domain is an error, not an empty domain.
        if not self._domain_path:
            return Domain.empty()
        domain = Domain.load(domain_paths(self._domain_path))
        root = knowledge_dir(self._domain_path)
        topics = knowledge.load_topics(root / "topics")
        if not topics:
            return domain
        figures = knowledge.load_figures(root / "figures.yml")
        labels = knowledge.topic_labels(Path(self._domain_path).parent / PARTS_DIR / "intent_labels.yml")
        return domain.merge(Domain.from_dict(knowledge.domain_part(topics, figures, labels)))

    @cached_method
    def get_nlu_data(self, language: Optional[Text] = "en") -> TrainingData:
        data = super().get_nlu_data(language)
        if not self._domain_path:
            return data
        examples = []
        for text, intent, label, _ in knowledge.training_examples(
                knowledge.load_topics(knowledge_dir(self._domain_path) / "topics")):
            message = Message.build(text=text, intent=intent)
            message.set(SUB_LABEL, label)
            examples.append(message)
        return data.merge(TrainingData(training_examples=examples))
