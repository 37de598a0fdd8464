"""The labelled training messages: where they are, how their labels map, and their fingerprint.

Two sources: the rules' labelled set (tests/data/risk_messages.jsonl, labels
red/amber/boundary/none) and the written training set
(tests/data/risk-train/*.jsonl, labels red/amber/advice/contact/none). The
model learns four classes: red, amber, advice (a volunteer's advice about
treatment) and none; contact details are the rules' business, so "contact"
is none here. The held-out set (tests/data/risk-heldout/) is never read.
"""
import hashlib
import json
from collections.abc import Iterable
from pathlib import Path

from matcher.safeguarding.learned.variants import Labelled

CLASSES = ("red", "amber", "advice")
_SENDERS = ("requester", "partner", "volunteer")


def training_files(data: Path) -> list[Path]:
    """Return the training files under tests/data, in a fixed order; never the held-out set."""
    return [data / "risk_messages.jsonl", *sorted((data / "risk-train").glob("*.jsonl"))]


def fingerprint(files: Iterable[Path], *sources: Path) -> str:
    """Return a digest of the training files and of the code that turns them into features."""
    digest = hashlib.sha256()
    for path in [*files, *sources]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def read_messages(files: Iterable[Path]) -> list[Labelled]:
    """Read every labelled message from the files, in order, with labels mapped to the model's classes."""
    messages = []
    for path in files:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                messages.append(_labelled(json.loads(line), f"{path.name}:{number}"))
    return messages


def _labelled(row: dict, where: str) -> Labelled:
    if "expect" in row:  # the rules' labelled set
        sender, language = row["author"], "en"
        label = {"boundary": "advice" if row["why"].startswith("advice") else "none"}.get(row["expect"],
                                                                                          row["expect"])
    else:
        sender, language, label = row["sender"], row["language"], row["label"]
    if sender not in _SENDERS:
        raise ValueError(f"{where}: sender {sender!r}")
    label = "none" if label == "contact" or (label == "advice" and sender != "volunteer") else label
    if label not in (*CLASSES, "none"):
        raise ValueError(f"{where}: label {label!r}")
    return Labelled(row["text"], sender, language, label, topic=str(row.get("class") or row.get("why") or ""))
