"""The weight file: its layout, reading it from bytes, and writing it (pure but for load_model).

Layout: the magic line, a 4-byte big-endian length, that many bytes of JSON
(the header: feature kind, classes, biases, scales, thresholds, the training
data's fingerprint), then one zlib-compressed array of signed 16-bit weights
per class, BUCKETS long, in the header's order. Read with the array module, so
the relay needs no numpy to score.
"""
import gzip
import json
import struct
import sys
import zlib
from array import array
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from matcher.safeguarding.learned.features import BUCKETS

MAGIC = b"matcher-risk-weights 1\n"
HERE = Path(__file__).resolve().parent
WEIGHTS_FILE = HERE / "risk-weights.bin"
EXAMPLES_FILE = HERE / "risk-examples.jsonl.gz"


@dataclass(frozen=True)
class Example:
    """One labelled training message, kept so a flag can show its nearest neighbours."""

    text: str
    label: str
    sender: str
    language: str
    sketch: tuple[int, ...] = ()  # the smallest of its feature buckets (reader.sketch)


@dataclass(frozen=True)
class Weights:
    """A trained linear model: per class a weight for every bucket, a bias, a scale and a threshold."""

    header: dict
    per_class: dict[str, array]

    @property
    def kind(self) -> str:
        """Return the feature kind the model reads ("char" or "word")."""
        return str(self.header["kind"])

    @property
    def version(self) -> str:
        """Return the model's version, shown beside every flag it raises."""
        return str(self.header["version"])

    def threshold(self, label: str) -> float:
        """Return the score at or above which the model raises a flag for the class."""
        return float(self.header["thresholds"][label])


def weights_from_bytes(blob: bytes) -> Weights:
    """Read a weight file's bytes."""
    if not blob.startswith(MAGIC):
        raise ValueError("not a matcher risk weight file")
    at = len(MAGIC)
    (length,) = struct.unpack(">I", blob[at:at + 4])
    header = json.loads(blob[at + 4:at + 4 + length])
    at += 4 + length
    per_class = {}
    for label, size in zip(header["classes"], header["sizes"], strict=True):
        values = array("h")
        values.frombytes(zlib.decompress(blob[at:at + size]))
        if sys.byteorder != "little":
            values.byteswap()
        if len(values) != BUCKETS:
            raise ValueError(f"class {label}: {len(values)} weights, expected {BUCKETS}")
        per_class[label] = values
        at += size
    return Weights(header, per_class)


def weights_to_bytes(header: dict, per_class: dict[str, array]) -> bytes:
    """Write a weight file's bytes (training only)."""
    blocks = []
    for label in header["classes"]:
        values = array("h", per_class[label])
        if sys.byteorder != "little":
            values.byteswap()
        blocks.append(zlib.compress(values.tobytes(), 9))
    header = header | {"sizes": [len(block) for block in blocks]}
    encoded = json.dumps(header, sort_keys=True).encode()
    return MAGIC + struct.pack(">I", len(encoded)) + encoded + b"".join(blocks)


def examples_from_bytes(blob: bytes) -> tuple[Example, ...]:
    """Read the gzipped JSON lines of labelled examples."""
    lines = gzip.decompress(blob).decode("utf-8").splitlines()
    return tuple(Example(**(row | {"sketch": tuple(row.get("sketch", ()))}))
                 for row in (json.loads(line) for line in lines if line.strip()))


@cache
def load_model() -> tuple[Weights, tuple[Example, ...]]:
    """Read the packaged weights and labelled examples once per process."""
    return weights_from_bytes(WEIGHTS_FILE.read_bytes()), examples_from_bytes(EXAMPLES_FILE.read_bytes())
