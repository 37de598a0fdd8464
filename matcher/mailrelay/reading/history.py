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


def is_quoted(line: str) -> bool:
    """Say whether a line starts with a quote mark (`>` of any depth, or `|`)."""
    return _QUOTE_MARKS.match(line) is not None


class _Earlier:
    """The thread's earlier messages as word streams: their SHINGLE-word runs, and a way to find shorter runs."""

    def __init__(self, earlier: Iterable[str]):
        streams = [_words(message) for message in earlier]
        # zip over shifted views builds each run in C and stops at the shortest: only full-length runs.
        self.grams: set[_Gram] = {gram for stream in streams
                                  for gram in zip(*(stream[i:] for i in range(SHINGLE)), strict=False)}
        self.any_words = any(streams)
        self._joined: str | None = None
        self._streams = streams

    def has_run(self, words: list[str]) -> bool:
        """Say whether these words occur together, in order, in one earlier message."""
        if self._joined is None:  # built only when a short quoted line needs it (rare)
            # Words hold no spaces and "\n" ends each message, so a match never spans two messages.
            self._joined = "".join(f" {' '.join(stream)} \n" for stream in self._streams)
        return f" {' '.join(words)} " in self._joined


def _short_quote_of(line: str, words: list[str], earlier: _Earlier) -> bool:
    """A quoted line too short for a shingle counts when its words occur together earlier."""
    return len(words) < SHINGLE and is_quoted(line) and earlier.has_run(words)


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
    thread = _Earlier(earlier)
    if not thread.any_words:
        return frozenset()
    lines = text.splitlines()
    per_line = [_words(line) for line in lines]
    stream = [word for words in per_line for word in words]
    covered = _covered(stream, thread.grams)
    repeated: set[int] = set()
    position = 0
    for index, words in enumerate(per_line):
        end = position + len(words)
        if words and (all(covered[position:end]) or _short_quote_of(lines[index], words, thread)):
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
