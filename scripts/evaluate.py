"""Intent evaluation on the held-out test set, next to Rasa's default pipeline.

Trains two NLU models on nlu/ (this project's config.yml and the `rasa init` config), parses
every message of tests/nlu_holdout/*.tsv with both, and prints intent macro-F1 per language and
per writing style, and the recall and precision of the urgent intents. Run: `make eval`.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import logging
import subprocess
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterable, List, Sequence, Tuple

from sklearn.metrics import precision_recall_fscore_support

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from actions.handoff import FALLBACK_INTENT, URGENT_INTENTS  # noqa: E402

HOLDOUT = ROOT / "tests" / "nlu_holdout"
OUT = ROOT / "results" / "eval"
PIPELINES = {
    "ours": ROOT / "config.yml",
    "rasa init": ROOT / "tests" / "eval" / "rasa_init_config.yml",
    "diet": ROOT / "tests" / "eval" / "diet_config.yml",  # ablation, only with --only diet
}
DEFAULT_PIPELINES = ["ours", "rasa init"]
GOALS = "goals: macro-F1 >= 0.90 overall, >= 0.85 per language; urgent recall >= 0.98, precision >= 0.80"


@dataclass(frozen=True)
class Case:
    language: str
    style: str
    intent: str
    text: str


def load_holdout(folder: Path = HOLDOUT) -> List[Case]:
    cases = []
    for path in sorted(folder.glob("*.tsv")):
        language = path.stem.split("-")[0]
        with path.open(encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
                cases.append(Case(language, row["style"], row["intent"], row["text"]))
    return cases


def train(name: str, config: Path) -> Path:
    fixed = f"eval-{name.replace(' ', '-')}"
    started = time.monotonic()
    subprocess.run(
        [str(Path(sys.executable).parent / "rasa"), "train", "nlu", "--nlu", "nlu",
         "-c", str(config), "--fixed-model-name", fixed, "--out", str(OUT)],
        cwd=ROOT, check=True, stdout=subprocess.DEVNULL,
    )
    print(f"trained {name!r} in {time.monotonic() - started:.0f} s", flush=True)
    return OUT / f"{fixed}.tar.gz"


def top_intent(parse: dict) -> str:
    """The classifier's best guess; nlu_fallback only marks low confidence."""
    for entry in parse.get("intent_ranking") or []:
        if entry["name"] != FALLBACK_INTENT:
            return entry["name"]
    return parse["intent"]["name"]


@dataclass(frozen=True)
class Prediction:
    intent: str  # the classifier's best guess
    fallback: bool  # below the FallbackClassifier's threshold: the worker gets suggestions


async def predict(model: Path, texts: Sequence[str]) -> List[Prediction]:
    from rasa.core.agent import Agent
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)  # Rasa logs each parsed text at debug level
    agent = Agent.load(str(model))
    parses = [await agent.parse_message(text) for text in texts]
    return [Prediction(top_intent(p), p["intent"]["name"] == FALLBACK_INTENT) for p in parses]


def macro_f1(gold: Sequence[str], pred: Sequence[str]) -> float:
    labels = sorted(set(gold))
    _, _, f1, _ = precision_recall_fscore_support(
        gold, pred, labels=labels, average="macro", zero_division=0
    )
    return float(f1)


def urgent_scores(gold: Sequence[str], pred: Sequence[str]) -> Tuple[float, float]:
    tp = sum(g in URGENT_INTENTS and p in URGENT_INTENTS for g, p in zip(gold, pred))
    actual = sum(g in URGENT_INTENTS for g in gold)
    flagged = sum(p in URGENT_INTENTS for p in pred)
    return tp / actual if actual else 0.0, tp / flagged if flagged else 0.0


def grouped(cases: Sequence[Case], key) -> Dict[str, List[int]]:
    groups: Dict[str, List[int]] = defaultdict(list)
    for i, case in enumerate(cases):
        groups[key(case)].append(i)
    return dict(sorted(groups.items()))


def table(title: str, header: Iterable[str], rows: Iterable[Iterable[str]]) -> str:
    header = list(header)
    lines = [f"### {title}", "", "| " + " | ".join(header) + " |",
             "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def report(cases: List[Case], results: Dict[str, List[Prediction]]) -> str:
    names = list(results)
    gold = [c.intent for c in cases]
    predictions = {n: [p.intent for p in results[n]] for n in names}

    def f1_rows(groups: Dict[str, List[int]]):
        for group, idx in groups.items():
            g = [gold[i] for i in idx]
            yield [group, str(len(idx))] + [
                f"{macro_f1(g, [predictions[n][i] for i in idx]):.3f}" for n in names
            ]

    overall = [["all", str(len(cases))] + [f"{macro_f1(gold, predictions[n]):.3f}" for n in names]]
    by_language = list(f1_rows(grouped(cases, lambda c: c.language))) + overall
    by_style = list(f1_rows(grouped(cases, lambda c: f"{c.language}/{c.style}")))
    urgent_rows, answer_rows = [], []
    for n in names:
        recall, precision = urgent_scores(gold, predictions[n])
        urgent_rows.append([n, f"{recall:.3f}", f"{precision:.3f}"])
        direct = [not p.fallback for p in results[n]]
        right = [d and p == g for d, p, g in zip(direct, predictions[n], gold)]
        answer_rows.append([n, f"{sum(direct) / len(gold):.3f}", f"{sum(right) / len(gold):.3f}"])
    return "\n".join([
        table("Intent macro-F1 per language", ["language", "messages"] + names, by_language),
        table("Intent macro-F1 per language and writing style", ["language/style", "messages"] + names, by_style),
        table("Urgent intents (crisis_suicide, crisis_violence, need_help)", ["pipeline", "recall", "precision"], urgent_rows),
        table("Answered without the low-confidence fallback", ["pipeline", "answered directly", "answered directly and right"], answer_rows),
        GOALS,
    ])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", choices=list(PIPELINES), help="evaluate one pipeline")
    parser.add_argument("--model", type=Path, help="evaluate this trained model instead of training")
    parser.add_argument("--reuse", action="append", default=[], choices=list(PIPELINES),
                        help="reuse this pipeline's model from the last run (same data) instead of training")
    args = parser.parse_args()
    if args.model and not args.only:
        parser.error("--model needs --only: which pipeline the model was trained with")
    logging.disable(logging.WARNING)
    cases = load_holdout()
    texts = [c.text for c in cases]
    results = {}
    for name in [args.only] if args.only else DEFAULT_PIPELINES:
        config = PIPELINES[name]
        if args.model:
            model = args.model
        elif name in args.reuse:
            model = OUT / f"eval-{name.replace(' ', '-')}.tar.gz"
        else:
            model = train(name, config)
        results[name] = asyncio.run(predict(model, texts))
    text = report(cases, results)
    first = [p.intent for p in next(iter(results.values()))]
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "report.md").write_text(text, encoding="utf-8")
    errors = [
        f"{c.language}\t{c.style}\t{c.intent}\t{first[i]}\t{c.text}"
        for i, c in enumerate(cases) if first[i] != c.intent
    ]
    (OUT / "errors.tsv").write_text("language\tstyle\tgold\tpredicted\ttext\n" + "\n".join(errors) + "\n", encoding="utf-8")
    print(text)
    print(f"(written to {OUT / 'report.md'}; misclassified messages in {OUT / 'errors.tsv'})")


if __name__ == "__main__":
    main()
