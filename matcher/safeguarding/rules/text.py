"""Tidy a message for the risk rules and cut it into sentences and clauses (pure).

The tidied text keeps, for every character, where it came from in the message,
so a flag can quote the writer's own words rather than our tidied copy.
"""
import bisect
import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property

# Curly and look-alike apostrophes, quotes and dashes all read as the plain ones.
_LOOKALIKES = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201b": "'", "\u02bc": "'", "\u2032": "'", "`": "'", "\u00b4": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2013": "-", "\u2014": "-", "\u2212": "-",
    "\u00a0": " ", "\u200b": " ", "\u2026": ".", "\t": " ",
})

# Apostrophes people leave out and shorthand typed in a hurry; "ill", "were"
# and "its" are left alone because they are real words ("when I was ill").
_SHORTHAND = {
    "dont": "don't", "cant": "can't", "wont": "won't", "didnt": "didn't", "doesnt": "doesn't",
    "isnt": "isn't", "arent": "aren't", "wasnt": "wasn't", "werent": "weren't", "havent": "haven't",
    "hasnt": "hasn't", "hadnt": "hadn't", "wouldnt": "wouldn't", "couldnt": "couldn't",
    "shouldnt": "shouldn't", "im": "i'm", "ive": "i've", "id": "i'd", "youre": "you're",
    "youve": "you've", "theyre": "they're", "thats": "that's", "whats": "what's", "theres": "there's",
    "lets": "let's", "heres": "here's", "u": "you", "ur": "your", "cannot": "can't", "abt": "about",
    "thru": "through", "pls": "please", "plz": "please",
}
_WORD = re.compile(r"[a-z]+")

# A sentence begun without a full stop before it: "I bought a rope When I was
# unwell ...". Only words that rarely start a name count, and never "I".
_UNMARKED_SENTENCE = re.compile(
    r"(?<=[a-z0-9'\u2019)])[ \t](?=(When|But|And|So|The|My|It|She|He|We|They|This|That|Today|Yesterday|"
    r"Last|Then|Now|Also|Anyway|Honestly|Sorry|Thanks|Thank|Hope|Hi|Please|Sometimes|After|Before|Since|"
    r"Because|If|What|How|Why|Is|Are|Do|Did|Our|Her|His|Your|There|Well|Oh|Just)\b)"
)
# Each run of stops is tried once, from its first character and whole (a run that does not end a
# sentence from its start does not from anywhere inside it), so a long run costs linear time.
_SENTENCE_END = re.compile(r"(?<![.!?])[.!?]++(?=\s|$|[\"')])|\n[ \t]*+\n")
# Where one clause of a sentence ends and the next begins: negation and tense
# are read within a clause, so "I'm not sleeping and I hear voices" keeps its
# voices.
_CLAUSE_BREAK = re.compile(
    r"[,;:()]|\s-+\s|\b(?:and|but|because|cos|coz|though|although|except|whereas|while|however|"
    r"yet|now|anyway)\b"
)


@dataclass(frozen=True)
class Tidied:
    """A message in lower case with plain punctuation, mapped back to the original."""

    text: str
    origin: tuple[int, ...]
    original: str

    def quote(self, start: int, end: int) -> str:
        """Return the writer's own words behind text[start:end]."""
        if start >= end:
            return ""
        return self.original[self.origin[start]:self.origin[end - 1] + 1].strip()


@dataclass(frozen=True)
class Clause:
    """A stretch of a sentence between commas, "and", "but" and the like."""

    start: int
    end: int


@dataclass(frozen=True)
class Sentence:
    """A sentence with its clauses, as positions in the tidied text."""

    start: int
    end: int
    clauses: tuple[Clause, ...]

    @cached_property
    def _starts(self) -> list[int]:
        return [clause.start for clause in self.clauses]

    def clause_at(self, position: int) -> Clause:
        """Return the clause holding a position."""
        return self.clauses[max(bisect.bisect_right(self._starts, position) - 1, 0)]


def tidy(message: str) -> Tidied:
    """Lower-case the message, straighten punctuation and restore apostrophes."""
    pieces: list[str] = []
    origin: list[int] = []
    unmarked = {match.start() for match in _UNMARKED_SENTENCE.finditer(message)}
    for index, character in enumerate(message):
        plain = unicodedata.normalize("NFKC", character).translate(_LOOKALIKES).lower()
        if index in unmarked or (plain == "\n" and _new_line_starts_a_sentence(message, index)):
            plain = "\n\n"
        elif plain == " " and pieces and pieces[-1] in (" ", "\n\n"):
            continue  # one space between words, so patterns can rely on it
        pieces.append(plain)
        origin.extend([index] * len(plain))
    tidied = Tidied("".join(pieces), tuple(origin), message)
    return _restore_apostrophes(tidied)


def _new_line_starts_a_sentence(message: str, index: int) -> bool:
    # People often write one thought a line with no full stops: a line that
    # opens with a capital letter starts a new sentence.
    following = message[index + 1:index + 40].lstrip(" \t")
    return bool(following) and following[0].isupper()


def blank_out(tidied: Tidied, pattern: re.Pattern[str]) -> Tidied:
    """Replace every match with spaces, so no rule can see those words."""
    text = pattern.sub(lambda match: " " * len(match.group()), tidied.text)
    return Tidied(text, tidied.origin, tidied.original)


def sentences(text: str) -> list[Sentence]:
    """Cut tidied text into sentences, each cut into clauses."""
    found, start = [], 0
    for boundary in _SENTENCE_END.finditer(text):
        found.append(_sentence(text, start, boundary.end()))
        start = boundary.end()
    if text[start:].strip():
        found.append(_sentence(text, start, len(text)))
    return [sentence for sentence in found if text[sentence.start:sentence.end].strip()]


def _sentence(text: str, start: int, end: int) -> Sentence:
    clauses, clause_start = [], start
    for boundary in _CLAUSE_BREAK.finditer(text, start, end):
        clauses.append(Clause(clause_start, boundary.start()))
        clause_start = boundary.start()
    clauses.append(Clause(clause_start, end))
    return Sentence(start, end, tuple(clause for clause in clauses if clause.end > clause.start))


def _restore_apostrophes(tidied: Tidied) -> Tidied:
    pieces: list[str] = []
    origin: list[int] = []
    last = 0
    for word in _WORD.finditer(tidied.text):
        replacement = _SHORTHAND.get(word.group())
        if replacement is None or _inside_a_word(tidied.text, word):
            continue
        pieces.append(tidied.text[last:word.start()])
        origin.extend(tidied.origin[last:word.start()])
        pieces.append(replacement)
        span = tidied.origin[word.start():word.end()]
        origin.extend(span[min(i, len(span) - 1)] for i in range(len(replacement)))
        last = word.end()
    pieces.append(tidied.text[last:])
    origin.extend(tidied.origin[last:])
    return Tidied("".join(pieces), tuple(origin), tidied.original)


def _inside_a_word(text: str, word: re.Match[str]) -> bool:
    # "i'm" split by the pattern at the apostrophe, or "u" in "u2" or an email
    # address, is not a word on its own.
    before = text[word.start() - 1] if word.start() else " "
    after = text[word.end()] if word.end() < len(text) else " "
    return before in "'@.-_+" or before.isalnum() or after in "'@-_" or after.isalnum()
