"""The training and held-out data: every intent in every language, written as workers write."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from pathlib import Path
from typing import Dict, List

import pytest
import yaml

from nlu_components.segmenter import segment
from scripts import zawgyi_variants
from scripts.evaluate import load_holdout

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = ["en", "ja", "vi", "zh", "tl", "ne", "id", "pt", "my", "th", "km", "es"]
DOMAIN_INTENTS = yaml.safe_load((ROOT / "domain.yml").read_text())["intents"]
MIN_TRAINING = 12
MIN_HOLDOUT = 5

ASCII_WORDS = re.compile(r"^[\x00-\x7f]*[A-Za-z][\x00-\x7f]*$")
TRADITIONAL_ONLY = set("們個這說請資闆給錢醫護險難幫開門從麼還會時報聯嗎傷證間題話體點應該處務動員對關經過電當機實幾發現問薪資")


def training(language: str) -> Dict[str, List[str]]:
    examples: Dict[str, List[str]] = defaultdict(list)
    for path in sorted((ROOT / "nlu" / language).glob("*.yml")):
        for item in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
            examples[item["intent"]] += [
                line[2:].strip() for line in item["examples"].splitlines() if line.startswith("- ")
            ]
    return examples


def texts(language: str) -> List[str]:
    return [t for examples in training(language).values() for t in examples]


def share(lines: List[str], predicate) -> float:
    return sum(1 for line in lines if predicate(line)) / len(lines)


def normalized(text: str) -> str:
    return " ".join(text.casefold().split())


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_intent_has_enough_examples(language):
    counts = {intent: len(examples) for intent, examples in training(language).items()}
    assert set(counts) == set(DOMAIN_INTENTS)
    assert min(counts.values()) >= MIN_TRAINING, {i: n for i, n in counts.items() if n < MIN_TRAINING}


def test_no_text_is_labelled_with_two_intents():
    labels = defaultdict(set)
    for language in LANGUAGES:
        for intent, examples in training(language).items():
            for text in examples:
                labels[normalized(text)].add(intent)
    conflicts = {text: sorted(intents) for text, intents in labels.items() if len(intents) > 1}
    assert conflicts == {}


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_example_is_read_as_an_intent_payload(language):
    assert [t for t in texts(language) if t.startswith("/")] == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_very_short_messages_are_trained(language):
    short = [t for t in texts(language) if len(segment(t)) <= 2]
    assert len(short) >= 40


@pytest.mark.parametrize(
    "language, habit, minimum",
    [
        ("vi", lambda t: bool(ASCII_WORDS.match(t)), 0.30),  # without diacritics
        ("vi", lambda t: bool(re.search(r"\b(ko|k|dc|j|ntn|mk|ng|e|a|r)\b", t)), 0.10),  # abbreviations
        ("ne", lambda t: not re.search(r"[\u0900-\u097f]", t), 0.30),  # romanized Nepali
        ("ja", lambda t: bool(ASCII_WORDS.match(t)), 0.20),  # romaji
        ("ja", lambda t: bool(re.search(r"[\u3040-\u30ff]", t)) and not re.search(r"[\u4e00-\u9fff]", t), 0.10),  # kana only
        ("zh", lambda t: bool(TRADITIONAL_ONLY & set(t)), 0.20),  # traditional characters
        ("id", lambda t: bool(re.search(r"\b(gak|nggak|ga|blm|udh|udah|gmn|gimana|sy|gw|tlg|bgt|aja)\b", t)), 0.25),
        ("pt", lambda t: bool(ASCII_WORDS.match(t)), 0.30),  # without accents
        ("es", lambda t: bool(ASCII_WORDS.match(t)), 0.20),
        ("tl", lambda t: bool(re.search(r"\b(my|the|salary|boss|work|company|passport|visa|please|help|job|need|stress|rules|warning|card|landlord|renewal|after|block|deny|foreigner|bank|resident|typhoon|OT|atm|account|rent|tax|hospital|doctor|insurance|sick|agency|fee|fired|contract|overtime|leave|sorry|thank|thanks|bye|yes|no|ok|okay|because|but|so|and|is|of)\b", t, re.I))
         and bool(re.search(r"\b(ang|ng|ko|po|yung|ung|sa|na|ako|ba|hindi|pa|kasi)\b", t, re.I)), 0.15),  # Taglish
    ],
)
def test_writing_habits_appear_in_training(language, habit, minimum):
    assert share(texts(language), habit) >= minimum


def test_zawgyi_variants_are_in_sync_with_the_unicode_data():
    assert (ROOT / "nlu" / "my" / "zawgyi.yml").read_text(encoding="utf-8") == zawgyi_variants.nlu_variants()
    assert (ROOT / "tests" / "nlu_holdout" / "my-zawgyi.tsv").read_text(encoding="utf-8") == zawgyi_variants.test_variants()


HOLDOUT = load_holdout()


@pytest.mark.parametrize("language", LANGUAGES)
def test_holdout_covers_every_intent(language):
    counts = Counter(case.intent for case in HOLDOUT if case.language == language)
    assert set(counts) == set(DOMAIN_INTENTS)
    assert min(counts.values()) >= MIN_HOLDOUT


@pytest.mark.parametrize(
    "language, styles",
    [("en", {"broken"}), ("ja", {"romaji", "kana"}), ("vi", {"no_diacritics", "abbrev"}),
     ("ne", {"romanized"}), ("zh", {"traditional"}), ("tl", {"taglish"}), ("id", {"informal"}),
     ("pt", {"no_accents"}), ("es", {"no_accents"}), ("my", {"zawgyi"}), ("th", {"informal"}),
     ("km", {"colloquial"})],
)
def test_holdout_has_every_writing_style(language, styles):
    present = {case.style for case in HOLDOUT if case.language == language}
    assert {"standard", "short", "indirect"} | styles <= present


def test_holdout_is_not_copied_from_training():
    trained = {normalized(t) for language in LANGUAGES for t in texts(language)}
    copied = [c.text for c in HOLDOUT if len(segment(c.text)) >= 4 and normalized(c.text) in trained]
    assert copied == []
