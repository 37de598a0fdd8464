"""Which lines of a new message reproduce earlier messages of its thread (pure, linear time).

Mail clients quote history in many shapes: `>` marks of any depth, re-wrapped at another width, pasted
without marks, interleaved with the reply. Line equality misses all of those, so both sides are read as
one stream of normalised words (case, quote marks, whitespace and line breaks gone) and compared by
word shingles: a run of `SHINGLE` words that also occurs, in order, in an earlier message. A line is
repeated when every one of its words lies inside such a run; a quoted line too short to hold a run
counts when its words occur together in an earlier message. Everything else is what the sender newly
wrote.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

# Five words: long enough that ordinary phrases ("thank you so much for") rarely make a whole new
# line look repeated, short enough that a re-wrapped tail of two or three words is still covered by a
# run that starts on the line before.
SHINGLE = 5

_WORD = re.compile(r"\w+")
# Quote marks mail clients put before a line: `>` of any depth (with or without spaces) and `|`.
_QUOTE_MARKS = re.compile(r"[ \t]*(?:[>|][ \t]*)+")

_Gram = tuple[str, ...]


def _words(line: str) -> list[str]:
    return _WORD.findall(unicodedata.normalize("NFKC", line).casefold())


def _is_quoted(line: str) -> bool:
    return _QUOTE_MARKS.match(line) is not None


def _short_quote_of(line: str, words: list[str], grams: set[_Gram]) -> bool:
    """A quoted line too short for a shingle counts when its words occur together earlier."""
    return len(words) < SHINGLE and _is_quoted(line) and tuple(words) in grams


def _earlier_grams(earlier: Iterable[str]) -> set[_Gram]:
    """Every run of 1 to SHINGLE consecutive words of each earlier message (SHINGLE grams per word)."""
    grams: set[_Gram] = set()
    for message in earlier:
        stream = _words(message)
        for start in range(len(stream)):
            for size in range(1, SHINGLE + 1):
                if start + size > len(stream):
                    break
                grams.add(tuple(stream[start:start + size]))
    return grams


def _covered(stream: Sequence[str], grams: set[_Gram]) -> list[bool]:
    """Mark each word of the stream that lies inside a SHINGLE-word run found in `grams`."""
    covered = [False] * len(stream)
    reach = 0  # first index not yet covered by a matching run
    for start in range(len(stream) - SHINGLE + 1):
        if tuple(stream[start:start + SHINGLE]) in grams:
            for index in range(max(start, reach), start + SHINGLE):
                covered[index] = True
            reach = start + SHINGLE
    return covered


def repeated_lines(text: str, earlier: Iterable[str]) -> frozenset[int]:
    """Return the indices of the lines of `text` whose words reproduce an earlier message."""
    grams = _earlier_grams(earlier)
    if not grams:
        return frozenset()
    lines = text.splitlines()
    per_line = [_words(line) for line in lines]
    stream = [word for words in per_line for word in words]
    covered = _covered(stream, grams)
    repeated: set[int] = set()
    position = 0
    for index, words in enumerate(per_line):
        end = position + len(words)
        if words and (all(covered[position:end]) or _short_quote_of(lines[index], words, grams)):
            repeated.add(index)
        position = end
    return frozenset(repeated)


def new_text(text: str, earlier: Iterable[str]) -> str:
    """Return `text` without the lines that reproduce an earlier message (other lines unchanged)."""
    repeated = repeated_lines(text, earlier)
    if not repeated:
        return text
    lines = text.splitlines()
    return "\n".join(line for index, line in enumerate(lines) if index not in repeated)
