"""The TF-IDF intent classifier trains, persists and loads back (the way `rasa run` loads it)."""

from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import CountVectorsFeaturizer
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu_components.classifier import TfidfIntentClassifier
from nlu_components.tokenizer import MultiScriptTokenizer

EXAMPLES = {
    "greet": ["hello", "hi there", "good morning", "xin chào", "こんにちは"],
    "wage_unpaid": ["no salary this month", "boss did not pay me", "chưa trả lương", "給料がない", "no pay yet"],
}


def featurized(messages, tokenizer, featurizer):
    tokenizer.process(messages)
    featurizer.process(messages)
    return messages


def test_trains_persists_and_loads(tmp_path):
    storage = LocalModelStorage(tmp_path)
    context = ExecutionContext(GraphSchema({}), node_name="classifier")
    tokenizer = MultiScriptTokenizer(MultiScriptTokenizer.get_default_config())
    featurizer = CountVectorsFeaturizer.create(
        {**CountVectorsFeaturizer.get_default_config(), "analyzer": "char_wb", "min_ngram": 1, "max_ngram": 4},
        storage, Resource("featurizer"), ExecutionContext(GraphSchema({}), node_name="featurizer"),
    )
    examples = [Message(data={"text": t, "intent": i}) for i, ts in EXAMPLES.items() for t in ts]
    data = TrainingData(examples)
    tokenizer.process_training_data(data)
    featurizer.train(data)
    featurizer.process_training_data(data)

    resource = Resource("classifier")
    config = {**TfidfIntentClassifier.get_default_config()}
    TfidfIntentClassifier.create(config, storage, resource, context).train(data)
    loaded = TfidfIntentClassifier.load(config, storage, resource, context)

    message, nothing = featurized([Message(data={"text": "boss no pay salary"}),
                                   Message(data={"text": "\u200b§÷ ..."})], tokenizer, featurizer)
    loaded.process([message, nothing])
    assert message.get("intent")["name"] == "wage_unpaid"
    assert [e["name"] for e in message.get("intent_ranking")] == ["wage_unpaid", "greet"]
    # Nothing to classify: no intent (the FallbackClassifier makes it nlu_fallback), and no crash.
    assert nothing.get("intent") == {"name": None, "confidence": 0.0} and nothing.get("intent_ranking") == []
