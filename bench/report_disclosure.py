"""Time the trustees' report's figures with disclosure control, beside the figures without it.

Run as `python bench/report_disclosure.py [--pairings 5000] [--repeats 5]` from the repository root.

Seeded rows (pairings over five years, each with a request paired, a first reply and often feedback) go
through, in the same run and process:

- baseline: what the page computed before disclosure control, `build_report` and `period_summary` over the
  12 months asked for (small counts hidden one by one, nothing rounded, no relations read);
- protected: `published.published`, which computes the months of the longest period (60), the totals of every
  period a trustee can choose, and protects them together with the asked period's breakdowns.

Pure computation only: the database query behind both (rows over 12 or 60 months) is not timed here.
Prints the median wall and CPU time of each, per report.
"""
import argparse
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # this checkout first
from matcher.reporting import figures
from matcher.reporting.disclosure import Rounding
from matcher.reporting.published import published
from matcher.reporting.summary import period_summary

NOW = datetime(2025, 12, 15, tzinfo=UTC)
REASONS = ["planned", "requester_withdrew", "volunteer_stepped_back", "safeguarding", "other"]
REGIONS = ["GB", "IE", "US", "CA", "AU", "NZ"]
ROLES = ["mother", "partner", "family"]
PERIODS = [1, 3, 6, 12, 24, 60]


def rows(pairings: int, seed: int) -> figures.ReportRows:
    """Return seeded report rows: pairings over five years, their waits, first replies and feedback."""
    rng = random.Random(seed)
    pairing_rows, paired, replies, feedback = [], [], [], []
    for request_id in range(pairings):
        started = NOW - timedelta(days=rng.uniform(0, 5 * 365))
        fell = rng.random() < 0.08
        length = timedelta(days=rng.uniform(2, 10) if fell else rng.uniform(20, 120))
        ended = started + length if started + length < NOW else None
        reason = None if ended is None or fell else rng.choice(REASONS)
        pairing_rows.append(figures.PairingRow(request_id, started, ended, reason, fell))
        paired.append(figures.PairedRequest(started - timedelta(days=rng.uniform(1, 60)), started))
        replies.append(figures.FirstReply(started, started, started + timedelta(hours=rng.uniform(1, 72))))
        if ended is not None and not fell and rng.random() < 0.6:
            feedback.append(figures.FeedbackRow(ended, rng.randint(1, 5), rng.choice(("yes", "no", "unsure"))))
    return figures.ReportRows(pairing_rows, paired, replies, feedback)


def split(total: int, codes: list[str], seed: int) -> dict[str, int]:
    """Split total among the codes, most to the first, a few small ones at the end."""
    rng = random.Random(seed + len(codes))
    small = {code: rng.randint(0, 4) for code in codes[len(codes) // 2:]}
    rest = total - sum(small.values())
    large = codes[:len(codes) // 2]
    shares = [rest // len(large)] * len(large)
    shares[0] += rest - sum(shares)
    return dict(zip(large, shares, strict=True)) | small


def timed(work, repeats: int) -> tuple[float, float]:
    """Return the median wall and CPU seconds of `work` over `repeats` runs."""
    walls, cpus = [], []
    for _ in range(repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        work()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def main() -> None:
    """Time both and print them."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairings", type=int, default=5000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seed", type=int, default=20251215)
    args = parser.parse_args()
    data = rows(args.pairings, args.seed)
    every_month = figures.last_months(NOW, 60)
    asked = every_month[-12:]
    # The breakdowns add up to the period's people, as the database's do (else they are not published).
    total = period_summary(asked, data, 5).people_supported.value
    people_by = {"region": (REGIONS, split(total, REGIONS, args.seed)), "role": (ROLES, split(total, ROLES, args.seed))}

    def baseline():
        figures.build_report(asked, data, REASONS, 5)
        period_summary(asked, data, 5)

    def protected():
        published(every_month, 12, PERIODS, data, REASONS, people_by, Rounding(5, 5))

    for name, work in (("baseline (12 months, no disclosure control)", baseline),
                       ("protected (60 months and every period, with disclosure control)", protected)):
        wall, cpu = timed(work, args.repeats)
        print(f"{name}: {wall * 1000:.1f} ms wall, {cpu * 1000:.1f} ms CPU per report")


if __name__ == "__main__":
    main()
