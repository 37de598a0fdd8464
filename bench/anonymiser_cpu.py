"""Time the anonymiser per message beside a baseline without this pass's new readers, in one run (a script).

    PYTHONPATH=. python bench/anonymiser_cpu.py [--rounds N]

Reads every ordinary reply of the development corpora (tests/data/mail-variants, tests/data/mail) and
of one long chatty message, anonymising each with `anonymise()` as the relay does. The baseline is the
same code with the readers added for issue 13's second pass switched off (capitalised runs, percent-
escaped tokens and scheme links, the typed-signature cut), so the difference is what they cost.
CPU time per message (time.process_time), median over rounds, interleaved. Held-out sets are not read.
"""
import argparse
import statistics
import sys
import time
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from matcher.mailrelay.anonymising import scrub, signatures
from matcher.mailrelay.anonymising.anonymise import Parties, anonymise
from matcher.mailrelay.anonymising.scrub import Identity
from matcher.mailrelay.reading.parse import parse

ROOT = Path(__file__).resolve().parents[1]
CORPORA = (ROOT / "tests" / "data" / "mail-variants", ROOT / "tests" / "data" / "mail")
SENDER = Identity(names=("Tamsin Quarrendon",), emails=("tamsin.quarrendon@example.com",), phones=("07700 900614",))
READER = Identity(names=("Bryony Lathwell",), emails=("bryony.l@example.org",))
PARTIES = Parties(SENDER, READER, ("Linnet", "Plover", "Matcher"), sender_pseudonym="Linnet")
LONG = ("Hi Plover,\n\n" + "The night was long and the baby fed every two hours, but My Neighbour came round "
        "with soup and we talked about the Mother and Baby Unit and how things were then. " * 40)


@contextmanager
def without_new_readers():
    """Switch off the readers added in this pass (the baseline)."""
    saved = (scrub.proper_name_spans, scrub.encoded_token_spans, signatures._cut_name_block)
    scrub.proper_name_spans = lambda text: iter(())
    scrub.encoded_token_spans = lambda text, identifies: iter(())
    signatures._cut_name_block = lambda lines, names, removed: lines
    try:
        yield
    finally:
        scrub.proper_name_spans, scrub.encoded_token_spans, signatures._cut_name_block = saved


def messages():
    """Return the parsed ordinary replies of the development corpora and the long message."""
    found = []
    for corpus in CORPORA:
        for path in sorted(corpus.glob("*.eml")):
            inbound = parse(path.read_bytes())
            if inbound.text:
                found.append(inbound)
    raw = ("From: t@example.com\r\nTo: support+x@relay.example\r\nSubject: hi\r\n"
           "Content-Type: text/plain; charset=utf-8\r\n\r\n" + LONG).encode()
    return found, parse(raw)


def cpu_ms(work) -> float:
    """Return the CPU milliseconds one call of work takes."""
    started = time.process_time()
    work()
    return (time.process_time() - started) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    rounds = parser.parse_args().rounds
    corpus, long_message = messages()
    results = {"now": ([], []), "baseline": ([], [])}
    for _ in range(rounds):
        for label in ("baseline", "now"):
            with without_new_readers() if label == "baseline" else _nothing():
                results[label][0].append(cpu_ms(lambda: [anonymise(m, PARTIES) for m in corpus]) / len(corpus))
                results[label][1].append(cpu_ms(lambda: anonymise(long_message, PARTIES)))
    for label, (short, long) in results.items():
        print(f"{label:9} {statistics.median(short):6.2f} ms CPU per corpus reply ({len(corpus)} replies), "
              f"{statistics.median(long):6.1f} ms for the {len(LONG) // 1000} KB message (median of {rounds})")
    return 0


@contextmanager
def _nothing():
    yield


if __name__ == "__main__":
    raise SystemExit(main())
