"""CPU per relayed copy written by `compose.build_message`: boundary set in advance against the generator's.

    PYTHONPATH=. python bench/compose_boundary.py [--messages 3000] [--rounds 5]

The baseline, in the same run and interleaved by round, is the same writer with no boundary set, so
the stdlib generator picks one and compiles a regex to check it against the parts (what it did
before). The mail is a relayed copy's shape: text, an HTML alternative, five headers.
"""
import argparse
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from matcher.mailrelay.outbound import compose

NOW = datetime(2031, 3, 4, 5, 6, tzinfo=UTC)
TEXT = ("We went for a walk by the river this morning and the ducks were out in force.\n"
        "My sister is visiting at the weekend, so I am planning a simple lunch.\n\nBest wishes\n") * 3
MAIL = compose.OutgoingMail(
    sender_name="Linnet (via Example Support)", sender_address="support+0123456789abcdef@relay.example.org",
    recipient="beatrix.h@example.org", subject="Re: the mornings", text=TEXT,
    html="<p>" + TEXT.replace("\n\n", "</p><p>") + "</p>", automatic=False,
    headers=(("X-Loop", "support@relay.example.org"), ("In-Reply-To", "<a@relay.example.org>")),
)


def cpu_ms_per_message(messages: int) -> float:
    """Return CPU ms per build_message call over `messages` calls."""
    start = time.process_time()
    for _ in range(messages):
        compose.build_message(MAIL, NOW)
    return (time.process_time() - start) * 1000 / messages


def main() -> None:
    """Run both writers interleaved for several rounds and print the medians."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--messages", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    preset = compose.boundary
    results: dict[str, list[float]] = {"generator checks its boundary": [], "boundary set in advance": []}
    for _ in range(args.rounds):
        compose.boundary = lambda: None  # type: ignore[assignment,return-value]  # the generator chooses
        results["generator checks its boundary"].append(cpu_ms_per_message(args.messages))
        compose.boundary = preset
        results["boundary set in advance"].append(cpu_ms_per_message(args.messages))
    for name, values in results.items():
        print(f"{name}: {statistics.median(values):.4f} CPU ms/msg (rounds {min(values):.4f} to {max(values):.4f})")


if __name__ == "__main__":
    main()
