"""The NLU data has no (near-)duplicates and the held-out split is not trained on."""

import pytest

from bot.training import near_duplicates as nd

# Pairs at or above this char-3-gram Jaccard are the same sentence with a typo,
# punctuation or word-order change; 0.8-0.85 are reported by the tool, not failed.
FAIL_AT = 0.85


@pytest.fixture(scope="module")
def data():
    return nd.load(nd.TRAIN_DIR), nd.load(nd.HOLDOUT_DIR)


def _show(pairs):
    return "\n".join(f"{s:.2f} {a.intent}: {a.text!r} ~ {b.intent}: {b.text!r}" for s, a, b in pairs)


def test_normalise_and_similarity():
    assert nd.normalise("Wie bekomme ich die [Steuer-ID](x)?") == nd.normalise("wie bekomme ich die steuer id")
    assert nd.normalise("Führerschein") == nd.normalise("fuehrerschein")
    same = nd.jaccard(nd.grams(nd.normalise("how do I get a tax ID")), nd.grams(nd.normalise("how do i get a tax id?")))
    typo = nd.jaccard(nd.grams(nd.normalise("how do I get a tax ID")), nd.grams(nd.normalise("how do I get a tax ID?!")))
    typo2 = nd.jaccard(nd.grams(nd.normalise("where do I register my new flat")),
                       nd.grams(nd.normalise("where do I registr my new flat")))
    other = nd.jaccard(nd.grams(nd.normalise("how do I get a tax ID")), nd.grams(nd.normalise("when does my Steuer-ID arrive")))
    assert same == 1.0 and typo == 1.0 and typo2 >= 0.8 and other < 0.5


def test_similar_finds_what_brute_force_finds():
    texts = ["how do I get a tax ID", "how do I get a tax IDs", "tax id?", "Steuer-ID", "steuer id bitte",
             "where is the foreigners office", "where's the foreigners office"]
    examples = [nd.Example(t, "x", "mem", nd.normalise(t)) for t in texts]
    for threshold in (0.5, 0.8):
        fast = {(a.text, b.text) for _, a, b in nd.cross_pairs(examples, examples, threshold)}
        brute = {(a.text, b.text) for a in examples for b in examples
                 if nd.jaccard(nd.grams(a.norm), nd.grams(b.norm)) >= threshold}
        assert fast == brute


def test_no_exact_duplicates_in_training(data):
    train, _ = data
    groups = nd.exact_duplicates(train)
    assert not groups, "\n".join(" | ".join(f"{e.intent}: {e.text!r} ({e.source})" for e in g) for g in groups)


def test_no_near_duplicates_in_training(data):
    train, _ = data
    pairs = nd.near_pairs(train, FAIL_AT)
    assert not pairs, _show(pairs)


@pytest.mark.parametrize("split", [nd.HOLDOUT_DIR, nd.BLIND_DIR], ids=["holdout", "blind"])
def test_held_out_splits_not_in_training(data, split):
    train, _ = data
    pairs = nd.cross_pairs(nd.load(split), train, FAIL_AT)
    assert not pairs, _show(pairs)
