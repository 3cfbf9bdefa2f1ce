"""The segmenter on every script workers write in."""

import pytest

from nlu_components.segmenter import segment


@pytest.mark.parametrize(
    "text, expected",
    [
        # Latin, with and without diacritics; apostrophes stay inside words.
        ("tôi bị mất hộ chiếu", ["tôi", "bị", "mất", "hộ", "chiếu"]),
        ("toi bi mat ho chieu", ["toi", "bi", "mat", "ho", "chieu"]),
        ("boss don't pay, 25th!!", ["boss", "don't", "pay", "25th"]),
        # Devanagari keeps its vowel signs (combining marks) inside words.
        ("मलाई तलब दिएन", ["मलाई", "तलब", "दिएन"]),
        # Japanese: kanji and kana are split into words, mixed with Latin.
        ("部屋を予約 room 3", ["部屋", "を", "予約", "room", "3"]),
        ("給料が払われない", ["給料", "が", "払", "われ", "ない"]),
        # Chinese, simplified and traditional.
        ("老板不给我工资", ["老板", "不", "给", "我", "工资"]),
        ("老闆不給我薪水", ["老闆", "不", "給", "我", "薪水"]),
        # Thai, Khmer, Burmese: no spaces between words.
        ("ค่าจ้างยังไม่ได้รับครับ", ["ค่า", "จ้าง", "ยัง", "ไม่", "ได้", "รับ", "ครับ"]),
        ("ខ្ញុំមិនទាន់បានប្រាក់ខែ", ["ខ្ញុំ", "មិនទាន់", "បាន", "ប្រាក់ខែ"]),
        ("လစာမရသေးဘူး", ["လစာ", "မ", "ရ", "သေး", "ဘူး"]),
        # Hangul, as a phone keyboard may send it.
        ("안녕하세요 도와주세요", ["안녕하세요", "도와주세요"]),
    ],
)
def test_words_of_each_script(text, expected):
    assert segment(text) == expected


def test_emoji_are_words_and_punctuation_is_not():
    assert segment("ok 🙏 !!! ... 👍🏽") == ["ok", "🙏", "👍🏽"]


def test_every_word_is_a_substring_in_order():
    text = "Hôm nay 給料 ค่าจ้าง ok 🙏 မင်္ဂလာပါ"
    position = 0
    for word in segment(text):
        found = text.index(word, position)
        position = found + len(word)


@pytest.mark.parametrize("text", ["", "   ", "!!!", "\u200b\u200b"])
def test_nothing_to_segment(text):
    assert segment(text) == []


def test_zawgyi_burmese_is_segmented_without_error():
    zawgyi = "ကၽြန္ေတာ့္ကို ကူညီပါ"
    words = segment(zawgyi)
    assert words and "".join(words) == zawgyi.replace(" ", "")
