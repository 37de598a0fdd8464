"""Every pattern the relay applies to a stranger's text runs in linear time (issue 11, relay: High).

A message's text is attacker-chosen before the sender is known, so no pattern may cost more than a
bounded amount per character. Each family of patterns is timed, in CPU seconds, on text of the
worst shapes for it at 4k, 16k and 64k characters: linear work grows about 4x per step, quadratic
16x. Before the fix, one 32k-character line took the signature reader tens of seconds.
"""
import gc
import re
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matcher.mailrelay.anonymising import names, quotes, scrub, unsure
from matcher.mailrelay.anonymising.contact_offers import find_contact_offers
from matcher.mailrelay.reading import dsn, headers, history, risk_text
from matcher.mailrelay.reading.parse import parse
from matcher.safeguarding.rules.reader import assess

# Runs of one unit, each the worst case for some pattern: spaces, digits, dots, "a@", "-- ",
# hyphenated capitals, "+1", dotted words, spelled-out "at" and "dot", and the rest.
SHAPES = (" ", "a", "A-", "a-", "1", "1 ", "1-", "+1", ".", "..x", "a.", "a.a", "a@", "@a", "a+", "A&",
          "Aa", "-- ", "x", "\t", "_", "a at ", "a dot ", "(at) ", "www.", "A ", "12 A ", "\n", "\n \n", "Aa. Bb Cc ",
          "%4", "a%40.")
SIZES = (4_000, 16_000, 64_000)
# Readers that do a lot per character are timed on shorter text (the same 4x steps), so the
# test stays short; quadratic growth shows at any size.
FAMILY_SIZES = {"risk rules": (1_000, 4_000, 16_000), "identifier scrubbing": (2_000, 8_000, 32_000)}
# Below this many CPU seconds at 64k the growth is not measured: timer noise, not an attack.
FLOOR = 0.05
# Quadratic work grows 16x from 16k to 64k; linear 4x.
MAX_GROWTH = 8.0
# Over this at 16k already, the reader is far too slow whatever the growth (and the run stays short).
CEILING_16K = 2.0

IDENTITY = scrub.Identity(names=("Jane Doe-Smith",), emails=("jane.doe84@gmail.com", "jd@example.org"),
                          phones=("07700 900123",), employers=("Example Widgets Ltd",),
                          postal=("12 Acacia Avenue, Leeds, LS1 4AB",))

FAMILIES = {
    "quoted history": quotes.strip_quoted_history,
    "quoted history beside the thread": lambda text: quotes.strip_quoted_history(text, ["Sunny"], [text[:2000]]),
    "names in quoted headers": names.quoted_header_names,
    "anonymiser's doubts": lambda text: unsure.doubts(text, ()),
    "signature and contact lines": lambda text: quotes.strip_signature(text, ["Jane Doe-Smith"]),
    "contact offers": find_contact_offers,
    "identifier scrubbing": lambda text: scrub.scrub_text(text, [IDENTITY], ["Sunny"], "GB"),
    "risk rules": assess,
    "address headers": lambda text: headers.mailboxes([text, f"{text}@{text}", f"<{text}@example.org>"]),
    "bounce reports": dsn._ADDRESS.search,
    # What risk reads: quote marks and shingles against the thread, reply prefixes on the subject.
    "thread history": lambda text: history.new_text(text, [text[::2], text[1:]]),
    "subject prefixes": lambda text: risk_text._bare_subject("Re: " * 50 + text),
}


def _shaped(unit: str, size: int) -> str:
    # One line of the unit, after a greeting, and an ending that makes every pattern fail late.
    return "Hello\n\n" + (unit * (size // len(unit) + 1))[:size] + "!"


def _cpu_seconds(read, text: str, runs: int = 2) -> float:
    best = float("inf")
    gc.disable()  # a collection of earlier garbage is not the reader's cost
    try:
        for _ in range(runs):  # the least of the runs: a pause of the machine is not the reader's cost
            started = time.process_time()
            read(text)
            best = min(best, time.process_time() - started)
    finally:
        gc.enable()
    return best


@pytest.mark.parametrize("family", FAMILIES)
def test_each_pattern_family_reads_adversarial_text_in_linear_time(family):
    read, sizes = FAMILIES[family], FAMILY_SIZES.get(family, SIZES)
    slow = []
    for unit in SHAPES:
        small, middle = (_cpu_seconds(read, _shaped(unit, size)) for size in sizes[:2])
        if middle > CEILING_16K:
            slow.append(f"{unit!r}: {middle:.2f}s at 16k characters")
            continue
        if middle < FLOOR / 16:
            continue  # even 16x growth would stay under the floor
        large = _cpu_seconds(read, _shaped(unit, sizes[2]), runs=1)
        if large > FLOOR and large / max(middle, 1e-4) > MAX_GROWTH:
            # Looks superlinear: measure both again, more carefully, before calling it so.
            middle = _cpu_seconds(read, _shaped(unit, sizes[1]), runs=3)
            large = _cpu_seconds(read, _shaped(unit, sizes[2]), runs=3)
        if large > FLOOR and large / max(middle, 1e-4) > MAX_GROWTH:
            slow.append(f"{unit!r}: {small:.3f}s, {middle:.3f}s, {large:.3f}s at 4k, 16k, 64k")
    assert not slow, f"{family} grows faster than linear on: " + "; ".join(slow)


def test_one_32k_character_line_is_read_in_well_under_a_second_per_step():
    line = "Hello\n\n" + "a-" * 16_384
    for family, read in FAMILIES.items():
        assert _cpu_seconds(read, line) < 2.0, family


def test_a_whole_message_of_one_long_line_parses_in_linear_time():
    def message(size):
        body = ("a-" * size)[:size]
        return (f"From: x@example.org\r\nTo: support+abc@relay.example\r\nSubject: {body[:500]}\r\n"
                f"Authentication-Results: mx.example.net; {body}=pass\r\n\r\n{body}\r\n").encode()

    middle, large = (_cpu_seconds(parse, message(size)) for size in (64_000, 256_000))
    assert large < FLOOR or large / max(middle, 1e-4) < MAX_GROWTH


def _module_patterns():
    """Every compiled pattern at the top level of the modules that read message text."""
    from matcher.mailrelay.anonymising import (
        contact_offers,
        names,
        obscured,
        shapes,
        signatures,
        unsafe_html,
        unsure,
        work,
    )
    from matcher.mailrelay.reading import auth, body, classify, decoding, html_text, subjects
    from matcher.safeguarding.rules import language, text

    found = {}
    for module in (quotes, scrub, contact_offers, unsafe_html, auth, body, classify, decoding, dsn, headers,
                   html_text, subjects, language, text, names, obscured, shapes, signatures, unsure, work):
        for name, value in vars(module).items():
            values = value if isinstance(value, tuple) else (value,)
            for value_item in values:
                item = value_item[-1] if isinstance(value_item, tuple) and value_item else value_item
                if isinstance(item, re.Pattern):
                    found[f"{module.__name__.rsplit('.', 1)[-1]}.{name}"] = item
    return found


# Patterns only ever applied with .match to one short field or a bounded slice; searched through
# a long text they would be slow, so the test says where each is used and why that is bounded.
ANCHORED = {
    "quotes._ATTRIBUTION": "matched only on one or two lines of at most 400 characters",
    "quotes._LABEL_LINE": "matched at the start of one line of at most 300 characters",
    "names._LABELLED_NAME": "matched at the start of one line of at most 300 characters",
    "signatures._SIGN_OFF_WORDS": "matched at the start of one line of at most 60 characters",
    "signatures._SHAPED_SIGN_OFF": "matched at the start of one line of at most 60 characters",
    "unsure._LABEL": "matched at the start of one line of at most 300 characters",
    "dsn._FIELD": "matched at the start of each line of a delivery report",
    "auth._METHOD_RESULT": "matched at the start of each ';' segment of the header",
    "headers._ADDR_SPEC": "matched (anchored both ends) on one address",
    "language.GONE_AFTER": "matched at one position after a risk phrase",
    "classify._DAEMON_LOCAL_PARTS": "matched on a local part",
    "classify._NO_REPLY_LOCAL_PARTS": "matched on a local part",
}


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(unit=st.text(alphabet=" \t\n.-_@+()a1A<>:/x&'", min_size=1, max_size=4))
def test_no_module_pattern_searched_through_text_grows_quadratically(unit):
    for name, pattern in _module_patterns().items():
        if name in ANCHORED:
            continue
        def search_all(text, pattern=pattern):
            return list(pattern.finditer(text))

        middle = _cpu_seconds(search_all, (unit * 2000)[:2000])
        if middle < 0.01 / 16:
            continue
        large = _cpu_seconds(search_all, (unit * 8000)[:8000])
        assert large < 0.01 or large / max(middle, 1e-4) < MAX_GROWTH, (name, unit)
