"""Score bot.language against public language-identification data and the NLU held-out set.

    .venv/bin/python benchmarks/language.py                 # the tables (about a minute)
    .venv/bin/python benchmarks/language.py --no-baseline   # skip plain langdetect (seconds)
    .venv/bin/python benchmarks/language.py --cv            # tuning: 5-fold cross-validation on nlu/
    .venv/bin/python benchmarks/language.py --cv --sweep    # tuning: the word prior's settings

Sets (see ../shared/data/lid/README.md): tico19 sentences, tico19 COVID-19 terminology, lingua
test data (sentences, single words, word pairs), the UDHR, and tests/nlu_holdout (phone-style
messages, my-zawgyi in the legacy encoding). The data directory is ../shared/data/lid beside
the repository, or --data, or $LID_DATA.

Accuracy counts `detect(text).lang == expected`. Left out, and counted in `skipped`: messages
without letters (an emoji has no language; the channel hint decides) and terminology entries
identical to their English source ("AIDS", "COVID-19"). Plain langdetect is `langdetect.detect`
seeded with 0, zh-cn and zh-tw counted as zh; its exceptions (no Burmese or Khmer profile)
count as wrong. Time is per call of `detect`, perf_counter_ns, after a warm-up pass.

--cv is where the settings of bot/language.py were chosen (n-gram length, confidence margins,
when to ask langdetect): it trains on four fifths of nlu/ and scores the fifth, never touching
the sets above.
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import sys
import time
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bot import language  # noqa: E402

TICO = {"es-LA": "es", "id": "id", "km": "km", "my": "my", "ne": "ne", "pt-BR": "pt",
        "tl": "tl", "zh": "zh"}
TERMS = {"es_XX": "es", "id_ID": "id", "ja_XX": "ja", "km_KH": "km", "my_MM": "my",
         "ne_NP": "ne", "pt_XX": "pt", "th_TH": "th", "tl_XX": "tl", "vi_VN": "vi",
         "zh_CN": "zh", "zh_TW": "zh"}
LINGUA = ("sentences", "word-pairs", "single-words")
LANGDETECT = ("en", "es", "id", "pt", "tl", "vi")


@dataclass
class Item:
    set: str
    lang: str  # expected
    text: str
    row: str = ""  # table row label when it differs from lang (my-zawgyi)
    style: str = ""  # holdout only: standard, short, romanized, no_diacritics...


def load(data: Path) -> tuple[list[Item], dict[tuple[str, str], int]]:
    items: list[Item] = []
    skipped: dict[tuple[str, str], int] = defaultdict(int)
    english: dict[str, set[str]] = defaultdict(set)
    for code, lang in TICO.items():
        with open(data / "tico19" / f"tico19_{code}.tsv", encoding="utf-8") as f:
            for row in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
                items.append(Item("tico19", lang, row[list(row)[-1]]))
                english["tico19"].add(row["en"])
    for code, lang in TERMS.items():
        with open(data / "tico19" / "terminologies" / f"f_en-{code}.csv", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                target, source = row["targetString"].strip(), row["sourceString"].strip()
                english["terms"].add(source)
                if not target:
                    skipped[("terms", lang)] += 1
                elif target.casefold() == source.casefold():
                    skipped[("terms", lang)] += 1
                else:
                    items.append(Item("terms", lang, target))
    for group in LINGUA:
        for path in sorted((data / "lingua_testdata" / group).glob("*.txt")):
            for line in path.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    items.append(Item(f"lingua-{group}", path.stem, line.strip()))
    with open(data / "udhr" / "udhr_12langs.tsv", encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
            items.append(Item("udhr", row["lang"], row["text"]))
    for set_name, texts in english.items():
        items += [Item(set_name, "en", text) for text in sorted(texts)]
    for path in sorted((REPO / "tests" / "nlu_holdout").glob("*.tsv")):
        lang = path.stem.split("-")[0]
        with open(path, encoding="utf-8") as f:
            for row in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
                items.append(Item("holdout", lang, row["text"], path.stem, row["style"]))
    kept = []
    for item in items:
        if any(ch.isalpha() for ch in item.text):
            kept.append(item)
        else:
            skipped[(item.set, item.row or item.lang)] += 1
    return kept, skipped


def plain_langdetect() -> Callable[[str], str | None]:
    from langdetect import DetectorFactory, detect
    from langdetect.lang_detect_exception import LangDetectException

    DetectorFactory.seed = 0

    def run(text: str) -> str | None:
        try:
            code = detect(text)
        except LangDetectException:
            return None
        return "zh" if code.startswith("zh") else code

    return run


def timed(fn: Callable[[str], object], texts: list[str]) -> tuple[list[object], list[int]]:
    for text in texts[:50]:
        fn(text)
    results: list[object] = []
    times: list[int] = []
    clock = time.perf_counter_ns
    for text in texts:
        start = clock()
        result = fn(text)
        times.append(clock() - start)
        results.append(result)
    return results, times


def p95(values: list[int]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[-1] if len(values) > 1 else values[0]


def benchmark(data: Path, baseline: bool) -> int:
    items, skipped = load(data)
    language.warm_up()
    groups: dict[tuple[str, str], list[Item]] = defaultdict(list)
    for item in items:
        groups[(item.set, item.row or item.lang)].append(item)
    run_baseline = plain_langdetect() if baseline else None
    header = ("set", "lang", "n", "skipped", "ours %", "ours without langdetect %",
              "plain langdetect %", "µs mean", "µs p95", "langdetect µs mean")
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    per_set: dict[str, list[tuple[int, int, int, list[int]]]] = defaultdict(list)
    styles: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    worst: list[tuple[float, str]] = []
    for (set_name, row), group in sorted(groups.items()):
        texts = [item.text for item in group]
        found, times = timed(lambda t: language.detect(t).lang, texts)
        right = sum(f == item.lang for f, item in zip(found, group))
        without = [language.detect(t, use_langdetect=False).lang for t in texts]
        right_without = sum(f == item.lang for f, item in zip(without, group))
        for f, item in zip(found, group):
            if item.style:
                styles[item.style][0] += 1
                styles[item.style][1] += f == item.lang
        if run_baseline:
            base, base_times = timed(run_baseline, texts)
            base_right = sum(b == item.lang for b, item in zip(base, group))
            base_cell = f"{100 * base_right / len(group):.1f}"
            base_us = f"{statistics.fmean(base_times) / 1000:.0f}"
        else:
            base_right, base_cell, base_us = 0, "-", "-"
        per_set[set_name].append((len(group), right, base_right, times))
        accuracy = 100 * right / len(group)
        worst.append((accuracy, f"{set_name}/{row}"))
        print(f"| {set_name} | {row} | {len(group)} | {skipped.get((set_name, row), 0)} | "
              f"{accuracy:.1f} | {100 * right_without / len(group):.1f} | {base_cell} | "
              f"{statistics.fmean(times) / 1000:.1f} | "
              f"{p95(times) / 1000:.1f} | {base_us} |")
    print()
    print("| set | n | ours % | plain langdetect % | µs mean | µs p95 |")
    print("|---|---|---|---|---|---|")
    everything: list[int] = []
    for set_name, rows in sorted(per_set.items()):
        n = sum(r[0] for r in rows)
        times = [t for r in rows for t in r[3]]
        everything += times
        base = f"{100 * sum(r[2] for r in rows) / n:.1f}" if baseline else "-"
        print(f"| {set_name} | {n} | {100 * sum(r[1] for r in rows) / n:.1f} | {base} | "
              f"{statistics.fmean(times) / 1000:.1f} | {p95(times) / 1000:.1f} |")
    print("\n| holdout style | n | ours % |\n|---|---|---|")
    for style, (n, right) in sorted(styles.items()):
        print(f"| {style} | {n} | {100 * right / n:.1f} |")
    print(f"\nall: {len(everything)} messages, {statistics.fmean(everything) / 1000:.1f} µs mean, "
          f"{p95(everything) / 1000:.1f} µs p95")
    below = [label for accuracy, label in sorted(worst) if accuracy < 97]
    print(f"below 97%: {', '.join(below) or 'none'}")
    return 0


# ----------------------------------------------------------------------- cross-validation


def nlu_by_intent() -> Iterator[tuple[str, str, str]]:
    """(language, intent, text) for every example in nlu/."""
    for lang in language.LANGUAGES:
        for path in sorted((REPO / "nlu" / lang).glob("*.yml")):
            intent = ""
            for line in path.read_text(encoding="utf-8").splitlines():
                if line.startswith("- intent:"):
                    intent = line.split(":", 1)[1].strip()
                elif line.startswith("    - ") and intent:
                    yield lang, intent, line.strip()[2:].strip()


def cross_validate(folds: int) -> int:
    examples = language.nlu_examples()
    by_lang: dict[str, list[tuple[str, str | None, bool, str, float]]] = defaultdict(list)
    ld_rows: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])  # letters -> n, model, ld
    for fold in range(folds):
        train = {lang: [t for i, t in enumerate(texts) if i % folds != fold]
                 for lang, texts in examples.items()}
        model = language.train(train)
        for lang, texts in examples.items():
            for text in texts[fold::folds]:
                d = language.detect(text, model, use_langdetect=False)
                by_lang[lang].append((text, d.lang, d.confident, d.method, d.margin))
                letters = sum(map(str.isalpha, text))
                if d.method == "model" and lang in LANGDETECT and letters >= 20:
                    bucket = min(letters // 20 * 20, 60)
                    ld_rows[bucket][0] += 1
                    ld_rows[bucket][1] += d.lang == lang
                    ld_rows[bucket][2] += language._langdetect(text)[0] == lang
    print(f"{folds}-fold cross-validation on nlu/ (model only, no langdetect)")
    print("| lang | n | accuracy % | confident % | precision of confident % |")
    print("|---|---|---|---|---|")
    for lang, rows in sorted(by_lang.items()):
        rows = [r for r in rows if any(ch.isalpha() for ch in r[0])]
        right = sum(r[1] == lang for r in rows)
        confident = [r for r in rows if r[2]]
        precision = 100 * sum(r[1] == lang for r in confident) / max(1, len(confident))
        print(f"| {lang} | {len(rows)} | {100 * right / len(rows):.1f} | "
              f"{100 * len(confident) / len(rows):.1f} | {precision:.1f} |")
    for kind, classes in (("latin", language.LATIN_CLASSES), ("han", language.HAN_CLASSES)):
        model_rows = [(lang, r) for lang, rows in by_lang.items() for r in rows
                      if r[3] == "model" and (r[1] in classes) and
                      (kind == "latin") == (r[1] in language.LATIN_CLASSES and
                                             not any("\u3400" <= c <= "\u9fff" for c in r[0]))]
        print(f"\n{kind} model: precision and coverage by margin threshold (>= 4 letters)")
        print("| margin | coverage % | precision % |")
        print("|---|---|---|")
        long_rows = [(lang, r) for lang, r in model_rows if sum(map(str.isalpha, r[0])) >= 4]
        for threshold in (0, 2, 4, 6, 8, 10, 12, 15, 20, 25, 30, 40, 50):
            covered = [(lang, r) for lang, r in long_rows if r[4] >= threshold]
            precision = 100 * sum(r[1] == lang for lang, r in covered) / max(1, len(covered))
            print(f"| {threshold} | {100 * len(covered) / max(1, len(long_rows)):.1f} | "
                  f"{precision:.2f} |")
    print("\nLatin-script messages of langdetect's languages: model vs langdetect (6 profiles)")
    print("| letters | n | model % | langdetect % |")
    print("|---|---|---|---|")
    for bucket, (n, model_right, ld_right) in sorted(ld_rows.items()):
        label = f"{bucket}+" if bucket == 60 else f"{bucket}-{bucket + 19}"
        print(f"| {label} | {n} | {100 * model_right / n:.1f} | {100 * ld_right / n:.1f} |")
    print("\nexplicit requests (requested_language) on nlu/:")
    hits: dict[bool, list[str]] = defaultdict(list)
    total = defaultdict(int)
    for lang, intent, text in nlu_by_intent():
        is_request = intent == "change_language"
        total[is_request] += 1
        requested = language.requested_language(text)
        if requested:
            hits[is_request].append(f"{lang}: {text} -> {requested}")
    print(f"change_language examples with a language found: {len(hits[True])}/{total[True]}")
    print(f"other examples with a language found (false positives): "
          f"{len(hits[False])}/{total[False]}")
    for line in hits[False]:
        print("  FP", line)
    return 0


SWEEP_WEIGHTS = (0.0, 0.5, 1.0, 2.0, 3.0, 5.0, 8.0)
SWEEP_BUILDS = ({"WORD_FLOOR": 1e-6, "_WORD_NLU_SHARE": 0.5},
                {"WORD_FLOOR": 1e-7, "_WORD_NLU_SHARE": 0.5},
                {"WORD_FLOOR": 1e-6, "_WORD_NLU_SHARE": 0.0},
                {"WORD_FLOOR": 1e-7, "_WORD_NLU_SHARE": 0.0})


def _short_pieces(text: str, size: int) -> list[str]:
    """Single words (size 1) or word pairs (size 2) cut from one message: the nlu/ stand-in
    for lingua's single-word and word-pair sets (Chinese: runs of 1-2 and 3-4 characters)."""
    latin = language._latin_words(text)
    if latin and not language._HAN_RUN.search(text):
        words = [w for w in latin if len(w) >= 3]
        return [" ".join(words[i:i + size]) for i in range(0, len(words) - size + 1, size)]
    runs = language._HAN_RUN.findall(text)
    width = (1, 2) if size == 1 else (3, 4)
    return [run[i:i + w] for run in runs for w in width for i in range(0, len(run) - w + 1, 4)]


def sweep(folds: int) -> int:
    """Accuracy on held-out nlu/ messages and on single words and pairs cut from them, by
    the word prior's weight, floor and nlu/ share. Latin and Chinese-character text apart."""
    examples = language.nlu_examples()
    results: dict[tuple[int, float, str, str], list[int]] = defaultdict(lambda: [0, 0])
    defaults = {name: getattr(language, name) for name in
                ("WORD_FLOOR", "_WORD_NLU_SHARE", "WORD_WEIGHT_LATIN", "WORD_WEIGHT_HAN")}
    try:
        for b, build in enumerate(SWEEP_BUILDS):
            for name, value in build.items():
                setattr(language, name, value)
            for fold in range(folds):
                train = {lang: [t for i, t in enumerate(texts) if i % folds != fold]
                         for lang, texts in examples.items()}
                model = language.train(train)
                cases = []
                for lang, texts in examples.items():
                    for text in texts[fold::folds]:
                        if language._dominant_script(unicodedata.normalize("NFKC", text)) \
                                not in ("latin", "han"):
                            continue
                        kind = "han" if language._HAN_RUN.search(text) else "latin"
                        cases.append((lang, text, kind, "message"))
                        for size, label in ((1, "word"), (2, "pair")):
                            cases += [(lang, piece, kind, label)
                                      for piece in _short_pieces(text, size)]
                for weight in SWEEP_WEIGHTS:
                    language.WORD_WEIGHT_LATIN = language.WORD_WEIGHT_HAN = weight
                    for lang, text, kind, label in cases:
                        cell = results[(b, weight, kind, label)]
                        cell[0] += 1
                        cell[1] += language.detect(text, model, use_langdetect=False).lang == lang
    finally:
        for name, value in defaults.items():
            setattr(language, name, value)
    for kind in ("latin", "han"):
        print(f"\n{kind}: {folds}-fold accuracy % on nlu/ "
              "(messages, and words and pairs cut from them)")
        print("| floor | nlu share | weight | messages | words | pairs |")
        print("|---|---|---|---|---|---|")
        for b, build in enumerate(SWEEP_BUILDS):
            for weight in SWEEP_WEIGHTS:
                cells = [results[(b, weight, kind, label)] for label in ("message", "word", "pair")]
                print(f"| {build['WORD_FLOOR']:g} | {build['_WORD_NLU_SHARE']} | {weight} | " +
                      " | ".join(f"{100 * r / max(1, n):.1f} (n={n})" if i == 0 else
                                 f"{100 * r / max(1, n):.1f}" for i, (n, r) in enumerate(cells))
                      + " |")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path,
                        default=Path(os.environ.get("LID_DATA", REPO / ".." / "shared" / "data" / "lid")))
    parser.add_argument("--no-baseline", action="store_true", help="skip plain langdetect")
    parser.add_argument("--cv", action="store_true", help="cross-validate on nlu/ instead")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--sweep", action="store_true",
                        help="with --cv: accuracy by the word prior's settings")
    args = parser.parse_args()
    if args.cv and args.sweep:
        return sweep(args.folds)
    if args.cv:
        return cross_validate(args.folds)
    if not (args.data / "README.md").exists():
        parser.error(f"no data in {args.data} (set --data or LID_DATA)")
    return benchmark(args.data.resolve(), not args.no_baseline)


if __name__ == "__main__":
    sys.exit(main())
