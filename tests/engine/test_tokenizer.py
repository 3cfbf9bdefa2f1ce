"""The Rasa tokenizer component, against the built-in one it replaces."""

import pytest
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.training_data.message import Message

from nlu_components.tokenizer import MultiScriptTokenizer


@pytest.fixture(scope="module")
def tokenizer() -> MultiScriptTokenizer:
    return MultiScriptTokenizer(MultiScriptTokenizer.get_default_config())


def tokens(component, text):
    return component.tokenize(Message(data={"text": text}), "text")


def test_keeps_japanese_words_that_whitespace_tokenizer_deletes(tokenizer):
    text = "部屋を予約 room 3"
    whitespace = WhitespaceTokenizer(WhitespaceTokenizer.get_default_config())
    assert [t.text for t in tokens(whitespace, text)] == ["room", "3"]
    assert [t.text for t in tokens(tokenizer, text)] == ["部屋", "を", "予約", "room", "3"]


@pytest.mark.parametrize(
    "text",
    ["給料が払われない", "老闆不給我薪水", "ค่าจ้างยังไม่ได้รับครับ", "ខ្ញុំមិនទាន់បានប្រាក់ខែ",
     "လစာမရသေးဘူး", "मलाई तलब दिएन", "toi bi mat ho chieu 🙏"],
)
def test_offsets_point_into_the_text(tokenizer, text):
    result = tokens(tokenizer, text)
    assert len(result) >= 2
    for token in result:
        assert text[token.start:token.end] == token.text


def test_empty_message_has_no_tokens(tokenizer):
    assert tokens(tokenizer, "") == []


def test_process_sets_tokens_for_training_and_inference(tokenizer):
    message = Message(data={"text": "給料が払われない"})
    tokenizer.process([message])
    assert [t.text for t in message.get("text_tokens")] == ["給料", "が", "払", "われ", "ない"]


def test_zawgyi_burmese_is_converted_before_segmenting(tokenizer):
    unicode_text = "လစာမရသေးဘူး ကျွန်တော့်ကို ကူညီပါ"
    message = Message(data={"text": "လစာမရေသးဘူး ကြၽန္ေတာ့်ကို ကူညီပါ"})  # the same, in Zawgyi
    tokenizer.process([message])
    assert message.get("text") == unicode_text
    assert [t.text for t in message.get("text_tokens")] == [t.text for t in tokens(tokenizer, unicode_text)]


def test_unicode_burmese_is_left_as_it_is(tokenizer):
    message = Message(data={"text": "မလိုပါဘူး"})
    tokenizer.process([message])
    assert message.get("text") == "မလိုပါဘူး"
