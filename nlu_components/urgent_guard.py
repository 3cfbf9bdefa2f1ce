"""Puts an urgent intent first when the classifier finds enough probability of one.

Missing a worker in danger costs far more than a counselor's unneeded minute, so the decision
is asymmetric: when the urgent intents (crisis_suicide, crisis_violence, need_help) together hold
at least `threshold` of the probability, the likeliest of them becomes the intent, with that
combined probability as its confidence. Place it after the intent classifier and before the
FallbackClassifier in config.yml.
"""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from actions.handoff import URGENT_INTENTS


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class UrgentIntentGuard(GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"threshold": 0.25}

    def __init__(self, config: Dict[Text, Any]) -> None:
        self.threshold = float(config["threshold"])

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "UrgentIntentGuard":
        return cls(config)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            self._promote(message)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def _promote(self, message: Message) -> None:
        ranking = message.get("intent_ranking") or []
        urgent = [entry for entry in ranking if entry["name"] in URGENT_INTENTS]
        mass = sum(entry["confidence"] for entry in urgent)
        if not urgent or mass < self.threshold or ranking[0]["name"] in URGENT_INTENTS:
            return
        top = {"name": urgent[0]["name"], "confidence": mass}
        rest = [entry for entry in ranking if entry["name"] != top["name"]]
        message.set("intent", top, add_to_output=True)
        message.set("intent_ranking", [top] + rest, add_to_output=True)
