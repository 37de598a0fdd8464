"""Read a message for risk and for volunteer boundaries (pure).

The rules themselves are a table in table.py and the way everyday
language is read (idiom, denial, time) is a table in language.py; this
module applies both. assess() works sentence by sentence and clause by clause,
and when unsure it flags: a missed RED is the worst failure there is.
"""
import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache

from matcher.safeguarding.rules import language, prefilter
from matcher.safeguarding.rules.patterns import (
    AllOf,
    Found,
    WordPattern,
    compiled,
    compiled_unless,
    ignored_phrases,
    names_medicine_or_care_team,
)
from matcher.safeguarding.rules.table import ANYONE, RULES, RULES_VERSION, WORD_LISTS, Rule, Tier
from matcher.safeguarding.rules.text import Clause, Sentence, Tidied, blank_out, sentences, tidy

__all__ = ["AUTHORS", "RULES", "RULES_VERSION", "Flag", "Rule", "Tier", "assess", "highest_tier",
           "rules_fingerprint"]

AUTHORS = ("requester", "volunteer")
SEVERITY = (Tier.RED, Tier.AMBER, Tier.BOUNDARY)

_WORDS = re.compile(r"[\w']+")
_DENIED = ".denied"  # ends the code of a flag raised by a denial ("I'm not suicidal")
# How far around a match to read, in characters: enough for any phrase that
# bears on it, and it keeps a very long run-on message quick to read.
_WINDOW = 300
_EXCUSE_REACH = 4  # words either side of a match that can excuse it ("with my GP")
_DATE_REACH = 6  # words after a match that can date it ("... two years ago")
# Words inside a match that make the writer its subject ("not safe with me").
_WRITER = frozenset({"i", "i'm", "i'll", "i'd", "me", "myself"})


@dataclass(frozen=True)
class Flag:
    """One reason a message needs a person to look at it."""

    code: str
    tier: Tier
    label: str
    trigger: str
    rules_version: str = RULES_VERSION


@dataclass(frozen=True)
class _Reading:
    """A message tidied, cut up, and with its recovery talk marked."""

    tidied: Tidied
    sentences: tuple[Sentence, ...]
    # Clauses told in the past, and where each names a time long ago.
    told_in_the_past: dict[Clause, tuple[int, ...]]
    # Which of the table's patterns the text could match (see prefilter.py).
    possible: frozenset[int] = frozenset()


def assess(text: str, author: str = "requester") -> list[Flag]:
    """Read a message and return its flags, deduplicated, most severe first."""
    if author not in AUTHORS:
        raise ValueError(f"author must be one of {AUTHORS}, not {author!r}")
    reading = _read(text, author)
    flags = [flag for rule in RULES if _reads(rule, author) for flag in _rule_flags(rule, reading, author)]
    return _most_severe_first(_deduplicate(flags))


def highest_tier(flags: Iterable[Flag]) -> Tier | None:
    """Return the most severe tier among the flags, or None when there are none."""
    tiers = {flag.tier for flag in flags}
    return next((tier for tier in SEVERITY if tier in tiers), None)


def rules_fingerprint() -> str:
    """Return a digest of every rule and reading table, to catch an unversioned change."""
    reading = {name: _comparable(value) for name, value in sorted(vars(language).items()) if name.isupper()}
    return hashlib.sha256(repr((RULES, WORD_LISTS, reading)).encode()).hexdigest()[:16]


def _comparable(value: object) -> object:
    if isinstance(value, re.Pattern):
        return value.pattern
    return sorted(value) if isinstance(value, frozenset) else value


def _reads(rule: Rule, author: str) -> bool:
    return rule.applies_to == ANYONE or rule.applies_to == author


def _read(text: str, author: str) -> _Reading:
    tidied = blank_out(tidy(text), ignored_phrases())
    found = tuple(sentences(tidied.text))
    return _Reading(tidied, found, _told_in_the_past(tidied.text, found, author),
                    _prefilter().possible(tidied.text))


@cache
def _every_pattern() -> tuple[WordPattern | AllOf, ...]:
    """Return every pattern of the table, in table order."""
    return tuple(pattern for rule in RULES for pattern in compiled(rule))


@cache
def _prefilter() -> prefilter.Prefilter:
    """Return the prefilter over every rule's patterns, built on first use."""
    return prefilter.Prefilter([pattern.parts for pattern in _every_pattern()])


@cache
def _first_position() -> dict[str, int]:
    """Return where each rule's patterns start in _every_pattern(), by rule code."""
    # By position, never by object identity: two threads reading their first messages at once
    # can each compile a rule's patterns, and only one of those tuples is kept in the cache.
    starts, position = {}, 0
    for rule in RULES:
        starts[rule.code] = position
        position += len(rule.patterns)
    return starts


def _rule_flags(rule: Rule, reading: _Reading, author: str) -> Iterator[Flag]:
    text = reading.tidied.text
    # Most patterns are absent: their required words rule most out without a search,
    # then one quick search over the whole message rules out the rest.
    first = _first_position()[rule.code]
    present = [pattern for index, pattern in enumerate(compiled(rule))
               if _possible(first + index, reading) and pattern.search(text)]
    for index, sentence in enumerate(reading.sentences):
        for pattern in present:
            for found in pattern.finditer(text, sentence.start, sentence.end):
                flag = _judge(rule, reading, index, found, author)
                if flag is not None:
                    yield flag
                if flag is not None and flag.code == rule.code:
                    return  # one outright flag per rule is all a coordinator needs


def _possible(position: int, reading: _Reading) -> bool:
    """Say whether the prefilter left the pattern at this position possible for this text."""
    return position in reading.possible


def _judge(rule: Rule, reading: _Reading, index: int, found: Found, author: str) -> Flag | None:
    """Decide what one match means in its sentence: a flag, a lesser flag, or nothing."""
    text, sentence = reading.tidied.text, reading.sentences[index]
    clause = sentence.clause_at(found.start)
    before = _words(text[max(clause.start, found.start - _WINDOW):found.start])
    if _excused(rule, _near(text, clause, found)):
        return None
    if rule.about_self and not _about_writer(before, _words(text[found.start:found.end])):
        return None
    if rule.tier is not Tier.BOUNDARY and author == "volunteer" and _addressed_to_reader(before):
        return None
    if not rule.past_counts and _only_recovery_talk(reading, index, clause, found):
        return None
    trigger = reading.tidied.quote(found.quote_start, found.quote_end)
    if not _denied(before, text[found.end:min(clause.end, found.end + _WINDOW)]):
        return Flag(rule.code, rule.tier, rule.label, trigger)
    if rule.if_denied is None:
        return None
    return Flag(f"{rule.code}{_DENIED}", rule.if_denied, rule.denied_label, trigger)


def _excused(rule: Rule, nearby: str) -> bool:
    return any(pattern.search(nearby) for pattern in compiled_unless(rule))


def _near(text: str, clause: Clause, found: Found) -> str:
    """Return the match with a few words either side, within its clause."""
    # Only nearby words excuse a match: in a run-on message "I haven't slept
    # for 3 nights she's sleeping through now" must keep its risk.
    before = _words(text[max(clause.start, found.quote_start - _WINDOW):found.quote_start])
    after = _words(text[found.quote_end:min(clause.end, found.quote_end + _WINDOW)])
    nearby = [*before[-_EXCUSE_REACH:], text[found.quote_start:found.quote_end], *after[:_EXCUSE_REACH]]
    return " ".join(nearby)


def _about_writer(before: list[str], matched: list[str]) -> bool:
    """Say whether the writer is the subject of a match, not "the tablets"."""
    # "Thoughts of ...", "an urge to ..." and "I'm scared I'll ..." are the
    # writer's own, whatever adjectives come before them.
    if _WRITER.intersection(matched) or (matched and matched[0] in language.FRAMING):
        return True
    # Anything short of a clear other subject is read as the writer: a missed
    # RED costs more than a coordinator's look at a question about medicine.
    for word in reversed(before):
        if word in language.FIRST_PERSON or word in language.FRAMING:
            return True
        if word in language.SOMEONE_ELSE or names_medicine_or_care_team(word):
            return False
    return True


def _addressed_to_reader(before: list[str]) -> bool:
    """Say whether a volunteer is writing about the reader ("if you ever feel suicidal")."""
    for word in reversed(before):
        if word in language.SECOND_PERSON:
            return True
        if word in language.FIRST_PERSON:
            return False
    return False


def _denied(before: list[str], after: str) -> bool:
    """Say whether the words around a match deny it ("I would never hurt my baby")."""
    if language.GONE_AFTER.match(after):
        return True
    negators = [index for index, word in enumerate(before) if _is_negator(word)]
    if not negators:
        return False
    last = negators[-1]
    if last and before[last - 1] in language.SUGGESTIONS:
        return False
    between = before[last + 1:]
    if len(between) > language.DENIAL_REACH or language.TURNS_DENIAL_ROUND.intersection(between):
        return False
    return not language.FEAR.intersection(before[:last])


def _is_negator(word: str) -> bool:
    return word in language.NEGATORS or word.endswith("n't")


def _told_in_the_past(text: str, found: Iterable[Sentence], author: str) -> dict[Clause, tuple[int, ...]]:
    """Find the clauses told in the past, with where each names a time long ago."""
    # "When I was ill, I heard voices": the first clause sets the scene in the
    # past and the second, told in the past tense, stays there until a clause
    # in the present ("now I'm well") or a "but" brings the story back.
    # A volunteer's past tense is their recovery story, so it carries from
    # sentence to sentence; a requester's past tense with no time given may be
    # last night, so for them the setting ends with the sentence.
    volunteer = author == "volunteer"
    past: dict[Clause, tuple[int, ...]] = {}
    in_the_past = volunteer
    for sentence in found:
        in_the_past = in_the_past and volunteer
        for clause in sentence.clauses:
            clause_text = text[clause.start:clause.end]
            words = _words(clause_text)
            if words and words[0] in language.CONTRAST:
                in_the_past = volunteer
            markers = _long_ago(clause_text, set(words))
            in_the_past = bool(markers) or _still_in_the_past(clause_text, set(words), in_the_past)
            if markers:
                past[clause] = tuple(clause.start + marker for marker in markers)
            elif in_the_past and any(map(language.is_past_verb, words)):
                past[clause] = ()
    return past


def _long_ago(clause_text: str, words: set[str]) -> list[int]:
    """Return where a clause names a time long ago, unless it is also about now."""
    now = bool(words & language.NOW) or bool(language.RECENTLY.search(clause_text))
    if now or words & language.ONSET:
        return []
    return [marker.start() for marker in language.DISTANT_PAST.finditer(clause_text)]


def _still_in_the_past(clause_text: str, words: set[str], in_the_past: bool) -> bool:
    now = bool(words & language.NOW) or bool(language.RECENTLY.search(clause_text))
    return False if now or words & language.PRESENT else in_the_past


def _only_recovery_talk(reading: _Reading, index: int, clause: Clause, found: Found) -> bool:
    """Say whether a match is told of the past and nothing after it carries it into now."""
    if clause not in reading.told_in_the_past:
        return False
    markers = reading.told_in_the_past[clause]
    text = reading.tidied.text
    # A time long ago dates the words before it, and the few just after:
    # "I heard voices two years ago", not a run-on into another thought.
    dated = not markers or any(
        marker < found.start or len(_words(text[found.end:marker][:_WINDOW])) <= _DATE_REACH
        for marker in markers
    )
    return dated and not _still_going(reading, index, found.end)


def _still_going(reading: _Reading, index: int, after: int) -> bool:
    """Say whether the rest of the sentence, or the next, says "and I still do"."""
    text = reading.tidied.text
    for sentence in reading.sentences[index:index + 2]:
        start = max(after, sentence.start)
        for match in language.STILL_GOING.finditer(text, start, min(sentence.end, start + _WINDOW)):
            clause = sentence.clause_at(match.start())
            worried = language.WORRY.search(text[clause.start:clause.end])
            if clause not in reading.told_in_the_past and not worried:
                return True
    return False


def _deduplicate(flags: list[Flag]) -> list[Flag]:
    """Keep the first flag of each code, and drop a denial the same rule also flagged outright."""
    first: dict[str, Flag] = {}
    for flag in flags:
        first.setdefault(flag.code, flag)
    return [flag for code, flag in first.items() if code == code.removesuffix(_DENIED) or
            code.removesuffix(_DENIED) not in first]


def _most_severe_first(flags: list[Flag]) -> list[Flag]:
    return sorted(flags, key=lambda flag: SEVERITY.index(flag.tier))


def _words(text: str) -> list[str]:
    return _WORDS.findall(text)
