"""history.py: which lines of a reply reproduce earlier messages, however they were quoted."""
import textwrap
import time

from hypothesis import given, settings
from hypothesis import strategies as st

from matcher.mailrelay.reading.history import SHINGLE, new_text, repeated_lines

# Earlier messages use one alphabet and what the sender newly writes another, so a generated new
# line can never honestly reproduce earlier text.
_old_word = st.text(alphabet="abcdefghijklm", min_size=2, max_size=8)
_new_word = st.text(alphabet="nopqrstuvwxyz", min_size=2, max_size=8)
_old_text = st.lists(_old_word, min_size=SHINGLE * 2, max_size=60).map(" ".join)
_new_line = st.lists(_new_word, min_size=1, max_size=12).map(" ".join)
_quote = st.sampled_from(["> ", ">", ">> ", "> > ", "| ", ""])


def _rewrap(text: str, width: int, mark: str) -> list[str]:
    return [mark + line for line in textwrap.wrap(text, width=width)]


@settings(max_examples=150, deadline=None)
@given(_old_text, st.integers(min_value=12, max_value=90), _quote, st.booleans())
def test_rewrapped_and_requoted_history_is_repeated(earlier, width, mark, shout):
    quoted = _rewrap(earlier.upper() if shout else earlier, width, mark)
    assert repeated_lines("\n".join(quoted), [earlier]) == frozenset(range(len(quoted)))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(_new_line, _old_text), min_size=1, max_size=5),
       st.integers(min_value=20, max_value=80), _quote)
def test_interleaved_reply_keeps_every_new_line(pairs, width, mark):
    lines, new_indices = [], set()
    earlier = " ".join(old for _, old in pairs)
    for new, old in pairs:
        lines.extend(_rewrap(old, width, mark))
        new_indices.add(len(lines))
        lines.append(new)
    text = "\n".join(lines)
    repeated = repeated_lines(text, [earlier])
    assert repeated.isdisjoint(new_indices)
    assert repeated == frozenset(range(len(lines))) - new_indices
    assert new_text(text, [earlier]).splitlines() == [new for new, _ in pairs]


@settings(max_examples=100, deadline=None)
@given(st.lists(_new_line, min_size=1, max_size=8), st.lists(_old_text, max_size=3))
def test_text_never_written_before_is_all_new(lines, earlier):
    text = "\n".join(lines)
    assert repeated_lines(text, earlier) == frozenset()
    assert new_text(text, earlier) == text


def test_either_sides_history_counts_and_new_words_on_a_quoted_line_keep_it():
    mine = "I have been feeling so much better since the health visitor came round"
    theirs = "That is lovely to hear, the first visit after hospital is always a big step"
    reply = "\n".join([
        "> That is lovely to hear, the first visit",
        "> after hospital is always a big step",
        "Actually tonight I have the tablets saved up and I want to go",
        ">> I have been feeling so much better since the",
        ">> health visitor came round",
    ])
    assert repeated_lines(reply, [mine, theirs]) == {0, 1, 3, 4}
    assert "tablets" in new_text(reply, [mine, theirs])


def test_a_short_unquoted_line_is_read_even_if_its_words_occurred_before():
    earlier = "Thank you for writing. I am here if things get worse tonight."
    assert repeated_lines("things get worse tonight", [earlier]) == frozenset()
    assert repeated_lines("> things get worse tonight", [earlier]) == {0}


def test_time_grows_linearly_with_the_size_of_history_and_reply():
    def measure(copies: int) -> float:
        earlier = ["lorem ipsum dolor sit amet consectetur " * 40] * copies
        text = ("> lorem ipsum dolor sit amet\n" + "new words here\n") * (50 * copies)
        start = time.perf_counter()
        repeated_lines(text, earlier)
        return time.perf_counter() - start

    small = min(measure(10) for _ in range(3))
    large = min(measure(80) for _ in range(3))
    assert large < small * 8 * 3


def _reference_repeated_lines(text, earlier):
    """The first implementation, kept as the oracle: every run of 1 to SHINGLE words in one set."""
    from matcher.mailrelay.reading.history import SHINGLE, _words, is_quoted

    grams = set()
    for message in earlier:
        stream = _words(message)
        for start in range(len(stream)):
            for size in range(1, min(SHINGLE, len(stream) - start) + 1):
                grams.add(tuple(stream[start:start + size]))
    if not grams:
        return frozenset()
    lines = text.splitlines()
    per_line = [_words(line) for line in lines]
    stream = [word for words in per_line for word in words]
    covered = [False] * len(stream)
    for start in range(len(stream) - SHINGLE + 1):
        if tuple(stream[start:start + SHINGLE]) in grams:
            covered[start:start + SHINGLE] = [True] * SHINGLE
    repeated, position = set(), 0
    for index, words in enumerate(per_line):
        end = position + len(words)
        short = len(words) < SHINGLE and is_quoted(lines[index]) and tuple(words) in grams
        if words and (all(covered[position:end]) or short):
            repeated.add(index)
        position = end
    return frozenset(repeated)


def test_faster_shingles_find_exactly_the_lines_the_first_implementation_found():
    """Differential: thousands of generated replies quoting their thread in whole, in part and in short lines."""
    import random

    from matcher.mailrelay.reading.history import repeated_lines

    rng = random.Random(15)
    vocabulary = ["sleep", "baby", "tired", "walk", "river", "tea", "thank", "you", "so", "much", "for", "the",
                  "night", "feeds", "were", "hard", "today", "mum", "health", "visitor", "appointment", "tomorrow",
                  "garden", "sister", "lunch", "kitchen"]

    def message():
        width = rng.choice([0, 1, 2, 3, 4, 6, 10, 30])
        return "\n".join(rng.choice(["", "> ", ">> ", "| ", " > "])
                         + " ".join(rng.choice(vocabulary) for _ in range(rng.randint(0, width)))
                         for _ in range(rng.randint(1, 6)))

    differences = []
    for _ in range(3000):
        earlier = [message() for _ in range(rng.randint(0, 5))]
        reply = message()
        if earlier:
            quoted = rng.choice(earlier).splitlines() or [""]
            reply += "\n" + "\n".join(rng.choice(["> ", ""]) + line for line in quoted[:rng.randint(1, len(quoted))])
            words = rng.choice(earlier).split()
            if words:
                first = rng.randrange(len(words))
                reply += "\n> " + " ".join(words[first:first + rng.randint(1, 4)])
        if repeated_lines(reply, earlier) != _reference_repeated_lines(reply, earlier):
            differences.append((reply, earlier))
    assert differences == []
