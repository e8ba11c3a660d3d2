"""Near-duplicate measurement of the NLU data (app or bot env, pure Python).

    python -m bot.training.near_duplicates [--threshold 0.8] [--show 20]

Similarity is the Jaccard index of character 3-gram sets of the normalised text
(case-folded, umlauts as ae/oe/ue/ss, punctuation removed, entity markup
stripped). It catches "How do I get a tax ID?" vs "how do i get a tax id" and
one-letter edits, while reworded questions stay well below 0.8.

Reported: exact duplicates inside the training data (same normalised text,
with the intents involved), training pairs at or above the threshold, and for
the held-out split its overlap with training (exact, and the highest similarity
of each held-out example to any training example).
"""

from __future__ import annotations

import argparse
import math
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

import yaml

PROJECT_ROOT = Path(__file__).resolve().parents[2]
TRAIN_DIR = PROJECT_ROOT / "data" / "nlu"
HOLDOUT_DIR = PROJECT_ROOT / "heldout" / "first"
# A second held-out split, written blind (without seeing the training data or HOLDOUT_DIR).
BLIND_DIR = PROJECT_ROOT / "heldout" / "blind"
DEFAULT_THRESHOLD = 0.8

_MARKUP = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\})")
_FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_NON_WORD = re.compile(r"[^\w]+")


@dataclass(frozen=True)
class Example:
    text: str
    intent: str
    source: str
    norm: str


def normalise(text: str) -> str:
    text = _MARKUP.sub(r"\1", text).casefold().translate(_FOLD)
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return " ".join(_NON_WORD.sub(" ", text).split())


def grams(norm: str, n: int = 3) -> frozenset[str]:
    padded = f" {norm} "
    if len(padded) <= n:
        return frozenset({padded})
    return frozenset(padded[i:i + n] for i in range(len(padded) - n + 1))


def load(root: Path) -> list[Example]:
    """Every intent example under root (Rasa NLU YAML files)."""
    examples = []
    for path in sorted(root.rglob("*.yml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for block in doc.get("nlu") or []:
            if "intent" not in block or not isinstance(block.get("examples"), str):
                continue
            for line in block["examples"].splitlines():
                line = line.strip()
                if line.startswith("- "):
                    text = line[2:].strip()
                    examples.append(
                        Example(text, block["intent"], str(path.relative_to(PROJECT_ROOT)),
                                normalise(text))
                    )
    return examples


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


def exact_duplicates(examples: list[Example]) -> list[list[Example]]:
    groups: dict[str, list[Example]] = defaultdict(list)
    for example in examples:
        groups[example.norm].append(example)
    return [g for g in groups.values() if len(g) > 1]


def _similar(
    left: list[Example], right: list[Example], threshold: float
) -> list[tuple[float, Example, Example]]:
    """(left, right) pairs with Jaccard >= threshold, by prefix filtering.

    Two gram sets can only reach Jaccard t if they share one of the first
    |A| - ceil(t*|A|) + 1 grams of A in a fixed global order (rarest first), so
    only pairs sharing such a prefix gram are compared.
    """
    left_grams = [grams(e.norm) for e in left]
    right_grams = [grams(e.norm) for e in right]
    frequency: Counter = Counter(g for gs in left_grams + right_grams for g in gs)

    def prefix(gs: frozenset[str]) -> list[str]:
        ordered = sorted(gs, key=lambda g: (frequency[g], g))
        return ordered[: len(ordered) - math.ceil(threshold * len(ordered)) + 1]

    index: dict[str, list[int]] = defaultdict(list)
    for j, gs in enumerate(right_grams):
        for g in prefix(gs):
            index[g].append(j)
    pairs = []
    for i, gs in enumerate(left_grams):
        candidates = {j for g in prefix(gs) for j in index.get(g, ())}
        for j in candidates:
            score = jaccard(gs, right_grams[j])
            if score >= threshold:
                pairs.append((score, left[i], right[j]))
    pairs.sort(key=lambda p: -p[0])
    return pairs


def near_pairs(
    examples: list[Example], threshold: float
) -> list[tuple[float, Example, Example]]:
    """Training pairs with different normalised text and Jaccard >= threshold."""
    pairs = _similar(examples, examples, threshold)
    return [(s, a, b) for s, a, b in pairs if a.norm != b.norm and id(a) < id(b)]


def cross_pairs(
    holdout: list[Example], train: list[Example], threshold: float
) -> list[tuple[float, Example, Example]]:
    """(held-out, training) pairs with Jaccard >= threshold, exact matches included."""
    return _similar(holdout, train, threshold)


def measure(threshold: float = DEFAULT_THRESHOLD) -> dict:
    train = load(TRAIN_DIR)
    holdout = load(HOLDOUT_DIR)
    exact = exact_duplicates(train)
    near = near_pairs(train, threshold)
    train_norms = {e.norm for e in train}
    return {
        "train_examples": len(train),
        "holdout_examples": len(holdout),
        "threshold": threshold,
        "exact_duplicate_groups": exact,
        "near_pairs": near,
        "holdout_in_train": [h for h in holdout if h.norm in train_norms],
        "holdout_near": cross_pairs(holdout, train, threshold),
    }


def _fmt(e: Example) -> str:
    return f"{e.intent}: {e.text!r} ({e.source})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    parser.add_argument("--show", type=int, default=15)
    args = parser.parse_args(argv)
    r = measure(args.threshold)
    print(f"training examples: {r['train_examples']}, held-out examples: {r['holdout_examples']}")
    print(f"exact duplicates in training (normalised): {len(r['exact_duplicate_groups'])} groups")
    for group in r["exact_duplicate_groups"][: args.show]:
        print("  = " + " | ".join(_fmt(e) for e in group))
    print(f"training pairs with char-3-gram Jaccard >= {args.threshold}: {len(r['near_pairs'])}"
          f" (cross-intent: {sum(1 for _, a, b in r['near_pairs'] if a.intent != b.intent)})")
    for score, a, b in r["near_pairs"][: args.show]:
        print(f"  {score:.2f} {_fmt(a)}  ~  {_fmt(b)}")
    print(f"held-out examples also in training (exact): {len(r['holdout_in_train'])}")
    for h in r["holdout_in_train"][: args.show]:
        print("  = " + _fmt(h))
    near_holdout = r["holdout_near"]
    print(f"held-out examples with a training example at Jaccard >= {args.threshold}: "
          f"{len({id(h) for _, h, _ in near_holdout})}")
    for score, h, t in near_holdout[: args.show]:
        print(f"  {score:.2f} {_fmt(h)}  ~  {_fmt(t)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
