"""bot.language: scripts, Zawgyi, romanized and informal writing, hints, stickiness, the CLI."""

from __future__ import annotations

import csv
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

import pytest

from bot import language
from bot.language import EASY_JAPANESE, Detection, choose, detect, normalize_hint

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module", autouse=True)
def warm() -> None:
    language.warm_up()


@pytest.mark.parametrize(("text", "lang"), [
    ("สวัสดีครับ เงินเดือนยังไม่ได้", "th"),
    ("ប្រាក់ខែមិនទាន់បានទេ", "km"),
    ("လစာ မရသေးဘူး", "my"),
    ("मलाई तलब दिएन", "ne"),
    ("給料がまだ払われていません", "ja"),
    ("きゅうりょうが もらえません", "ja"),
    ("OT ไม่ได้จ่ายเลย", "th"),  # a Latin word inside another script
    ("visa 更新はどうすればいいですか", "ja"),
])
def test_script_decides(text: str, lang: str) -> None:
    d = detect(text)
    assert (d.lang, d.confident, d.method) == (lang, True, "script")


@pytest.mark.parametrize("text", ["안녕하세요 월급을 못 받았어요", "Зарплату не платят", "مرحبا كيف حالك"])
def test_scripts_of_no_language_of_ours(text: str) -> None:
    d = detect(text)
    assert d.lang is None
    assert d.confident


@pytest.mark.parametrize("text", ["👋", "🙏🙏", "123", "", "   ", "?!"])
def test_no_letters_no_language(text: str) -> None:
    d = detect(text)
    assert d.lang is None
    assert not d.confident


def test_zawgyi_detected_and_converted() -> None:
    zawgyi, unicode = "ျမန္မာလို ေျပာပါ", "မြန်မာလို ပြောပါ"  # nlu/my: "speak Burmese"
    d = detect(zawgyi)
    assert (d.lang, d.zawgyi, d.text) == ("my", True, unicode)
    assert d.requested == "my"
    u = detect(unicode)
    assert (u.lang, u.zawgyi, u.text) == ("my", False, unicode)


def test_zawgyi_threshold_is_the_engines() -> None:
    engine = (REPO / "nlu_components" / "zawgyi.py").read_text(encoding="utf-8")
    assert f"THRESHOLD = {language.ZAWGYI_THRESHOLD}" in engine


@pytest.mark.parametrize(("text", "lang"), [
    ("malai talab diyena", "ne"),
    ("sahu le paisa diyena, ke garne", "ne"),
    ("toi bi mat ho chieu", "vi"),
    ("luong thang nay ko dc tra, phai lam j", "vi"),
    ("tôi bị mất hộ chiếu", "vi"),
    ("kyuuryou ga harawarenai", "ja"),
    ("kaisha ga pasupooto wo kaeshite kurenai", "ja"),
    ("gaji blm dibayar gak tau kenapa", "id"),
    ("nao recebi meu salario ainda", "pt"),
    ("el jefe no me paga las horas extras", "es"),
    ("hindi pa binabayaran yung sahod ko this month", "tl"),
    ("my boss took my passport and will not give it back", "en"),
    ("我的护照被公司拿走了", "zh"),
    ("我的護照被公司拿走了", "zh"),
])
def test_latin_and_chinese_writing(text: str, lang: str) -> None:
    d = detect(text)
    assert d.lang == lang
    assert d.confident


@pytest.mark.parametrize("text", ["ok", "hi", "yes", "help", "👋"])
def test_short_messages_are_no_confident_evidence(text: str) -> None:
    assert not detect(text).confident


@pytest.mark.parametrize(("hint", "lang"), [
    ("pt-br", "pt"), ("zh-hans", "zh"), ("zh-Hant", "zh"), ("fil", "tl"), ("ja", "ja"),
    ("en-US", "en"), ("es-419", "es"), ("my", "my"), ("in", "id"), ("ko", None), ("", None),
    (None, None),
])
def test_normalize_hint(hint: str | None, lang: str | None) -> None:
    assert normalize_hint(hint) == lang


@pytest.mark.parametrize(("text", "hint", "lang"), [
    ("ok", "pt-br", "pt"), ("hi", "zh-Hant", "zh"), ("👋", "fil", "tl"), ("yes", "ne", "ne"),
])
def test_hint_decides_a_first_message_without_evidence(text: str, hint: str, lang: str) -> None:
    assert choose(None, detect(text), hint) == lang


def test_confident_text_beats_the_hint() -> None:
    assert choose(None, detect("toi bi mat ho chieu"), "en-US") == "vi"


def test_sticky_language() -> None:
    current = choose(None, detect("toi bi mat ho chieu"), "ja")
    assert current == "vi"
    for ambiguous in ("ok", "hi", "👋", "help", "yes"):
        current = choose(current, detect(ambiguous), "en")
        assert current == "vi", ambiguous
    current = choose(current, detect("my boss took my passport and will not give it back"))
    assert current == "en"
    current = choose(current, detect("nepali ma bolnus"))
    assert current == "ne"
    current = choose(current, detect("ok"), "pt-br")
    assert current == "ne"


def test_easy_japanese_only_by_choice() -> None:
    assert detect("やさしい日本語").lang == "ja"  # never detected from the text itself
    current = choose("vi", detect("やさしい日本語"))
    assert current == EASY_JAPANESE
    current = choose(current, detect("きゅうりょうが もらえません"))
    assert current == EASY_JAPANESE
    assert choose(current, detect("tiếng Việt")) == "vi"


@pytest.mark.parametrize(("text", "requested"), [
    ("can you speak Nepali?", "ne"),
    ("tiếng Việt", "vi"),
    ("noi tieng viet dc ko", "vi"),
    ("日本語で", "ja"),
    ("英語でお願いします", "en"),
    ("nepali ma bolnus", "ne"),
    ("नेपालीमा बोल्नुस्", "ne"),
    ("やさしい日本語", EASY_JAPANESE),
    ("easy japanese please", EASY_JAPANESE),
    ("かんたんな にほんご", EASY_JAPANESE),
    ("not english, vietnamese pls", "vi"),
    ("escreve em portugues pq n entendo ingles", "pt"),
    ("能用中文吗", "zh"),
    ("bisa pakai bahasa Indonesia?", "id"),
    ("pwede tagalog po", "tl"),
    ("ภาษาไทยได้ไหม", "th"),
    ("ភាសាខ្មែរ", "km"),
    ("¿puedes responder en español?", "es"),
    # mentions that are no request
    ("I want to study Japanese", None),
    ("toi muon hoc tieng Nhat", None),
    ("em co thai roi", None),  # "pregnant", not Thai
    ("日本語は難しいです", None),
    ("nihongo", None),
    ("change language", None),
    ("my english teacher is nice", None),
])
def test_explicit_choice(text: str, requested: str | None) -> None:
    assert detect(text).requested == requested


def test_explicit_choice_wins() -> None:
    d = detect("can you speak Nepali?")
    assert d.lang == "en" or not d.confident  # written in English, asks for Nepali
    assert choose("vi", d) == "ne"


def test_deterministic() -> None:
    long_text = "Os trabalhadores estrangeiros precisam de informacoes claras sobre os direitos"
    assert detect(long_text) == detect(long_text)
    assert language._langdetect(long_text) == language._langdetect(long_text)


def test_cli_reads_lines_prints_codes() -> None:
    lines = ["malai talab diyena", "toi bi mat ho chieu", "👋", "안녕하세요", "ျမန္မာလို ေျပာပါ",
             "kyuuryou ga harawarenai"]
    result = subprocess.run([sys.executable, "-m", "bot.language"], cwd=REPO, check=True,
                            input="\n".join(lines) + "\n", capture_output=True, text=True,
                            timeout=60)
    assert result.stdout.splitlines() == ["ne", "vi", "und", "und", "my", "ja"]


def test_cli_sticky() -> None:
    result = subprocess.run([sys.executable, "-m", "bot.language", "--sticky", "--hint", "pt-br"],
                            cwd=REPO, check=True, input="oi\nok\ntoi bi mat ho chieu\nok\n",
                            capture_output=True, text=True, timeout=60)
    assert result.stdout.splitlines() == ["pt", "pt", "vi", "vi"]


def _holdout() -> dict[str, list[str]]:
    texts: dict[str, list[str]] = defaultdict(list)
    for path in sorted((REPO / "tests" / "nlu_holdout").glob("*.tsv")):
        with open(path, encoding="utf-8") as f:
            for row in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
                if any(ch.isalpha() for ch in row["text"]):  # an emoji has no language
                    texts[path.stem].append(row["text"])
    return texts


# Accuracy measured with `benchmarks/language.py` (nothing was trained or tuned on the
# held-out set), minus 2 points so that a harmless change does not fail the build.
HOLDOUT_FLOOR = {"en": 93.5, "es": 95, "id": 97, "ja": 97, "km": 97.5, "my": 97.5,
                 "my-zawgyi": 97.5, "ne": 98, "pt": 97, "th": 98, "tl": 93.5, "vi": 96.5, "zh": 98}
HOLDOUT_FLOOR_ALL = 97.6  # measured 98.6 (97.8 before the word prior)


def test_holdout_accuracy_floor() -> None:
    right = total = 0
    below = {}
    for name, texts in _holdout().items():
        lang = name.split("-")[0]
        hits = sum(detect(text).lang == lang for text in texts)
        right, total = right + hits, total + len(texts)
        if 100 * hits / len(texts) < HOLDOUT_FLOOR[name]:
            below[name] = round(100 * hits / len(texts), 1)
    assert not below
    assert 100 * right / total >= HOLDOUT_FLOOR_ALL


def test_fast_enough() -> None:
    """A generous bound (the benchmark measures about 40 µs): catches a slow path, not noise."""
    texts = [text for group in _holdout().values() for text in group]
    times = []
    for text in texts:
        start = time.perf_counter_ns()
        detect(text)
        times.append(time.perf_counter_ns() - start)
    assert statistics.fmean(times) < 500_000


@pytest.mark.parametrize(("text", "lang"), [
    ("糖尿病", "zh"),  # kanji only: Chinese unless the word is Japanese
    ("季節性流感", "zh"),
    ("yes po", "tl"),
    ("salário", "pt"),
])
def test_word_prior_decides_short_texts(text: str, lang: str) -> None:
    assert detect(text).lang == lang


def test_word_prior_alone_decides_nothing_unknown() -> None:
    """A word in no list scores 0 for every language: the n-grams decide."""
    model = language._models()
    assert not model.latin_words.scores(["qxzvbkw"]).any()


def test_zawgyi_conversion_is_the_converters() -> None:
    from myanmar.converter import convert

    texts = ["ျမန္မာလို ေျပာပါ", "လစာ မရေသးဘူး", "OT ေငြ မရဘူး 123", "ဆရာ၀န္ႏွင့္ ေတြ႔ခ်င္တယ္"]
    for text in texts:
        assert language._zawgyi_to_unicode(text) == convert(text, "zawgyi", "unicode")


def test_detection_is_a_value() -> None:
    d = detect("ok")
    assert isinstance(d, Detection)
    with pytest.raises(AttributeError):
        d.lang = "vi"  # type: ignore[misc]
