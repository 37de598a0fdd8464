"""Skip the patterns a message cannot match, with one pass over its text (pure).

Every pattern of the rule table contains words that any match must contain
("tablets", "overdose"): read from the compiled expression itself, not written
by hand, so a new rule is covered the moment it is added. One Aho-Corasick pass
over the tidied message finds which of those words occur, and only patterns
whose words all occur are searched. A pattern with no such word is always
searched. tests/safeguarding/test_prefilter.py checks, over thousands of texts,
that no pattern that matches is ever skipped.
"""
import re
import re._constants as sre  # the stdlib's own parse of a pattern: what the engine will run
import re._parser as sre_parse
from collections.abc import Iterable, Sequence

import ahocorasick

# A required word shorter than this tells the filter nothing: "a" is in every message.
_SHORTEST_USEFUL = 3
# Under re.IGNORECASE these letters match an ASCII letter that str.lower() does not give
# (re/_casefix.py): fold them before the pass so the filter agrees with the engine.
_CASE_FIXES = str.maketrans({"ı": "i", "ſ": "s"})
_REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT)
_GROUPS = (sre.SUBPATTERN, sre.ATOMIC_GROUP)

Requirement = frozenset[str] | None  # at least one of these strings, or nothing known


def required_words(pattern: re.Pattern[str]) -> Requirement:
    """Return strings one of which occurs in every match of the pattern, or None."""
    return _sequence(sre_parse.parse(pattern.pattern, pattern.flags))


def _sequence(items: Iterable[tuple]) -> Requirement:
    """Pick the most telling requirement among a sequence's literal runs and parts."""
    candidates: list[frozenset[str]] = []
    run: list[str] = []
    for op, argument in items:
        if op is sre.LITERAL and chr(argument).isascii():
            run.append(chr(argument).lower())
            continue
        _close(run, candidates)
        run = []
        part = _item(op, argument)
        if part is not None:
            candidates.append(part)
    _close(run, candidates)
    return max(candidates, key=_telling, default=None)


def _close(run: list[str], candidates: list[frozenset[str]]) -> None:
    if len(run) >= _SHORTEST_USEFUL:
        candidates.append(frozenset({"".join(run)}))


def _telling(requirement: frozenset[str]) -> tuple[int, int]:
    """Rank a requirement: longer shortest word first, then fewer alternatives."""
    return min(map(len, requirement)), -len(requirement)


def _item(op: object, argument: object) -> Requirement:
    """Return what one parsed item requires, or None."""
    if op in _GROUPS:
        return _sequence(argument[-1])  # type: ignore[index]
    if op in _REPEATS:
        low, _high, body = argument  # type: ignore[misc]
        return _sequence(body) if low >= 1 else None
    if op is sre.BRANCH:
        return _any_of(argument[1])  # type: ignore[index]
    return None  # classes, assertions, anchors: no word is certain


def _any_of(branches: Sequence[Iterable[tuple]]) -> Requirement:
    """Return the union of each branch's requirement, or None if any branch has none."""
    words: set[str] = set()
    for branch in branches:
        requirement = _sequence(branch)
        if requirement is None:
            return None
        words |= requirement
    return frozenset(words)


class Prefilter:
    """Which of many patterns a text could match, found with one pass over it.

    A pattern is given as its parts, every one of which must match (an "all of"
    pattern has several); patterns are known by their position in the list.
    """

    def __init__(self, patterns: Sequence[Sequence[re.Pattern[str]]]):
        self._always: set[int] = set()
        # For each required word, the (pattern, part) pairs it satisfies.
        self._satisfies: dict[str, set[tuple[int, int]]] = {}
        self._parts_needed: dict[int, int] = {}
        for index, parts in enumerate(patterns):
            requirements = [requirement for part in parts if (requirement := required_words(part))]
            if not requirements:
                self._always.add(index)
                continue
            self._parts_needed[index] = len(requirements)
            for part_index, requirement in enumerate(requirements):
                for word in requirement:
                    self._satisfies.setdefault(word, set()).add((index, part_index))
        self._automaton = ahocorasick.Automaton()
        for word in self._satisfies:
            self._automaton.add_word(word, word)
        if self._satisfies:
            self._automaton.make_automaton()

    def possible(self, text: str) -> frozenset[int]:
        """Return the positions of the patterns the (tidied) text could match."""
        if not self._satisfies:
            return frozenset(self._always)
        words = {word for _end, word in self._automaton.iter(text.translate(_CASE_FIXES))}
        satisfied = set().union(*(self._satisfies[word] for word in words))
        parts_met: dict[int, int] = {}
        for index, _part in satisfied:
            parts_met[index] = parts_met.get(index, 0) + 1
        met = {index for index, count in parts_met.items() if count == self._parts_needed[index]}
        return frozenset(self._always | met)
