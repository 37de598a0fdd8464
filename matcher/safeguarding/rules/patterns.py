"""Turn the patterns of the rule table into regular expressions (pure).

The table's patterns are written for a coordinator to read (see the guide in
table.py); this module compiles them once and caches the result.
"""
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from matcher.safeguarding.rules import language
from matcher.safeguarding.rules.model import Rule
from matcher.safeguarding.rules.words import WORD_LISTS

# A space in a pattern: spaces and at most a line break, never a blank line.
_SPACE = r"(?:[^\S\n]|\n(?![^\S\n]*\n))+"
# "..." in a pattern: up to five words, never across a comma or full stop.
_GAP = r"(?:\s+[^\s,;:.!?()]+){0,5}?\s+"
_LIST_NAME = re.compile(r"\{([a-z_]+)\}")
_OPEN_GROUP = re.compile(r"(?<!\\)\((?!\?)")
_LOOK_BEHIND = re.compile(r"(\(\?<[!=](?:\[[^\]]*\]|[^()])*\))")


@dataclass(frozen=True)
class Found:
    """Where a pattern matched: its anchor words, and the whole stretch to quote."""

    start: int
    end: int
    quote_start: int
    quote_end: int


@dataclass(frozen=True)
class WordPattern:
    """A pattern of words in order."""

    regex: re.Pattern[str]

    @property
    def parts(self) -> tuple[re.Pattern[str], ...]:
        """Return the expressions that must all match."""
        return (self.regex,)

    def search(self, text: str) -> bool:
        """Say whether the pattern occurs anywhere in the text."""
        return self.regex.search(text) is not None

    def finditer(self, text: str, start: int, end: int) -> Iterator[Found]:
        """Yield every match between start and end."""
        for match in self.regex.finditer(text, start, end):
            yield Found(match.start(), match.end(), match.start(), match.end())


@dataclass(frozen=True)
class AllOf:
    """Patterns joined by " & ": all of them somewhere in one sentence, in any order."""

    anchor: re.Pattern[str]
    others: tuple[re.Pattern[str], ...]

    @property
    def parts(self) -> tuple[re.Pattern[str], ...]:
        """Return the expressions that must all match."""
        return (self.anchor, *self.others)

    def search(self, text: str) -> bool:
        """Say whether every part occurs somewhere in the text."""
        return all(part.search(text) for part in (self.anchor, *self.others))

    def finditer(self, text: str, start: int, end: int) -> Iterator[Found]:
        """Yield each match of the first part in a sentence that holds all the others."""
        others = [found for part in self.others if (found := part.search(text, start, end))]
        if len(others) < len(self.others):
            return
        for match in self.anchor.finditer(text, start, end):
            starts = [match.start(), *(other.start() for other in others)]
            ends = [match.end(), *(other.end() for other in others)]
            yield Found(match.start(), match.end(), min(starts), max(ends))


def names_medicine_or_care_team(word: str) -> bool:
    """Say whether a word names a medicine or someone in the care team."""
    return bool(_medicine_or_care_team().fullmatch(word))


@cache
def ignored_phrases() -> re.Pattern[str]:
    """Return one expression matching every everyday phrase the rules ignore."""
    phrases = "|".join(f"(?:{_body(phrase)})" for phrase, _example in language.IGNORED_PHRASES)
    return re.compile(rf"(?<![\w'])(?:{phrases})(?!\w)", re.IGNORECASE)


@cache
def _medicine_or_care_team() -> re.Pattern[str]:
    return re.compile(f"{_word_list('medicine')}|{_word_list('care_team')}")


@cache
def compiled(rule: Rule) -> tuple[WordPattern | AllOf, ...]:
    """Return a rule's patterns, ready to search a message."""
    return tuple(_pattern(pattern) for pattern in rule.patterns)


def _pattern(pattern: str) -> WordPattern | AllOf:
    if " & " not in pattern:
        return WordPattern(_compile(pattern))
    anchor, *others = (_compile(part) for part in pattern.split(" & "))
    return AllOf(anchor, tuple(others))


@cache
def compiled_unless(rule: Rule) -> tuple[re.Pattern[str], ...]:
    """Return the phrases that excuse a rule's matches, as regular expressions."""
    return tuple(_compile(pattern) for pattern in rule.unless)


def _compile(pattern: str) -> re.Pattern[str]:
    """Turn a pattern from the table into a regular expression on whole words."""
    return re.compile(rf"(?<![\w'])(?:{_body(pattern)})(?!\w)", re.IGNORECASE)


def _body(pattern: str) -> str:
    parts = [_words_to_regex(part) for part in pattern.split(" ... ")]
    return _GAP.join(parts)


def _words_to_regex(part: str) -> str:
    expanded = _LIST_NAME.sub(lambda name: _word_list(name.group(1)), part)
    # A look-behind must have a fixed width, and tidy() leaves single spaces.
    pieces = _LOOK_BEHIND.split(expanded)
    spaced = "".join(piece if _LOOK_BEHIND.fullmatch(piece) else _spaced(piece) for piece in pieces)
    return _OPEN_GROUP.sub("(?:", spaced)


def _spaced(piece: str) -> str:
    return piece.replace(" ?", f"(?:{_SPACE})?").replace(" ", _SPACE)


@cache
def _word_list(name: str) -> str:
    return "(?:" + "|".join(_words_to_regex(entry) for entry in WORD_LISTS[name]) + ")"
