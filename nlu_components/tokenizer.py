"""A Rasa tokenizer for every script workers write in.

Rasa's WhitespaceTokenizer deletes CJK and kana (its emoji filter covers them) and leaves Thai,
Khmer and Burmese phrases as single tokens. This one segments words with ICU (see
`segmenter.py`), keeps emoji as tokens, and is referenced from config.yml by module path.
A worker's text in Zawgyi-encoded Burmese is first converted to Unicode (`zawgyi.py`), and the
message carries the converted text from then on.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.tokenizers.tokenizer import Token, Tokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from nlu_components.segmenter import segment
from nlu_components.zawgyi import to_unicode


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False
)
class MultiScriptTokenizer(Tokenizer):
    """Tokenizes Latin, Devanagari, CJK, kana, Thai, Khmer and Burmese text alike."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            "intent_tokenization_flag": False,
            "intent_split_symbol": "_",
            "token_pattern": None,
            "prefix_separator_symbol": None,
        }

    @staticmethod
    def required_packages() -> List[Text]:
        # Rasa both imports these names and looks them up as distributions; PyICU's module
        # ("icu") and distribution ("PyICU") differ, so it is tracked by scripts/model_hash.
        return ["regex"]

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "MultiScriptTokenizer":
        return cls(config)

    def tokenize(self, message: Message, attribute: Text) -> List[Token]:
        text: Optional[Text] = message.get(attribute)
        if not text:
            return []
        if attribute == TEXT:
            text = to_unicode(text)
            message.set(TEXT, text)
        return self._convert_words_to_tokens(segment(text), text)
