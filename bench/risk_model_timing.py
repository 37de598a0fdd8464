"""Time the learned risk reader per message beside the risk rules, in one run (a script, not a test).

    PYTHONPATH=. python bench/risk_model_timing.py [--rounds N]

The learned reader (learned/reader.py `read`, no explanation: what every message pays) and, as the
baseline measured in the same run, the rules (`rules.assess`) read the same texts: every written
training message, and one 3 KB chatty message. CPU time per message (time.process_time), median over
interleaved rounds, with wall time beside it. Run it at two commits to compare the reader before and
after a change: the rules' figure says how busy the machine was.
"""
import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from matcher.safeguarding.learned.reader import read
from matcher.safeguarding.learned.weights import load_model
from matcher.safeguarding.rules.reader import assess

ROOT = Path(__file__).resolve().parents[1]
LONG = ("We had a lovely weekend, my sister came over with her two and the cousins played in the garden "
        "while we sorted out the baby's clothes that don't fit any more. ") * 20


def written_texts() -> list[tuple[str, str]]:
    """Return (text, author) for every written training message, read as raw JSON lines."""
    rows = []
    for path in [ROOT / "tests/data/risk_messages.jsonl", *sorted((ROOT / "tests/data/risk-train").glob("*.jsonl"))]:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                sender = row.get("sender") or row.get("author")
                rows.append((row["text"], "volunteer" if sender == "volunteer" else "requester"))
    return rows


def cpu_and_wall_ms(work, texts: list[tuple[str, str]]) -> tuple[float, float]:
    """Return CPU and wall milliseconds per text for one pass of work over texts."""
    cpu, wall = time.process_time(), time.perf_counter()
    for text, author in texts:
        work(text, author)
    return ((time.process_time() - cpu) * 1000 / len(texts), (time.perf_counter() - wall) * 1000 / len(texts))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    weights, examples = load_model()
    texts, long = written_texts(), [(LONG, "requester")] * 20
    readers = {"learned reader": lambda text, author: read(weights, examples, text, author, explain=False),
               "rules (baseline)": assess}
    for name, corpus in (("written training messages", texts), ("3 KB chatty message", long)):
        found: dict[str, list[tuple[float, float]]] = {reader: [] for reader in readers}
        for _ in range(args.rounds):
            for reader, work in readers.items():
                found[reader].append(cpu_and_wall_ms(work, corpus))
        print(f"{name} ({len(corpus)} per round, {args.rounds} rounds, median):")
        for reader, runs in found.items():
            cpu = statistics.median(run[0] for run in runs)
            wall = statistics.median(run[1] for run in runs)
            print(f"  {reader:18} {cpu:7.3f} ms CPU per message  {wall:7.3f} ms wall")
    print(f"model {weights.version}, {weights.kind} features")
    return 0


if __name__ == "__main__":
    sys.exit(main())
