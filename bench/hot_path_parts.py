"""Time two parts of the relay's hot path beside their baselines, in one run (a script, not a test).

    PYTHONPATH=. python bench/hot_path_parts.py [--rounds N]

1. The risk rules with the prefilter (rules/prefilter.py) beside the same rules searching every
   pattern, over the labelled set (tests/data/risk_messages.jsonl) and one long chatty message.
2. The outgoing writer (outbound/compose.py, compat32 with quoted-printable UTF-8) beside the
   `email.policy.default` writer it replaced, on the same message.
CPU time per unit of work (time.process_time), median over rounds, interleaved.
"""
import argparse
import json
import statistics
import sys
import time
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from matcher.mailrelay.outbound.compose import OutgoingMail, build_message
from matcher.safeguarding.rules import reader

ROOT = Path(__file__).resolve().parents[1]
NOW = datetime(2031, 1, 6, 9, 0, tzinfo=UTC)
MAIL = OutgoingMail(sender_name="Zoë (Peer supporter)", sender_address="r+k1@relay.example.org",
                    recipient="someone@example.com", subject="Re: how are you today",
                    text="Hello, how are things with the baby?\n" * 20,
                    headers=(("In-Reply-To", "<a@example.org>"), ("References", "<a@example.org> <b@example.org>")))


def default_policy_writer(mail: OutgoingMail, now: datetime) -> bytes:
    """The writer compose.py had before: EmailMessage with email.policy.default's header classes."""
    message = EmailMessage()
    message["From"] = formataddr((mail.sender_name, mail.sender_address))
    message["To"] = mail.recipient
    message["Subject"] = mail.subject
    message["Date"] = format_datetime(now)
    message["Message-ID"] = "<x@relay.example.org>"
    for name, value in mail.headers:
        message[name] = value
    message.set_content(mail.text)
    return message.as_bytes(policy=policy.SMTP)


def cpu_ms_per_unit(work, units: int) -> float:
    """Return CPU milliseconds per unit of one call of work."""
    started = time.process_time()
    work()
    return (time.process_time() - started) * 1000 / units


def rules_work(rows, long_text, filtered: bool):
    """Return two callables reading the labelled set and the long message, with or without the filter."""
    original = reader._possible

    def run(texts):
        reader._possible = original if filtered else (lambda pattern, reading: True)
        try:
            for text, author in texts:
                reader.assess(text, author)
        finally:
            reader._possible = original
    return (lambda: run(rows)), (lambda: run([(long_text, "requester")] * 5))


def main() -> None:
    """Measure both parts, interleaved, and print medians."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    rounds = parser.parse_args().rounds
    labelled = [json.loads(line) for line in (ROOT / "tests/data/risk_messages.jsonl").read_text().splitlines()]
    rows = [(row["text"], row["author"]) for row in labelled]
    long_text = " ".join(text for text, _ in rows if len(text) > 40)[:3000]
    reader.assess("warm up")
    results: dict[str, list[float]] = {}
    for _ in range(rounds):
        for filtered in (True, False):
            short, long = rules_work(rows, long_text, filtered)
            label = "with prefilter" if filtered else "every pattern "
            labelled_ms = cpu_ms_per_unit(short, len(rows))
            results.setdefault(f"rules, labelled set, {label} (ms/message)", []).append(labelled_ms)
            results.setdefault(f"rules, 3 KB message, {label} (ms/message)", []).append(cpu_ms_per_unit(long, 5))
        results.setdefault("writer, compat32 QP (ms/message)", []).append(
            cpu_ms_per_unit(lambda: [build_message(MAIL, NOW) for _ in range(500)], 500))
        results.setdefault("writer, policy.default baseline (ms/message)", []).append(
            cpu_ms_per_unit(lambda: [default_policy_writer(MAIL, NOW) for _ in range(500)], 500))
    for label, figures in results.items():
        print(f"{label:<58} median {statistics.median(figures):7.3f}  (min {min(figures):.3f}, max {max(figures):.3f})")


if __name__ == "__main__":
    main()
