"""The rules' prefilter skips only patterns that cannot match: no flag ever changes."""
import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matcher.safeguarding.rules import reader
from matcher.safeguarding.rules.patterns import _body, compiled
from matcher.safeguarding.rules.prefilter import Prefilter, required_words
from matcher.safeguarding.rules.table import RULES
from matcher.safeguarding.rules.text import blank_out, tidy

DATA = Path(__file__).resolve().parents[1] / "data"
PATTERNS = [pattern for rule in RULES for pattern in compiled(rule)]
# Each table pattern's words as text a person could write (without the whole-word edges).
PHRASES = [re.compile(_body(part), re.IGNORECASE) for rule in RULES for pattern in rule.patterns
           for part in pattern.split(" & ")]
# Letters, spaces and punctuation, with the letters re.IGNORECASE folds unusually
# (dotless i, long s, Kelvin sign) and an accented one.
NOISE = st.text(st.sampled_from([*"abcdefghij klmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ .,!?'\n ",
                                 "\u0131", "\u017f", "\u00e9", "\u212a"]), max_size=80)


def _unfiltered(monkeypatch: pytest.MonkeyPatch, text: str, author: str) -> list:
    with monkeypatch.context() as patched:
        patched.setattr(reader, "_possible", lambda pattern, reading: True)
        return reader.assess(text, author)


def _labelled_texts() -> list[tuple[str, str]]:
    rows = [json.loads(line) for line in (DATA / "risk_messages.jsonl").read_text().splitlines() if line]
    texts = [(row["text"], row["author"]) for row in rows]
    for path in sorted((DATA / "risk-train").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                texts.append((row["text"], "volunteer" if row["sender"] == "volunteer" else "requester"))
    return texts


def test_every_labelled_message_gets_the_same_flags_with_and_without_the_prefilter(monkeypatch):
    texts = _labelled_texts()
    assert len(texts) >= 800
    differing = [text for text, author in texts
                 if reader.assess(text, author) != _unfiltered(monkeypatch, text, author)]
    assert differing == []


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), before=NOISE, after=NOISE, author=st.sampled_from(reader.AUTHORS))
def test_text_written_to_match_any_pattern_gets_the_same_flags(data, before, after, author):
    phrase = data.draw(st.sampled_from(PHRASES).flatmap(lambda regex: st.from_regex(regex, fullmatch=True)))
    text = f"{before} {phrase} {after}"
    with pytest.MonkeyPatch.context() as monkeypatch:
        assert reader.assess(text, author) == _unfiltered(monkeypatch, text, author)


@settings(max_examples=300, deadline=None)
@given(data=st.data(), before=NOISE, after=NOISE)
def test_a_pattern_that_matches_is_never_skipped(data, before, after):
    phrase = data.draw(st.sampled_from(PHRASES).flatmap(lambda regex: st.from_regex(regex, fullmatch=True)))
    text = blank_out(tidy(f"{before} {phrase} {after}"), re.compile("(?!)")).text
    possible = reader._prefilter().possible(text)
    for index, pattern in enumerate(PATTERNS):
        if pattern.search(text):
            assert index in possible, pattern.parts[0].pattern[:120]


def test_a_dotless_i_or_long_s_cannot_slip_past_it():
    # re.IGNORECASE matches a dotless i for "i" and a long s for "s"; the filter must agree with the engine.
    prefilter = Prefilter([(re.compile(r"suicidal", re.IGNORECASE),)])
    assert prefilter.possible("i feel su\u0131cidal") == frozenset({0})
    assert prefilter.possible("i feel \u017fuicidal") == frozenset({0})
    assert prefilter.possible("i feel fine") == frozenset()


def test_required_words_come_from_the_expression_itself():
    assert required_words(re.compile(r"(?<!\w)(?:over ?dose|tablets)(?!\w)")) == {"over", "tablets"}
    assert required_words(re.compile(r"(?:i|me) want")) == {" want"}
    assert required_words(re.compile(r"(?:i|me)")) is None  # too short to tell anything: always searched


def test_most_patterns_are_skipped_for_an_ordinary_message():
    possible = reader._prefilter().possible(tidy("Thanks for your message, the baby slept well.").text)
    assert len(possible) < len(PATTERNS) / 4


def test_threads_reading_their_first_messages_at_once_all_get_flags():
    # The SMTP listener reads on worker threads: each may compile a rule's patterns on first use,
    # and only one compiled copy is cached; the prefilter must not depend on which.
    import threading

    from matcher.safeguarding.rules import patterns

    for cached in (patterns.compiled, reader._every_pattern, reader._prefilter, reader._first_position):
        cached.cache_clear()
    start, results, errors = threading.Barrier(8), [], []

    def read():
        start.wait()
        try:
            results.append(reader.assess("I want to die, I have saved up my tablets"))
        except Exception as error:  # noqa: BLE001 - the failure this test looks for
            errors.append(error)

    threads = [threading.Thread(target=read) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and len(results) == 8
    assert all(any(flag.tier == "red" for flag in flags) for flags in results)
