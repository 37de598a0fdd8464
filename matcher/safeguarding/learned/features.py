"""Turn text into hashed n-gram features and cut it into windows (pure).

The same functions build the training matrix (train.py) and score a message
(reader.py), so what the model learned and what it reads cannot drift apart.
Everything here runs in time linear in the text read, which is capped.
"""
import bisect
import re
import unicodedata
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

BUCKETS = 1 << 18
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

_APOSTROPHES = str.maketrans("", "", "'\u2018\u2019\u02bc\u2032`\u00b4")
# Sentence ends and line breaks: where a window may start or stop.
# Each run of stops is tried once, from its first character (the look-behind), so a long run of
# dots costs linear time rather than one attempt from every dot.
_BREAK = re.compile(r"(?<![.!?\u061f\u06d4\u0964])[.!?\u061f\u06d4\u0964]++\s+|\n+")
_SPACE = re.compile(r"[^\w]+")
_WORDLIKE = re.compile(r"[^\W_]")


@dataclass(frozen=True)
class Window:
    """A stretch of the message, as positions in the original text."""

    start: int
    end: int


def fold(text: str) -> str:
    """Fold case, accents and apostrophes, and reduce every run of non-word characters to one space."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_APOSTROPHES))
    # Combining marks go (é -> e), but only in Latin letters: in Arabic, Urdu and Gurmukhi they carry sound.
    plain = "".join(ch for ch in decomposed if not (unicodedata.combining(ch) and ch < "\u0370"))
    return _SPACE.sub(" ", unicodedata.normalize("NFC", plain)).strip()


def char_grams(folded: str) -> Iterator[str]:
    """Yield the character n-grams of each word, padded with a space either side."""
    for word in folded.split(" "):
        padded = f" {word} "
        for size in CHAR_SIZES:
            for start in range(len(padded) - size + 1):
                yield padded[start:start + size]


def word_grams(folded: str) -> Iterator[str]:
    """Yield word unigrams, bigrams and trigrams, marked apart from character n-grams."""
    words = folded.split(" ")
    for size in WORD_SIZES:
        for start in range(len(words) - size + 1):
            yield "\x01" + " ".join(words[start:start + size])


def buckets(text: str, author: str, kind: str = "both") -> frozenset[int]:
    """Return the hashed feature buckets of a text and its author: "char" n-grams, "word" n-grams or "both"."""
    folded = fold(text[:MAX_CHARS])
    grams = [*(char_grams(folded) if kind in ("char", "both") else ()),
             *(word_grams(folded) if kind in ("word", "both") else ())]
    found = {zlib.crc32(gram.encode()) % BUCKETS for gram in grams}
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
