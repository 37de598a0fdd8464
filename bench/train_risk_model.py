"""Train the learned risk reader (a script; needs the `train` extra: scikit-learn).

    PYTHONPATH=. python bench/train_risk_model.py [--kind char|word] [--out DIR] [--folds 5]

Reads the training data only (matcher/safeguarding/learned/corpus.py; never the
held-out set), adds generated variants (variants.py, fixed seed), fits one
logistic regression per class (red, amber, advice) over the hashed n-gram
features that the relay scores in pure Python, and picks each class's threshold
by grouped cross-validation on the training data (a message and its variants
stay in one fold), scoring every window as the reader does and taking the
highest. Writes risk-weights.bin and risk-examples.jsonl.gz beside the reader
(or into --out) and prints the cross-validated figures. Deterministic.
"""
import argparse
import functools
import gzip
import json
import math
import sys
from array import array
from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from matcher.safeguarding.learned import features, variants
from matcher.safeguarding.learned.corpus import CLASSES, fingerprint, read_messages, training_files
from matcher.safeguarding.learned.features import BUCKETS, SOURCES, buckets, scored_windows
from matcher.safeguarding.learned.reader import sketch
from matcher.safeguarding.learned.variants import Labelled
from matcher.safeguarding.learned.weights import EXAMPLES_FILE, WEIGHTS_FILE, weights_to_bytes

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
SEED = 12
VARIANTS_PER_MESSAGE = 3
C = 16.0
# What the thresholds aim at, on cross-validated training messages (the targets): each class
# raises its flag where at most FALSE_ALARMS of ordinary messages score as high; and a requester's
# message whose RED score keeps POSSIBLE_RECALL of the RED messages is raised as AMBER ("possible
# risk"), so a person reads it without paging the on-call (docs/risk-rules.md says why).
FALSE_ALARMS = 0.05
POSSIBLE_RECALL = 0.95
# No one language may pay for the others: the RED and AMBER thresholds are raised until each
# language's ordinary messages reach them at most this often (cross-validated), and FALSE_ALARMS overall.
LANGUAGE_FALSE_ALARMS = 0.075
# Sample weights per language, (mean count / this language's count) ** BALANCE: 0 leaves English
# (half the data) to decide what risk looks like; 1 gives every language the same total weight.
BALANCE = 0.5
VERSION_PREFIX = "2026.12"


def author(sender: str) -> str:
    """Read a partner as the requester of her own request, as the relay does."""
    return "volunteer" if sender == "volunteer" else "requester"


@functools.cache
def sorted_buckets(text: str, who: str, kind: str) -> tuple[int, ...]:
    """Return a text's buckets in order, computed once however many folds read it."""
    return tuple(sorted(buckets(text, who, kind)))


def matrix(texts_authors: list[tuple[str, str]], kind: str) -> csr_matrix:
    """Return the L2-normalised binary feature matrix the reader scores."""
    indptr, indices, values = [0], [], []
    for text, who in texts_authors:
        found = sorted_buckets(text, who, kind)
        indices.extend(found)
        values.extend([1.0 / math.sqrt(len(found))] * len(found))
        indptr.append(len(indices))
    return csr_matrix((np.array(values), np.array(indices), np.array(indptr)), shape=(len(texts_authors), BUCKETS))


def language_weights(rows: list[Labelled], balance: float) -> np.ndarray:
    """Return each row's weight so that the smaller languages are not drowned by English."""
    languages = np.array([row.language for row in rows])
    names, counts = np.unique(languages, return_counts=True)
    per_language = dict(zip(names.tolist(), ((counts.mean() / counts) ** balance).tolist(), strict=True))
    return np.array([per_language[language] for language in languages.tolist()])


def fit(rows: list[Labelled], kind: str, balance: float = BALANCE) -> dict[str, LogisticRegression]:
    """Fit one binary logistic regression per class, languages weighted and each class balanced."""
    # A disclosure embedded in a long letter is read window by window; trained whole, the letter around
    # it would teach the model that ordinary words are risk. Embedded variants are only measured.
    rows = [row for row in rows if row.origin != "embedded"]
    x = matrix([(row.text, author(row.sender)) for row in rows], kind)
    weight = language_weights(rows, balance)
    models = {}
    for label in CLASSES:
        y = np.array([row.label == label for row in rows])
        # "balanced" over the weighted rows: positives and negatives carry the same total weight.
        share = np.where(y, weight.sum() / (2 * weight[y].sum()), weight.sum() / (2 * weight[~y].sum()))
        model = LogisticRegression(C=C, solver="liblinear", max_iter=1000, random_state=0)
        models[label] = model.fit(x, y, sample_weight=weight * share)
    return models


def window_scores(models: dict[str, LogisticRegression], rows: list[Labelled], kind: str) -> dict[str, np.ndarray]:
    """Return, per class, each message's highest window probability (as the reader computes it)."""
    spans, owner = [], []
    for index, row in enumerate(rows):
        for window in scored_windows(row.text):
            spans.append((row.text[window.start:window.end], author(row.sender)))
            owner.append(index)
    x, owner_array = matrix(spans, kind), np.array(owner)
    best = {}
    for label, model in models.items():
        scores = model.predict_proba(x)[:, 1]
        top = np.zeros(len(rows))
        np.maximum.at(top, owner_array, scores)
        best[label] = top
    return best


def cross_validated(written: list[Labelled], made: list[tuple[int, Labelled]], kind: str, folds: int,
                    balance: float = BALANCE):
    """Return out-of-fold highest-window scores for the written messages and for the variants."""
    groups = np.arange(len(written))
    oof = {label: np.zeros(len(written)) for label in CLASSES}
    oof_made = {label: np.zeros(len(made)) for label in CLASSES}
    made_group = np.array([group for group, _ in made])
    splitter = GroupKFold(n_splits=folds)
    for train_index, test_index in splitter.split(np.zeros(len(written)), groups=groups):
        train_set = set(train_index.tolist())
        rows = [written[i] for i in train_index] + [row for group, row in made if group in train_set]
        models = fit(rows, kind, balance)
        for label, scores in window_scores(models, [written[i] for i in test_index], kind).items():
            oof[label][test_index] = scores
        test_made = [i for i, group in enumerate(made_group) if group not in train_set]
        for label, scores in window_scores(models, [made[i][1] for i in test_made], kind).items():
            oof_made[label][test_made] = scores
    return oof, oof_made


def threshold_at_false_alarms(scores: np.ndarray, negative: np.ndarray, share: float) -> float:
    """Return the lowest threshold that at most `share` of the negatives reach."""
    ranked = np.sort(scores[negative])[::-1]
    at = math.floor(share * len(ranked))
    return float(ranked[min(at, len(ranked) - 1)]) + 1e-6 if len(ranked) else 0.5


def threshold_per_language(scores: np.ndarray, negative: np.ndarray, languages: np.ndarray,
                           per_language: float = LANGUAGE_FALSE_ALARMS) -> float:
    """Return the lowest threshold at FALSE_ALARMS overall and at most per_language in every language."""
    each = [threshold_at_false_alarms(scores, negative & (languages == language), per_language)
            for language in sorted(set(languages[negative].tolist()))]
    return max([threshold_at_false_alarms(scores, negative, FALSE_ALARMS), *each])


def threshold_for(scores: np.ndarray, positive: np.ndarray, recall: float) -> float:
    """Return the highest threshold that keeps at least `recall` of the positives."""
    ranked = np.sort(scores[positive])
    at = math.floor((1 - recall) * len(ranked))
    return float(ranked[min(at, len(ranked) - 1)]) - 1e-6 if len(ranked) else 0.5


def rate(hit: np.ndarray, among: np.ndarray) -> str:
    """Format k/n = p%."""
    n, k = int(among.sum()), int((hit & among).sum())
    return f"{k}/{n} = {100 * k / n:.0f}%" if n else "0/0"


# Ordinary messages that look like risk: marked by their writers ("hn_..."), and any about nights,
# sleep, feeding or tiredness, which the model has raised ("Let me know how the nights are going").
_SLEEP_TALK = ("sleep", "night", "feed", "tired", "colic", "teeth", "exhaust", "nap")


def hard_negatives(written: list[Labelled]) -> dict[str, np.ndarray]:
    """Return masks of the ordinary messages that are hard to tell from risk, by the writers' class."""
    none = np.array([row.label == "none" for row in written])
    topics = [row.topic.lower() for row in written]
    return {"hard negatives (hn_)": none & np.array([topic.startswith("hn_") for topic in topics]),
            "sleep/feeding talk": none & np.array([any(word in topic for word in _SLEEP_TALK) for topic in topics])}


def report(written: list[Labelled], made: list[tuple[int, Labelled]], oof, oof_made, thresholds) -> dict:
    """Print and return the cross-validated figures at the chosen thresholds, overall and per language."""
    labels = np.array([row.label for row in written])
    senders = np.array([row.sender for row in written])
    languages = np.array([row.language for row in written])
    red = oof["red"] >= thresholds["red"]
    possible = (oof["red"] >= thresholds["possible"]) & (senders != "volunteer")
    amber = red | possible | (oof["amber"] >= thresholds["amber"])
    strict_amber = red | (oof["amber"] >= thresholds["amber"])  # what a person is asked to read in the relay
    advice = (oof["advice"] >= thresholds["advice"]) & (senders == "volunteer")
    none = labels == "none"
    everyone = np.ones(len(written), dtype=bool)
    figures = {}
    columns = {
        "red recall": lambda of: rate(red, of & (labels == "red")),
        "red at least AMBER": lambda of: rate(amber, of & (labels == "red")),
        "amber at least AMBER": lambda of: rate(strict_amber, of & (labels == "amber")),
        "advice recall": lambda of: rate(advice, of & (labels == "advice")),
        "ordinary to RED": lambda of: rate(red, of & none),
        "ordinary to AMBER or RED": lambda of: rate(strict_amber, of & none),
        "ordinary in possible band": lambda of: rate(possible & ~red, of & none),
        "ordinary volunteer held": lambda of: rate(advice | red, of & none & (senders == "volunteer")),
    }
    groups = {"all": everyone, **{language: languages == language for language in sorted(set(languages.tolist()))}}
    print(f"  {'':4} " + " | ".join(f"{name:>22}" for name in columns))
    for group, of in groups.items():
        cells = [column(of) for column in columns.values()]
        print(f"  {group:4} " + " | ".join(f"{cell:>22}" for cell in cells))
        figures.update({(name if group == "all" else f"{name}, {group}"): cell
                        for name, cell in zip(columns, cells, strict=True)})
    for name, of in hard_negatives(written).items():
        figures[f"{name} to RED"] = rate(red, of)
        figures[f"{name} to AMBER or RED"] = rate(strict_amber, of)
        figures[f"{name} in possible band"] = rate(possible & ~red, of)
        by_language = ", ".join(f"{language} {rate(red, of & (languages == language))}"
                                for language in sorted(set(languages[of].tolist())))
        print(f"  {name}: to RED {figures[f'{name} to RED']}, to AMBER or RED {figures[f'{name} to AMBER or RED']}, "
              f"possible band {figures[f'{name} in possible band']}; to RED by language: {by_language}")
    made_labels = np.array([row.label for _, row in made])
    made_origin = np.array([row.origin for _, row in made])
    made_red = oof_made["red"] >= thresholds["red"]
    made_possible = oof_made["red"] >= thresholds["possible"]
    for origin in sorted(set(made_origin.tolist())):
        of_origin = (made_labels == "red") & (made_origin == origin)
        figures[f"variants, {origin}: red recall"] = rate(made_red, of_origin)
        figures[f"variants, {origin}: red at least possible"] = rate(made_possible, of_origin)
        print(f"  variants, {origin}: red recall {figures[f'variants, {origin}: red recall']}, "
              f"at least possible {figures[f'variants, {origin}: red at least possible']}")
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kind", choices=("char", "word", "both"), default="both")
    parser.add_argument("--out", type=Path, help="write the files here instead of beside the reader")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--balance", type=float, default=BALANCE, help="language weight exponent (0: none)")
    parser.add_argument("--language-false-alarms", type=float, default=LANGUAGE_FALSE_ALARMS,
                        help="most ordinary messages of one language a threshold may raise (1: no limit)")
    parser.add_argument("--cv-only", action="store_true", help="print the cross-validated figures, write nothing")
    args = parser.parse_args(argv)

    files = training_files(DATA)
    written = read_messages(files)
    ordinary = [row for row in written if row.label == "none"]
    made = [(index, variant) for index, row in enumerate(written)
            for variant in variants.variants([row], ordinary, seed=SEED + index, per_message=VARIANTS_PER_MESSAGE)]
    print(f"{len(written)} written messages from {len(files)} files, {len(made)} generated variants; "
          f"features {args.kind}")
    oof, oof_made = cross_validated(written, made, args.kind, args.folds, args.balance)
    labels = np.array([row.label for row in written])
    senders = np.array([row.sender for row in written])
    languages = np.array([row.language for row in written])
    ordinary = labels == "none"
    thresholds = {label: threshold_per_language(oof[label], ordinary, languages, args.language_false_alarms)
                  for label in ("red", "amber")}
    # Advice is capped overall only: a language has 35-60 ordinary volunteer messages, too few to set a
    # threshold on (capped per language, it cost 11 points of advice recall in cross-validation).
    thresholds["advice"] = threshold_at_false_alarms(oof["advice"], ordinary & (senders == "volunteer"), FALSE_ALARMS)
    thresholds["possible"] = min(thresholds["red"], threshold_for(oof["red"], labels == "red", POSSIBLE_RECALL))
    print("Thresholds:", {label: round(value, 3) for label, value in thresholds.items()})
    print(f"Cross-validated on the written training messages ({args.folds} grouped folds):")
    figures = report(written, made, oof, oof_made, thresholds)
    if args.cv_only:
        return 0

    models = fit(written + [row for _, row in made], args.kind, args.balance)
    print_fingerprint = fingerprint(files, *SOURCES, Path(variants.__file__))
    header, per_class = export(models, thresholds, args.kind, print_fingerprint, len(written), len(made), figures,
                               args.balance, args.language_false_alarms)
    weights_path = (args.out / WEIGHTS_FILE.name) if args.out else WEIGHTS_FILE
    examples_path = (args.out / EXAMPLES_FILE.name) if args.out else EXAMPLES_FILE
    weights_path.parent.mkdir(parents=True, exist_ok=True)
    weights_path.write_bytes(weights_to_bytes(header, per_class))
    examples_path.write_bytes(examples_blob(written, args.kind))
    print(f"Wrote {weights_path} ({weights_path.stat().st_size} bytes) and {examples_path}; "
          f"fingerprint {print_fingerprint}")
    return 0


def export(models, thresholds, kind, training_fingerprint, n_written, n_made, figures, balance,
           language_false_alarms):
    """Quantise each class's weights to 16 bits with its own scale, and build the header."""
    per_class, scales, biases = {}, {}, {}
    for label, model in models.items():
        coef = model.coef_.ravel()
        scale = float(np.abs(coef).max()) / 32767 or 1.0
        per_class[label] = array("h", np.round(coef / scale).astype(np.int16).tolist())
        scales[label], biases[label] = scale, float(model.intercept_[0])
    header = {"kind": kind, "classes": list(CLASSES), "word_sizes": list(features.WORD_SIZES),
              "char_sizes": list(features.CHAR_SIZES), "scales": scales, "biases": biases,
              "thresholds": {label: round(value, 6) for label, value in thresholds.items()},
              "fingerprint": training_fingerprint, "version": f"{VERSION_PREFIX}-{training_fingerprint[:8]}",
              "trained_on": {"written": n_written, "variants": n_made}, "cross_validated": figures,
              "C": C, "seed": SEED, "balance": balance, "language_false_alarms": language_false_alarms}
    return header, per_class


def examples_blob(written: list[Labelled], kind: str) -> bytes:
    """Return the written messages with their sketches as gzipped JSON lines, for nearest-neighbour explanations."""
    lines = [json.dumps({"text": row.text, "label": row.label, "sender": row.sender, "language": row.language,
                         "sketch": list(sketch(buckets(row.text, author(row.sender), kind)))},
                        ensure_ascii=False, sort_keys=True) for row in written]
    return gzip.compress(("\n".join(lines) + "\n").encode("utf-8"), mtime=0)


if __name__ == "__main__":
    sys.exit(main())
