"""Score a message with the learned model and explain each flag (pure).

Each window of the message (a few sentences, features.windows) is scored on
its own and the highest score counts, so one disclosure in a long ordinary
letter is not diluted. A flag carries its score, the threshold it passed, the
window that scored highest and the three closest labelled training messages,
found over the same n-gram features only when a flag is raised.
"""
import heapq
import math
from dataclasses import dataclass

from matcher.safeguarding.learned.features import buckets, scored_windows
from matcher.safeguarding.learned.weights import Example, Weights
from matcher.safeguarding.rules.model import Tier

NEIGHBOURS = 3
SKETCH = 96  # buckets kept per labelled example for the similarity estimate
_QUOTE_CHARS = 240


@dataclass(frozen=True)
class Kind:
    """What a model class means when its score passes the threshold."""

    code: str
    tier: Tier
    label: str
    authors: tuple[str, ...]


# Most severe first. "possible" is the RED class read at a lower threshold: a score that keeps 95% of
# RED messages but also reaches many ordinary ones, so it asks a person to read rather than paging.
KINDS = {
    "red": Kind("model_red", Tier.RED, "The learned reader reads a risk to life or safety",
                ("requester", "volunteer")),
    "possible": Kind("model_possible_red", Tier.AMBER,
                     "The learned reader reads a possible risk to life or safety; a person should read it",
                     ("requester",)),
    "amber": Kind("model_amber", Tier.AMBER, "The learned reader reads a worrying change",
                  ("requester", "volunteer")),
    "advice": Kind("model_advice", Tier.BOUNDARY, "The learned reader reads advice about treatment",
                   ("volunteer",)),
}
_SCORED_AS = {"possible": "red"}  # the class whose score a kind reads


@dataclass(frozen=True)
class Neighbour:
    """A labelled training message close to the words that scored highest."""

    text: str
    label: str
    similarity: float


@dataclass(frozen=True)
class ModelFlag:
    """One reason the learned reader gives a person to look at a message."""

    code: str
    tier: Tier
    label: str
    trigger: str
    score: float
    threshold: float
    model_version: str
    neighbours: tuple[Neighbour, ...]


@dataclass(frozen=True)
class _Best:
    score: float
    window: tuple[int, int]
    features: frozenset[int]


def score_text(weights: Weights, text: str, author: str) -> dict[str, float]:
    """Return the highest score over the text's windows for each class (for the bench and tests)."""
    best = _best_windows(weights, text, author)
    return {label: best[label].score if label in best else 0.0 for label in weights.per_class}


def read(weights: Weights, examples: tuple[Example, ...], text: str, author: str,
         explain: bool = True) -> list[ModelFlag]:
    """Return the learned reader's flags for a message, most severe first, each with its explanation."""
    best = _best_windows(weights, text, author)
    flags = []
    for name in _raised(weights, best, author):
        kind, found = KINDS[name], best[_SCORED_AS.get(name, name)]
        trigger = " ".join(text[found.window[0]:found.window[1]].split())[:_QUOTE_CHARS]
        flags.append(ModelFlag(kind.code, kind.tier, kind.label, trigger, round(found.score, 3),
                               weights.threshold(name), weights.version,
                               nearest(examples, found.features) if explain else ()))
    return flags


def _raised(weights: Weights, best: dict[str, _Best], author: str) -> list[str]:
    """Return the kinds to flag: the most severe risk kind that passes, and advice beside it."""
    if not best:  # nothing but white space to read
        return []
    passing = [name for name, kind in KINDS.items()
               if author in kind.authors and best[_SCORED_AS.get(name, name)].score >= weights.threshold(name)]
    risk = [name for name in passing if name != "advice"][:1]
    return risk + [name for name in passing if name == "advice"]


def _best_windows(weights: Weights, text: str, author: str) -> dict[str, _Best]:
    best: dict[str, _Best] = {}
    for window in scored_windows(text):
        features = buckets(text[window.start:window.end], author, weights.kind)
        for label, score in _scores(weights, features).items():
            if label not in best or score > best[label].score:
                best[label] = _Best(score, (window.start, window.end), features)
    return best


def _scores(weights: Weights, features: frozenset[int]) -> dict[str, float]:
    """Return each class's probability for one window: a logistic of the weights over its buckets."""
    norm = 1.0 / math.sqrt(len(features))
    scores = {}
    for label, values in weights.per_class.items():
        scale, bias = weights.header["scales"][label], weights.header["biases"][label]
        total = sum(map(values.__getitem__, features)) * scale * norm + bias
        scores[label] = 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, total))))
    return scores


def nearest(examples: tuple[Example, ...], features: frozenset[int]) -> tuple[Neighbour, ...]:
    """Return the labelled examples closest to the features: Jaccard similarity of their n-gram sets.

    Each example ships a bottom-k sketch of its buckets (the SKETCH smallest); the similarity is that of
    the two sketches taken as sets, about a microsecond an example, with nothing to compute from the
    examples' text in the relay's process (an alert waits for it).
    """
    mine = set(sketch(features))
    ranked = heapq.nlargest(NEIGHBOURS, ((_jaccard(mine, example.sketch), -index) for index, example
                                         in enumerate(examples)))
    return tuple(Neighbour(examples[-index].text, examples[-index].label, round(similarity, 3))
                 for similarity, index in ranked)


def sketch(features: frozenset[int]) -> tuple[int, ...]:
    """Return the bottom-k sketch of a set of buckets: its SKETCH smallest."""
    return tuple(heapq.nsmallest(SKETCH, features))


def _jaccard(mine: set[int], theirs: tuple[int, ...]) -> float:
    """Return the Jaccard similarity of two bottom-k sketches taken as sets (cheap: one pass)."""
    if not mine and not theirs:
        return 0.0
    both = len(mine.intersection(theirs))
    return both / (len(mine) + len(theirs) - both)
