"""Decide the language of a worker's message.

Evidence, strongest first: an explicit request ("can you speak Nepali?", "日本語で"); the script
(Thai, Khmer, Burmese, Devanagari, kana; hangul and other scripts are none of ours); for Latin
script, and for Chinese characters without kana, a naive Bayes model over character n-grams
inside word boundaries plus a word prior; langdetect when that model hesitates on a long text.

The model is trained at first use (about a second, word lists included) on the NLU examples
(`nlu/<lang>/*.yml`: romanized Nepali, Vietnamese without diacritics, romaji, Taglish, informal
Indonesian), mixed half and half with langdetect's own n-gram profiles (Wikipedia, standard
spelling), so it knows both how workers type and the standard written language. langdetect
itself samples n-grams at random until it converges, which costs milliseconds per message;
summing the same kind of evidence once costs tens of microseconds. On nlu/ cross-validation
(benchmarks/language.py --cv) langdetect was less accurate than the model at every length
(90% against 98% at 20-39 letters, 99.6% against 100% from 60), so it only has a say on a
text of 60 letters or more that the model is unsure about.

N-grams alone cannot tell "esquina" (es) from "esquina" (pt) or 糖尿病 (zh) from a Japanese
compound: short texts need to know which words exist. The word prior adds, per language,
WORD_WEIGHT * log(p(word) / WORD_FLOOR) for each word found in wordfreq's "small" frequency
list of that language (Wikipedia, subtitles, books, web; Apache-2.0 code, CC-BY-SA data,
shipped inside the package) mixed with the words of nlu/ (romanized Nepali and romaji have
nlu/ only). A word in no list adds nothing, so the n-grams decide unknown words. Chinese
characters have no spaces: each language scores its best segmentation into its own words.
Weight and floor were chosen by cross-validation on nlu/ (benchmarks/language.py --cv --sweep:
held-out messages, and single words and word pairs cut from them), never on the benchmark sets.

Nothing here stores anything: the sticky language per worker is `choose(current, detection,
hint)`, whose result the caller keeps.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
from langdetect import DetectorFactory
from langdetect import detector_factory
from langdetect.lang_detect_exception import LangDetectException
from langdetect.utils.ngram import NGram
from myanmar import converter as _converter
from myanmartools import ZawgyiDetector

from bot.language_names import CUES, NAMES, NEGATIONS, NOT_REQUESTS

LANGUAGES: tuple[str, ...] = ("en", "ja", "vi", "zh", "tl", "ne", "id", "pt", "my", "th", "km", "es")
EASY_JAPANESE = "ja@easy"
UNDETERMINED = "und"
DEFAULT_LANGUAGE = "en"
NLU_DIR = Path(__file__).resolve().parent.parent / "nlu"

# Same detector and threshold as the engine (nlu_components/zawgyi.py): at 0.99 it flags none
# of the Unicode Burmese training messages.
ZAWGYI_THRESHOLD = 0.99

# Set on cross-validation over nlu/ (benchmarks/language.py --cv), never on the benchmark sets:
# the log-likelihood lead of the best language over the second from which the model's answer
# counts as confident evidence (about 97.7% precise on nlu/ for Latin, 99.8% for Chinese, with
# the word prior; 20 and 8 before it, which the word prior's larger leads moved to 30 and 8).
MARGIN_LATIN = 30.0
MARGIN_HAN = 8.0
MIN_CONFIDENT_LETTERS = 4  # "ok", "hi", "ya", "po" are never confident evidence
LANGDETECT_MIN_LETTERS = 60
LANGDETECT_MIN_PROBABILITY = 0.95
MAX_REQUEST_CHARS = 80  # the longest language request in nlu/ has 45
MAX_CHARS = 200  # what the n-gram model reads of a long text
SCRIPT_CHARS = 100  # what the script and Zawgyi checks read (their cost grows faster)
_VECTORIZE_LETTERS = 24  # from this length numpy looks n-grams up faster than a dict
_ALPHA_NLU = 0.5
_ALPHA_PROFILE = 1.0
_PROFILE_WEIGHT = 0.5
LATIN_NGRAMS = 4  # 4-grams hold whole short words: " ga ", " po ", " ko "
HAN_NGRAMS = 3
# The word prior (wordfreq's "small" lists, which stop at a frequency of 1e-6): each word adds
# WORD_WEIGHT * log(p(word | lang) / WORD_FLOOR), p at least WORD_FLOOR, to the n-gram scores.
# A word in no list adds nothing. Chosen on nlu/ (benchmarks/language.py --cv --sweep).
WORD_FLOOR = 1e-7
WORD_WEIGHT_LATIN = 5.0
WORD_WEIGHT_HAN = 8.0
_WORD_NLU_SHARE = 0.5  # p(word | lang) mixes nlu/ words and wordfreq's list half and half
MAX_WORDS = 40  # the words of a long text that the word prior reads
MAX_HAN_WORD = 4  # the longest Chinese or Japanese word looked up
MAX_HAN_WORD_CHARS = 32  # the Chinese characters of a long text that the word prior reads
_WORDFREQ = {"en": "en", "es": "es", "id": "id", "pt": "pt", "tl": "fil", "vi": "vi",
             "zh": "zh", "ja": "ja"}

DetectorFactory.seed = 0

_RANGES = {
    "th": "\u0e00-\u0e7f",
    "km": "\u1780-\u17ff\u19e0-\u19ff",
    "my": "\u1000-\u109f\ua9e0-\ua9ff\uaa60-\uaa7f",
    "ne": "\u0900-\u097f\ua8e0-\ua8ff",
    "kana": "\u3040-\u309f\u30a0-\u30ff\u31f0-\u31ff\uff66-\uff9f",
    "han": "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f",
    "hangul": "\uac00-\ud7af\u1100-\u11ff\u3130-\u318f",
}
_LATIN_LETTERS = "a-zA-Z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff"
_SCRIPT_RES = {name: re.compile(f"[{chars}]") for name, chars in _RANGES.items()}
_NON_LATIN = re.compile("[" + "".join(_RANGES.values()) + "]")
_LATIN = re.compile(f"[{_LATIN_LETTERS}]")
_OTHER_LETTER = re.compile(r"[^\W\d_" + _LATIN_LETTERS + "".join(_RANGES.values()) + "]")
_LATIN_WORD = re.compile(f"[{_LATIN_LETTERS}]+")
_HAN_RUN = re.compile(f"[{_RANGES['han']}]+")
_HAN_ONLY = _HAN_RUN
_BURMESE = _SCRIPT_RES["my"]
# langdetect's profiles fold every Vietnamese vowel with a tone mark into one letter.
_VI_FOLD = {cp: "\u1ec3" for cp in range(0x1EA0, 0x1EFA)}
# Letters only Vietnamese uses among our languages: one word with them settles it.
_VIETNAMESE = re.compile("[ăđơưĩũ\u1ea0-\u1ef9]", re.IGNORECASE)

LATIN_CLASSES: tuple[str, ...] = ("en", "es", "id", "pt", "tl", "vi", "ne", "ja")
HAN_CLASSES: tuple[str, ...] = ("ja", "zh")
_PROFILES = {"en": ("en",), "es": ("es",), "id": ("id",), "pt": ("pt",), "tl": ("tl",),
             "vi": ("vi",), "zh": ("zh-cn", "zh-tw"), "ja": ("ja",)}


@dataclass(frozen=True, slots=True)
class Detection:
    """What one message says about its language.

    `lang` is None when the message has no letters (emoji, digits, a sticker) or is in a
    language that is none of ours (Korean, Russian...; then `confident` says how sure that
    is). `text` is what the engine should see: the message in Unicode (NFC) even when it came
    in Zawgyi. `requested` is an explicit choice ("can you speak Nepali?" -> "ne"), which may
    differ from the language the message is written in.
    """

    lang: str | None
    confident: bool
    text: str
    requested: str | None = None
    zawgyi: bool = False
    method: str = "none"  # what decided: "script", "model" or "langdetect"
    margin: float = 0.0  # the model's log-likelihood lead of `lang` over the runner-up


# ---------------------------------------------------------------------------------- model


Grams = list[list[str]]  # character n-grams by order: grams[n - 1] holds the n-grams


class _NaiveBayes:
    """Multinomial naive Bayes over character n-grams, one distribution per n-gram order.

    Each language's distribution mixes our NLU examples with langdetect's profile where the
    profile has that order (it has 1-3-grams); romanized Nepali and romaji have no profile.
    """

    def __init__(self, classes: Sequence[str], nlu: dict[str, Counter[str]],
                 profiles: dict[str, Counter[str]], max_order: int, max_char: str,
                 prior: dict[str, float] | None = None) -> None:
        self.classes = tuple(classes)
        total = sum(prior.values()) if prior else 0.0
        self.log_prior = np.array([np.log(prior[lang] / total) if prior else 0.0
                                   for lang in self.classes])
        self.max_order = max_order
        vocab = sorted(set().union(*nlu.values(), *profiles.values()))
        self.index = {gram: i for i, gram in enumerate(vocab)}
        orders = range(1, max_order + 1)
        # one row per order for the n-grams never seen in training
        self.unseen = [len(vocab) + n - 1 for n in orders]
        order_of = np.array([len(g) for g in vocab] + list(orders))
        sizes = np.bincount(order_of, minlength=max_order + 1).astype(float)
        sizes[0] = 1.0  # no 0-grams; avoids 0/0 below
        logp = np.zeros((len(order_of), len(self.classes)))
        for c, lang in enumerate(self.classes):
            profile = profiles.get(lang, Counter())
            in_profile = np.zeros(max_order + 1, dtype=bool)
            for gram in profile:
                in_profile[len(gram)] = True
            profile_weight = np.where(in_profile, _PROFILE_WEIGHT, 0.0)
            prob = np.zeros(len(order_of))
            sources = ((nlu[lang], _ALPHA_NLU, 1 - profile_weight),
                       (profile, _ALPHA_PROFILE, profile_weight))
            for counts, alpha, weight in sources:
                if not counts:
                    continue
                raw = np.full(len(order_of), alpha)
                totals = np.zeros(max_order + 1)
                for gram, k in counts.items():
                    raw[self.index[gram]] += k
                    totals[len(gram)] += k
                prob += (weight / (totals + alpha * sizes))[order_of] * raw
            logp[:, c] = np.log(prob)
        self.logp = logp
        # Scoring looks n-grams up by number: each character in `bits` bits, which is exact
        # (no hashing) for up to 4 Latin letters (13 bits) or 3 CJK ideographs (18 bits).
        self.bits = ord(max_char).bit_length()
        if self.bits * max_order > 63:
            raise ValueError("n-grams too long to pack into 64 bits")
        keys = np.array([_pack(gram, self.bits) for gram in vocab], dtype=np.int64)
        self.key_order = np.argsort(keys)
        self.keys = keys[self.key_order]

    def scores(self, words: list[str]) -> np.ndarray:
        """Summed log-likelihoods of the words' n-grams (those of `_word_grams`), per class."""
        if sum(map(len, words)) < _VECTORIZE_LETTERS:
            get = self.index.get
            ids: list[int] = []
            for unseen, grams_n in zip(self.unseen, _word_grams(words, self.max_order)):
                ids += [get(g, unseen) for g in grams_n]
            return self.logp[ids].sum(axis=0) + self.log_prior
        text = " " + " ".join(words) + " "
        chars = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
        letter = chars != 32
        queries = [chars[letter]]
        unseen = [np.full(len(queries[0]), self.unseen[0])]
        key = chars
        inner = np.ones(len(chars), dtype=bool)  # the n-gram's inner characters are letters
        for n in range(2, self.max_order + 1):
            key = (key[:-1] << self.bits) | chars[n - 1:]
            inner = inner[:-1] & letter[n - 2:n - 2 + len(key)] if n > 2 else inner[:-1]
            queries.append(key[inner])
            unseen.append(np.full(len(queries[-1]), self.unseen[n - 1]))
        query = np.concatenate(queries)
        at = np.minimum(np.searchsorted(self.keys, query), len(self.keys) - 1)
        rows = np.where(self.keys[at] == query, self.key_order[at], np.concatenate(unseen))
        return self.logp[rows].sum(axis=0) + self.log_prior

    def best(self, words: list[str], extra: np.ndarray | None = None) -> tuple[str, float]:
        """The likeliest class and its lead in log-likelihood over the second (`extra`: more
        evidence per class, added to the n-grams' log-likelihoods)."""
        scores = self.scores(words)
        if extra is not None:
            scores = scores + extra
        top2 = np.argpartition(-scores, 1)[:2]
        first, second = (top2 if scores[top2[0]] >= scores[top2[1]] else top2[::-1])
        return self.classes[first], float(scores[first] - scores[second])


def _pack(gram: str, bits: int) -> int:
    key = 0
    for ch in gram:
        key = (key << bits) | ord(ch)
    return key


def _word_grams(words: Iterable[str], max_order: int) -> Grams:
    """Character 1..max_order-grams inside word boundaries (" ga ", " po ", "ng "), counted
    the way langdetect's profiles count their 1-3-grams."""
    grams: Grams = [[] for _ in range(max_order)]
    unigrams = grams[0]
    for word in words:
        padded = f" {word} "
        unigrams += word
        for n in range(2, max_order + 1):
            grams[n - 1] += [padded[i:i + n] for i in range(len(padded) - n + 1)]
    return grams


def _latin_words(text: str) -> list[str]:
    return _LATIN_WORD.findall(text.lower().translate(_VI_FOLD))


@cache
def _cjk_fold() -> dict[int, str]:
    return {ord(k): v for k, v in NGram.CJK_MAP.items()}


def _han_words(text: str) -> list[str]:
    return _HAN_RUN.findall(text.translate(_cjk_fold()))


def _count(grams: Grams, counts: Counter[str]) -> None:
    for grams_n in grams:
        counts.update(grams_n)


def nlu_examples(nlu_dir: Path = NLU_DIR) -> dict[str, list[str]]:
    """Training messages per language, read from the Rasa NLU files (block-literal examples)."""
    examples: dict[str, list[str]] = {}
    for lang in LANGUAGES:
        found: list[str] = []
        for path in sorted((nlu_dir / lang).glob("*.yml")):
            in_examples = False
            for line in path.read_text(encoding="utf-8").splitlines():
                stripped = line.strip()
                if stripped.startswith("examples:"):
                    in_examples = True
                elif in_examples and stripped.startswith("- ") and line.startswith("    "):
                    found.append(stripped[2:].strip())
                elif not line.startswith("    "):
                    in_examples = False
        examples[lang] = found
    return examples


def _profile_counts(names: Sequence[str], words: Callable[[str], list[str]]) -> Counter[str]:
    """N-gram counts of langdetect profiles, folded like our own features (lowercase...)."""
    counts: Counter[str] = Counter()
    for name in names:
        path = Path(detector_factory.PROFILES_DIRECTORY) / name
        freq: dict[str, int] = json.loads(path.read_text(encoding="utf-8"))["freq"]
        share = 1.0 / len(names)
        for gram, k in freq.items():
            key = _fold_profile_gram(gram, words)
            if key:
                counts[key] += k * share
    return counts


def _fold_profile_gram(gram: str, words: Callable[[str], list[str]]) -> str | None:
    """The profile's gram in our feature space, or None if it has no letters we model."""
    inner = words(gram)
    if len(inner) != 1:
        return None
    core = inner[0]
    left = " " if gram.startswith(" ") else ""
    right = " " if gram.endswith(" ") else ""
    folded = left + core + right
    return folded if len(folded) == len(gram) else None


class _WordPrior:
    """log(p(word | lang) / WORD_FLOOR) per class for whole Latin-script words, p at least
    WORD_FLOOR: a word in no class's list scores 0 everywhere and leaves the decision to the
    n-grams."""

    def __init__(self, classes: Sequence[str], probs: dict[str, dict[str, float]],
                 floor: float) -> None:
        self.classes = tuple(classes)
        vocab = sorted(set().union(*probs.values()))
        self.index = {word: i + 1 for i, word in enumerate(vocab)}  # row 0: in no list
        logp = np.zeros((len(vocab) + 1, len(self.classes)))
        for c, lang in enumerate(self.classes):
            table = probs.get(lang)
            if not table:
                continue
            rows = np.fromiter(map(self.index.__getitem__, table), dtype=np.int64,
                               count=len(table))
            values = np.fromiter(table.values(), dtype=float, count=len(table))
            logp[rows, c] = np.log(np.maximum(values, floor) / floor)
        self.logp = logp

    def scores(self, words: list[str]) -> np.ndarray:
        get = self.index.get
        return self.logp[[get(w, 0) for w in words[:MAX_WORDS]]].sum(axis=0)


class _HanWordPrior:
    """A unigram word model per class over runs of Chinese characters (which have no spaces):
    the best segmentation's log-probability, a character in no word costing WORD_FLOOR,
    relative to all characters at WORD_FLOOR. Chinese words are looked up simplified, as
    wordfreq stores them."""

    def __init__(self, classes: Sequence[str], probs: dict[str, dict[str, float]],
                 floor: float, simplify: dict[int, str]) -> None:
        self.classes = tuple(classes)
        log_floor = float(np.log(floor))
        self.tables = [{w: float(np.log(max(p, floor))) - len(w) * log_floor
                        for w, p in probs.get(lang, {}).items()} for lang in self.classes]
        self.folds = [simplify if lang == "zh" else {} for lang in self.classes]

    def scores(self, runs: list[str]) -> np.ndarray:
        kept: list[str] = []
        budget = MAX_HAN_WORD_CHARS
        for run in runs:
            if budget <= 0:
                break
            kept.append(run[:budget])
            budget -= len(run)
        result = np.zeros(len(self.classes))
        for c, (table, fold) in enumerate(zip(self.tables, self.folds)):
            total = 0.0
            for run in kept:
                run = run.translate(fold) if fold else run
                best = [0.0] * (len(run) + 1)
                for end in range(1, len(run) + 1):
                    score = best[end - 1]
                    for start in range(max(0, end - MAX_HAN_WORD), end - 1):
                        value = table.get(run[start:end])
                        if value is not None and best[start] + value > score:
                            score = best[start] + value
                    value = table.get(run[end - 1])
                    if value is not None and best[end - 1] + value > score:
                        score = best[end - 1] + value
                    best[end] = score
                total += best[-1]
            result[c] = total
        return result


@cache
def _wordfreq_lists() -> tuple[dict[str, dict[str, float]], dict[str, dict[str, float]],
                               dict[int, str]]:
    """wordfreq's "small" lists (frequency >= 1e-6; Wikipedia, subtitles, books, web, ...):
    Latin-script words folded like ours, words of Chinese characters only, and wordfreq's
    Traditional -> Simplified map."""
    import gzip

    import msgpack
    from wordfreq import get_frequency_dict
    from wordfreq.util import data_path

    latin: dict[str, dict[str, float]] = {}
    han: dict[str, dict[str, float]] = {}
    for lang, name in _WORDFREQ.items():
        freqs = get_frequency_dict(name, "small")
        if lang in LATIN_CLASSES and lang not in HAN_CLASSES:
            folded: Counter[str] = Counter()
            for word, freq in freqs.items():
                inner = _latin_words(word)
                if len(inner) == 1 and len(inner[0]) == len(word):
                    folded[inner[0]] += freq
            latin[lang] = dict(folded)
        if lang in HAN_CLASSES:
            han[lang] = {w: f for w, f in freqs.items()
                         if len(w) <= MAX_HAN_WORD and _HAN_ONLY.fullmatch(w)}
    with gzip.open(data_path("_chinese_mapping.msgpack.gz")) as f:
        simplify = msgpack.load(f, raw=False, strict_map_key=False)
    return latin, han, simplify


def _latin_word_probs(nlu: dict[str, Counter[str]],
                      lists: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
    """p(word | lang): nlu/ words and wordfreq's list mixed, or whichever of them there is."""
    probs: dict[str, dict[str, float]] = {}
    for lang in LATIN_CLASSES:
        counts, listed = nlu.get(lang, Counter()), lists.get(lang, {})
        total = sum(counts.values())
        share = _WORD_NLU_SHARE if counts and listed else (1.0 if counts else 0.0)
        mixed: dict[str, float] = {w: (1 - share) * f for w, f in listed.items()}
        for word, k in counts.items():
            mixed[word] = mixed.get(word, 0.0) + share * k / total
        probs[lang] = mixed
    return probs


@dataclass(frozen=True, slots=True)
class LanguageModel:
    """The n-gram models: Latin script (8 languages, romanized ones included), and Chinese
    characters without kana (ja or zh)."""

    latin: _NaiveBayes
    han: _NaiveBayes
    latin_words: _WordPrior
    han_words: _HanWordPrior


def train(examples: dict[str, list[str]] | None = None) -> LanguageModel:
    """Build the models from NLU examples (by default nlu/) and langdetect's profiles."""
    examples = nlu_examples() if examples is None else examples
    latin_nlu: dict[str, Counter[str]] = {lang: Counter() for lang in LATIN_CLASSES}
    han_nlu: dict[str, Counter[str]] = {lang: Counter() for lang in HAN_CLASSES}
    latin_words: dict[str, Counter[str]] = {lang: Counter() for lang in LATIN_CLASSES}
    # Japanese is rarely written without kana: of the han-only NLU examples, about 1 in 20 is
    # Japanese. That share is the han model's prior (add-one smoothed).
    han_only = Counter({lang: 1 for lang in HAN_CLASSES})
    for lang, messages in examples.items():
        for message in messages:
            script = _dominant_script(unicodedata.normalize("NFKC", message))
            if script == "latin" and lang in latin_nlu:
                words = _latin_words(message)
                _count(_word_grams(words, LATIN_NGRAMS), latin_nlu[lang])
                latin_words[lang].update(words)
            elif script == "han" and lang in han_nlu:
                _count(_word_grams(_han_words(message), HAN_NGRAMS), han_nlu[lang])
                han_only[lang] += 1
            elif script == "kana" and lang == "ja":
                _count(_word_grams(_han_words(message), HAN_NGRAMS), han_nlu["ja"])
    latin_profiles = {lang: _profile_counts(_PROFILES[lang], _latin_words)
                      for lang in LATIN_CLASSES if lang in _PROFILES}
    han_profiles = {lang: _profile_counts(_PROFILES[lang], _han_words) for lang in HAN_CLASSES}
    latin = _NaiveBayes(LATIN_CLASSES, latin_nlu, latin_profiles, LATIN_NGRAMS, "\u1eff")
    han = _NaiveBayes(HAN_CLASSES, han_nlu, han_profiles, HAN_NGRAMS, "\U0003134f", han_only)
    latin_lists, han_lists, simplify = _wordfreq_lists()
    return LanguageModel(
        latin, han,
        _WordPrior(LATIN_CLASSES, _latin_word_probs(latin_words, latin_lists), WORD_FLOOR),
        _HanWordPrior(HAN_CLASSES, han_lists, WORD_FLOOR, simplify))


@cache
def _models() -> LanguageModel:
    return train()


_LANGDETECT_LANGUAGES = ("en", "es", "id", "pt", "tl", "vi")


@cache
def _langdetect_factory() -> DetectorFactory:
    """langdetect with only the profiles of our Latin-script languages: it updates one
    probability per loaded language for every n-gram it samples, so 6 instead of 55 makes
    it several times faster, and the answer is one of ours."""
    factory = DetectorFactory()
    profiles = Path(detector_factory.PROFILES_DIRECTORY)
    factory.load_json_profile([(profiles / lang).read_text(encoding="utf-8")
                               for lang in _LANGDETECT_LANGUAGES])
    return factory


def _langdetect(text: str) -> tuple[str | None, float]:
    """langdetect's answer (seeded, so deterministic) and its probability."""
    detector = _langdetect_factory().create()
    detector.append(text)
    try:
        best = detector.get_probabilities()[0]
    except LangDetectException:
        return None, 0.0
    return best.lang, best.prob


# ---------------------------------------------------------------------------------- scripts


def _dominant_script(text: str) -> str | None:
    """"latin", "th", "km", "my", "ne", "kana", "han", "hangul", "other", or None (no letters).

    Words in Latin script are common inside other scripts ("OT", "visa", "LINE"), so a
    message counts as Latin only when its other letters are under a third of its Latin ones.
    """
    if not _NON_LATIN.search(text):
        if _LATIN.search(text):
            return "latin" if not _OTHER_LETTER.search(text) or _more_latin(text) else "other"
        return "other" if _OTHER_LETTER.search(text) else None
    counts = {name: len(pattern.findall(text)) for name, pattern in _SCRIPT_RES.items()}
    if counts["kana"] and counts["kana"] + counts["han"] >= counts["hangul"]:
        counts["kana"] += counts.pop("han")  # kanji with kana is Japanese
    latin = len(_LATIN.findall(text))
    other = len(_OTHER_LETTER.findall(text))
    script, top = max(counts.items(), key=lambda item: item[1])
    if top == 0:
        return "latin" if latin > other else ("other" if other else None)
    if latin > 3 * (top + other):
        return "latin"
    return script if top >= other else "other"


def _more_latin(text: str) -> bool:
    return len(_LATIN.findall(text)) > 3 * len(_OTHER_LETTER.findall(text))


_SCRIPT_LANGUAGE = {"th": "th", "km": "km", "my": "my", "ne": "ne", "kana": "ja"}


def _letters(text: str) -> int:
    return sum(map(str.isalpha, text))


# ---------------------------------------------------------------------------------- detect


def to_unicode(text: str) -> tuple[str, bool]:
    """`text` in Unicode Burmese, and whether it was Zawgyi (the engine's rule; the detector
    reads the first SCRIPT_CHARS characters, which settle it: a long text costs no more)."""
    if not _BURMESE.search(text):
        return text, False
    if _zawgyi_detector().get_zawgyi_probability(text[:SCRIPT_CHARS]) < ZAWGYI_THRESHOLD:
        return text, False
    return _zawgyi_to_unicode(text), True


_SYLLABLES: dict[str, str] = {}  # Zawgyi syllable -> Unicode, as the converter gives it
_MAX_SYLLABLES = 20_000


def _zawgyi_to_unicode(text: str) -> str:
    """python-myanmar's `convert(text, "zawgyi", "unicode")`, its per-syllable work memoized.

    The converter cuts the text into syllables with one regex and converts each syllable on
    its own (a table look-up or `convert_syllable`), in pure Python: about 50 µs for a short
    message. A syllable's conversion depends on the syllable alone, so it is kept (up to
    _MAX_SYLLABLES: the language has a few thousand in common use).
    """
    source = _converter.encoders["zawgyi"]
    target = _converter.encoders["unicode"]
    out: list[str] = []
    start = 0
    for match in source.morphologic_pattern.finditer(text):
        if start < match.start():
            out.append(text[start:match.start()])  # not Burmese: kept as it is
        start = match.end()
        full = match.group()
        converted = _SYLLABLES.get(full)
        if converted is None:
            syllable = {k: v for k, v in match.groupdict().items() if v}
            if len(syllable) == 1:
                converted = syllable["syllable"]
            elif syllable["syllable"] in source.reverse_table:
                key = source.reverse_table[syllable["syllable"]]
                converted = target.table[key.split("_", 1)[0]]
            else:
                converted = _converter.convert_syllable(syllable, "zawgyi", "unicode")
            if len(_SYLLABLES) < _MAX_SYLLABLES:
                _SYLLABLES[full] = converted
        out.append(converted)
    out.append(text[start:])
    return "".join(out)


@cache
def _zawgyi_detector() -> ZawgyiDetector:
    return ZawgyiDetector()


def detect(text: str, model: LanguageModel | None = None, *,
           use_langdetect: bool = True) -> Detection:
    """The language of one message, how sure, and any explicit language request in it.

    `model` defaults to the one trained on nlu/ at first use; `use_langdetect=False` is for
    measuring what langdetect adds.
    """
    raw, zawgyi = to_unicode(text.strip())
    passed_on = unicodedata.normalize("NFC", raw)
    sample = unicodedata.normalize("NFKC", passed_on[:MAX_CHARS])
    requested = requested_language(sample)
    lang, confident, method, margin = _language(sample, model or _models(), use_langdetect)
    return Detection(lang, confident, passed_on, requested, zawgyi, method, margin)


def _language(sample: str, model: LanguageModel,
              use_langdetect: bool) -> tuple[str | None, bool, str, float]:
    script = _dominant_script(sample[:SCRIPT_CHARS])
    if script is None or script in ("other", "hangul"):
        letters = _letters(sample)
        return None, script is not None and letters >= MIN_CONFIDENT_LETTERS, "script", 0.0
    if script in _SCRIPT_LANGUAGE:
        return _SCRIPT_LANGUAGE[script], _letters(sample) >= 2, "script", 0.0
    if script == "han":
        words = _han_words(sample)
        prior = WORD_WEIGHT_HAN * model.han_words.scores(_HAN_RUN.findall(sample))
        lang, margin = model.han.best(words, prior)
        return lang, margin >= MARGIN_HAN and sum(map(len, words)) >= 2, "model", margin
    words = _latin_words(sample)
    letters = sum(map(len, words))
    vietnamese = sum(1 for w in words if _VIETNAMESE.search(w))
    if vietnamese and (vietnamese >= 2 or 3 * vietnamese >= len(words)):
        return "vi", letters >= MIN_CONFIDENT_LETTERS, "script", 0.0
    lang, margin = model.latin.best(words, WORD_WEIGHT_LATIN * model.latin_words.scores(words))
    confident = margin >= MARGIN_LATIN and letters >= MIN_CONFIDENT_LETTERS
    if (use_langdetect and not confident and letters >= LANGDETECT_MIN_LETTERS
            and lang not in ("ne", "ja")):
        other, probability = _langdetect(sample)
        if other is not None and probability >= LANGDETECT_MIN_PROBABILITY:
            return other, True, "langdetect", margin
    return lang, confident, "model", margin


def warm_up() -> None:
    """Build everything built at first use (model and word prior, lexicon, Zawgyi detector,
    langdetect's profiles: about 1.2 s), so that no worker's message pays for it."""
    _models()
    _lexicon()
    _zawgyi_detector()
    _langdetect_factory()


# ---------------------------------------------------------------------------------- choice


def _fold(text: str) -> str:
    """Lowercase, Latin letters without diacritics, no apostrophes: how NAMES are written."""
    text = unicodedata.normalize("NFD", text.lower().replace("đ", "d"))
    text = re.sub("[\u0300-\u036f'’`]", "", text)
    text = re.sub(r"[-_/]", " ", unicodedata.normalize("NFC", text))
    return re.sub(r"\s+", " ", text).strip()


def _trie_regex(entries: Iterable[str]) -> str:
    """One regex for many literals, factored by common prefixes, longest match first.

    An alternation of a thousand literals makes `re` try each one at every position; the
    factored form follows only the branches that match the next character.
    """
    trie: dict[str, dict] = {}
    for entry in entries:
        node = trie
        for ch in entry:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict[str, dict]) -> str:
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return build(trie)


def _entries_regex(entries: Iterable[str]) -> re.Pattern[str]:
    """Latin entries match whole words; the others anywhere (their scripts have no spaces)."""
    entries = set(entries)
    latin = [e for e in entries if _LATIN.search(e)]
    other = [e for e in entries if not _LATIN.search(e)]
    return re.compile(rf"(?<![a-z0-9])(?:{_trie_regex(latin)})(?![a-z0-9])|{_trie_regex(other)}")


@cache
def _lexicon() -> tuple[re.Pattern[str], re.Pattern[str], dict[str, tuple[str, str]]]:
    roles: dict[str, tuple[str, str]] = {phrase: ("other", "") for phrase in NOT_REQUESTS}
    for lang, names in NAMES.items():
        for name in names:
            roles.setdefault(name, ("name", lang))
    for word in NEGATIONS:
        roles.setdefault(word, ("negation", ""))
    for word in CUES:
        roles.setdefault(word, ("cue", ""))
    names_only = (name for names in NAMES.values() for name in names)
    return _entries_regex(names_only), _entries_regex(roles), roles


_CLAUSE = re.compile(r"[,.!?;:、，。！？\n]+")


def requested_language(text: str) -> str | None:
    """The language a message explicitly asks for ("can you speak Nepali?" -> "ne").

    Only a message made of language names and the words of a request (CUES, NEGATIONS) counts,
    so "I want to study Japanese" asks for nothing. A name next to "I don't understand" is the
    one not wanted: "not english, vietnamese pls" -> "vi".
    """
    if len(text) > MAX_REQUEST_CHARS:
        return None
    folded = _fold(text)
    any_name, pattern, roles = _lexicon()
    if not any_name.search(folded):
        return None
    chosen: str | None = None
    cued = False
    for clause in _CLAUSE.split(folded):
        found = [(m.start(), m.end(), *roles[m.group()]) for m in pattern.finditer(clause)]
        rest = pattern.sub(" ", clause)
        if any(ch.isalpha() for ch in rest):
            return None
        if any(f[2] == "other" for f in found):
            return None
        cued = cued or any(f[2] != "name" for f in found)
        names = [f for f in found if f[2] == "name"]
        for start, end, _, _ in (f for f in found if f[2] == "negation"):
            if names:
                nearest = min(names, key=lambda n: max(n[0] - end, start - n[1]))
                names.remove(nearest)
        if names:
            chosen = names[-1][3]
    if chosen == "ja" and not cued:
        return None  # "nihongo" alone is more often about learning Japanese than a request
    return chosen


# Telegram's language_code is IETF ("pt-br", "zh-hans"), LINE's profile language is ISO
# ("ja", "zh-Hant"); the 3-letter ISO 639 codes are accepted too.
_HINT_ALIASES = {
    "fil": "tl", "tgl": "tl", "in": "id", "ind": "id", "npi": "ne", "nep": "ne", "mya": "my",
    "bur": "my", "khm": "km", "tha": "th", "vie": "vi", "zho": "zh", "chi": "zh", "cmn": "zh",
    "yue": "zh", "jpn": "ja", "eng": "en", "por": "pt", "spa": "es",
}


def normalize_hint(hint: str | None) -> str | None:
    """One of LANGUAGES for a channel's language code, or None if it is none of ours."""
    if not hint:
        return None
    primary = re.split(r"[-_@]", hint.strip().lower(), maxsplit=1)[0]
    primary = _HINT_ALIASES.get(primary, primary)
    return primary if primary in LANGUAGES else None


def choose(current: str | None, detection: Detection, hint: str | None = None) -> str:
    """The worker's language after this message (pure: the caller stores the result).

    An explicit request wins; confident evidence from the text changes the language; anything
    else (an emoji, "ok", "hi") keeps the current one, or, for a first message, takes the
    channel's hint. Easy Japanese is only ever chosen explicitly and survives Japanese text.
    """
    if detection.requested:
        return detection.requested
    if detection.confident and detection.lang:
        if current == EASY_JAPANESE and detection.lang == "ja":
            return current
        return detection.lang
    if current:
        return current
    return normalize_hint(hint) or detection.lang or DEFAULT_LANGUAGE


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bot.language",
        description="Read one message per line on stdin, print one language code per line.")
    parser.add_argument("--sticky", action="store_true",
                        help="treat the lines as one conversation: print choose()'s result")
    parser.add_argument("--hint", help="channel language code for --sticky (e.g. pt-br)")
    args = parser.parse_args(argv)
    current: str | None = None
    for line in sys.stdin:
        detection = detect(line.rstrip("\n"))
        if args.sticky:
            current = choose(current, detection, args.hint)
            print(current)
        else:
            print(detection.lang or UNDETERMINED)
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
