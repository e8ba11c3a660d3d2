"""Training data importer named in config.yml: Rasa's own file importer, with the domain read
from `domain.yml` (Rasa's default path, the entry point) merged with every file under
`domain/` (the booking area, topic labels, one file per topic answer).

So `rasa train`, `rasa test`, `rasa data validate` and `rasa interactive` work in the project
root with their defaults. Only training reads it: the trained model carries the merged
domain, so a turn costs the same as with one big domain file.
"""

from __future__ import annotations

from pathlib import Path
from typing import List, Text, Union

from rasa.shared.core.domain import Domain
from rasa.shared.importers.rasa import RasaFileImporter
from rasa.shared.utils.common import cached_method

PARTS_DIR = "domain"


def domain_paths(entry: Union[Text, Path]) -> List[Path]:
    """The entry file and, beside it, the `domain/` folder of parts (if present)."""
    entry = Path(entry)
    parts = entry.parent / PARTS_DIR
    return [entry, parts] if entry.is_file() and parts.is_dir() else [entry]


class DeskImporter(RasaFileImporter):
    @cached_method
    def get_domain(self) -> Domain:
        # Unlike Rasa's importer, an invalid domain is an error, not an empty domain.
        if not self._domain_path:
            return Domain.empty()
        return Domain.load(domain_paths(self._domain_path))
