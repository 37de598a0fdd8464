"""Turn text into hashed n-gram features and cut it into windows (pure).

The same functions build the training matrix (train.py) and score a message
(reader.py), so what the model learned and what it reads cannot drift apart.
Everything here runs in time linear in the text read, which is capped.
"""
import bisect
import functools
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from matcher.safeguarding.learned import normalise
from matcher.safeguarding.learned.normalise import WORD, bare_word, folded_word, plain_words

BUCKETS = 1 << 18
# The code that turns text into features: the weights' fingerprint covers it.
SOURCES = (Path(__file__), Path(normalise.__file__))
CHAR_SIZES = (1, 2, 3, 4, 5)
WORD_SIZES = (1, 2, 3)
# More than this is not read: a disclosure is in what she wrote, not in page 40 of a paste.
MAX_CHARS = 20_000
# A window is a few sentences: long enough for "I have the tablets. Tonight.", short enough that one
# disclosure is not diluted by a long ordinary letter around it.
WINDOW_CHARS = 320
_AUTHOR_MARK = "\x00author:"
_STEP = 80  # the least distance between two runs' starts
# In a long message a sentence shorter than this ("Tonight.") is read only with its neighbours.
_SHORTEST_ALONE = 30

# Sentence ends and line breaks: where a window may start or stop.
# Each run of stops is tried once, from its first character (the look-behind), so a long run of
# dots costs linear time rather than one attempt from every dot.
_BREAK = re.compile(r"(?<![.!?\u061f\u06d4\u0964])[.!?\u061f\u06d4\u0964]++\s+|\n+")
_WORDLIKE = re.compile(r"[^\W_]")
# Polish, Welsh and Arabic inflect: "chcę umrzeć" / "chciałam umrzeć". Pairs of word beginnings carry a
# phrase across its endings; single beginnings of 4 letters are already character 5-grams (" chce").
PREFIX = 4
LONG_PREFIX = 5
_WORD_MARK, _PREFIX_MARK, _FOLDED_MARK, _PAIR_MARK = "\x01", "\x03", "\x04", "\x05"


@dataclass(frozen=True)
class Window:
    """A stretch of the message, as positions in the original text."""

    start: int
    end: int


def fold(text: str) -> str:
    """Return the plain reading of a text as words joined by single spaces (normalise.plain_words)."""
    return " ".join(plain_words(text))


@functools.lru_cache(maxsize=4096)
def _word_char_buckets(word: str) -> tuple[int, ...]:
    """Return the buckets of a word's character n-grams, plain and bare, and the start of its folded reading."""
    grams = set(_padded_grams(f" {word} "))
    bare = bare_word(word)
    if bare != word:
        grams.update(_padded_grams(f" {bare} "))
    # A mutation changes only a word's start, so only the folded start is new ("\x02pabi" for "mabi").
    folded = f" {folded_word(word)}"
    grams.update(folded[:size] for size in CHAR_SIZES[1:] if size <= len(folded))
    return tuple(zlib.crc32(gram.encode()) % BUCKETS for gram in grams)


def _padded_grams(padded: str) -> Iterator[str]:
    for size in CHAR_SIZES:
        for start in range(len(padded) - size + 1):
            yield padded[start:start + size]


def char_grams(words: list[str]) -> set[int]:
    """Return the buckets of each word's character n-grams (padded with a space either side), plain and bare."""
    found: set[int] = set()
    for word in set(words):
        found.update(_word_char_buckets(word))
    return found


def word_grams(words: list[str]) -> Iterator[str]:
    """Yield word 1-3-grams of the bare words, folded words, long beginnings and pairs of beginnings, marked apart."""
    bare = [bare_word(word) for word in words]
    for size in WORD_SIZES:
        for start in range(len(bare) - size + 1):
            yield _WORD_MARK + " ".join(bare[start:start + size])
    folded = [folded_word(word) for word in words]
    beginnings = [word[:PREFIX + (2 if word.startswith("\x02") else 0)] for word in folded]
    for word, other in zip(bare, folded, strict=True):
        yield _FOLDED_MARK + other  # always, so "henw" (folded "enw") meets "enw"
        if len(word) > LONG_PREFIX:
            yield _PREFIX_MARK + word[:LONG_PREFIX]
    for start in range(len(beginnings) - 1):
        yield _PAIR_MARK + beginnings[start] + " " + beginnings[start + 1]


def buckets(text: str, author: str, kind: str = "both") -> frozenset[int]:
    """Return the hashed feature buckets of a text and its author: "char" n-grams, "word" n-grams or "both"."""
    words = plain_words(text[:MAX_CHARS])
    found = char_grams(words) if kind in ("char", "both") else set()
    if kind in ("word", "both"):
        found.update(zlib.crc32(gram.encode()) % BUCKETS for gram in set(word_grams(words)))
    found.add(author_bucket(author))
    return frozenset(found)


def author_bucket(author: str) -> int:
    """Return the bucket that tells the model who wrote the text."""
    return zlib.crc32((_AUTHOR_MARK + author).encode()) % BUCKETS


def windows(text: str) -> list[Window]:
    """Cut the text read into windows: a short message whole; a long one by sentence and by runs of sentences."""
    text = text[:MAX_CHARS]
    if len(text) <= WINDOW_CHARS:
        found = [Window(0, len(text))]
    else:
        breaks = [match.end() for match in _BREAK.finditer(text)]
        runs = [_run_from(text, start, breaks) for start in _starts(text, breaks)]
        alone = [window for window in _sentences(text, breaks) if window.end - window.start >= _SHORTEST_ALONE]
        found = [*alone, *runs]
    # A window with no letter or digit says nothing: scored, it would be the author's weight alone.
    return [window for window in dict.fromkeys(found) if _WORDLIKE.search(text, window.start, window.end)]


# A window needs this many words before the model's score means anything: on "Third note." or
# "Thanks x" a linear model returns little more than its bias for the writer's role. Shorter
# messages are left to the rules, which read a short "I want to die" as readily as a long one.
MIN_WORDS = 6


def scored_windows(text: str) -> list[Window]:
    """Return the windows the model scores: those with at least MIN_WORDS words (as the trainer measures)."""
    return [window for window in windows(text) if len(WORD.findall(text, window.start, window.end)) >= MIN_WORDS]


def _sentences(text: str, breaks: list[int]) -> list[Window]:
    """Return each sentence as a window, a long one cut into pieces: together they cover the text once."""
    pieces: list[Window] = []
    for start, end in zip([0, *breaks], [*breaks, len(text)], strict=True):
        pieces.extend(Window(at, min(end, at + WINDOW_CHARS)) for at in range(start, end, WINDOW_CHARS))
    return pieces


def _starts(text: str, breaks: list[int]) -> list[int]:
    """Return where runs start: sentence starts at least a step apart, and a step into a long sentence."""
    # Every character lies in at most WINDOW_CHARS / _STEP runs, so the reading stays linear.
    kept = [0]
    for start in breaks:
        while start - kept[-1] > 2 * _STEP:
            kept.append(kept[-1] + _STEP)
        if start - kept[-1] >= _STEP and start < len(text):
            kept.append(start)
    while len(text) - kept[-1] > WINDOW_CHARS:
        kept.append(kept[-1] + _STEP)
    return kept


def _run_from(text: str, start: int, breaks: list[int]) -> Window:
    """Return the run from start up to WINDOW_CHARS on, ending at a sentence end, else between words."""
    limit = start + WINDOW_CHARS
    if limit >= len(text):
        return Window(start, len(text))
    last = bisect.bisect_right(breaks, limit) - 1
    if last >= 0 and breaks[last] > start + _STEP:
        return Window(start, breaks[last])
    space = text.rfind(" ", start + WINDOW_CHARS // 2, limit)
    return Window(start, space if space > 0 else limit)
