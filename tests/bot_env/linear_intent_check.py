"""Run in the bot env by tests/test_linear_intent.py (prints JSON).

Trains rasa_side.nlu.linear_intent.LinearIntentClassifier on a tiny data set with Rasa's own
tokenizer and featurizers, persists it, loads it back and classifies a few messages.
"""

import json
import sys
from pathlib import Path

from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import CountVectorsFeaturizer
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from rasa_side.nlu.linear_intent import LinearIntentClassifier

EXAMPLES = {
    "tax_id": ["Wie bekomme ich eine Steuer-ID?", "tax id please", "Steuernummer fehlt",
               "where is my tax identification number", "Steuerklasse wechseln"],
    "housing": ["Wohnung finden in Hilden", "how do I find a flat", "Kaution zu hoch?",
                "rental contract questions", "WG Zimmer gesucht"],
    "greet": ["hallo", "hello", "guten Tag", "hi there", "moin"],
}
PROBES = ["wo bleibt meine Steuer-ID", "looking for a flat in Ratingen", "hallo zusammen", "ЖЖЖ ЩЩЩ"]


def main(directory: str) -> None:
    storage = LocalModelStorage(Path(directory))
    context = ExecutionContext(GraphSchema({}), "check")

    def create(component, name, **config):
        return component.create({**component.get_default_config(), **config}, storage,
                                Resource(name), context)

    tokenizer = create(WhitespaceTokenizer, "tokens")
    featurizers = [create(CountVectorsFeaturizer, "words"),
                   create(CountVectorsFeaturizer, "chars", analyzer="char_wb", min_ngram=2, max_ngram=4)]
    data = TrainingData([Message(data={"text": t, "intent": i}) for i, ts in EXAMPLES.items() for t in ts])
    tokenizer.process_training_data(data)
    for featurizer in featurizers:
        featurizer.train(data)
        featurizer.process_training_data(data)

    create(LinearIntentClassifier, "linear").train(data)
    loaded = LinearIntentClassifier.load(LinearIntentClassifier.get_default_config(), storage,
                                         Resource("linear"), context)
    result = {}
    for text in PROBES:
        message = Message(data={"text": text})
        for component in [tokenizer, *featurizers, loaded]:
            component.process([message])
        result[text] = {"intent": message.get("intent"), "ranking": message.get("intent_ranking")}
    untrained = LinearIntentClassifier.load({}, storage, Resource("never_trained"), context)
    message = Message(data={"text": "hallo"})
    untrained.process([message])
    result["_untrained"] = message.get("intent")
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1])
