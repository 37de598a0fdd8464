"""Time pairing at scale: `propose` beside a plain dense `linear_sum_assignment` of the same scores, and `greedy`.

Run as `python bench/pairing.py [--seed N] [--volunteers N] [--requests N] [--rounds N]`.
The dense baseline solves each compatibility group's score matrix (one row per free place, every
eligible pair's score in hundredths, hard-rule failures worth nothing) with scipy's dense solver.
It is timed twice: the solve alone (`dense`), and building the matrices from the same profiles
plus the solve (`dense+build`), while `propose` is timed whole (scoring, solving, explaining).
Rounds alternate them, and medians are reported.
The waiting list and volunteers are random but seeded, with shapes a UK charity would see:
mostly mothers, mostly English, a few other languages, most volunteers near home time.
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np
from scipy.optimize import linear_sum_assignment

from matcher.pairing.assignment import _groups, greedy, propose, queue_order
from matcher.pairing.scoring import (
    STAGES,
    RequestProfile,
    VolunteerProfile,
    Weights,
    points_table,
    readiness_failures,
    spare_capacity,
)

NOW = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
TODAY = NOW.date()
ROLES = {"mother": 0.85, "partner": 0.15}
STATUSES = {"active": 0.80, "applicant": 0.08, "paused": 0.07, "retired": 0.05}
# How often each experience appears; postpartum psychosis is why most people come.
EXPERIENCES = {"postpartum_psychosis": 0.85, "mbu_admission": 0.45, "bipolar": 0.2,
               "ppd": 0.3, "birth_trauma": 0.25, "anxiety": 0.4}
REQUEST_STAGES = {"acute": 0.15, "early": 0.4, "established": 0.3, "beyond": 0.15}
REQUEST_LANGUAGES = {"en": 0.9, "pl": 0.03, "cy": 0.02, "ur": 0.02, "pa": 0.01, "es": 0.01, "ar": 0.01}
SECOND_LANGUAGES = {"pl": 0.3, "cy": 0.25, "ur": 0.15, "pa": 0.1, "es": 0.15, "ar": 0.05}
TIMEZONES = {"Europe/London": 0.86, "Europe/Dublin": 0.04, "Europe/Warsaw": 0.03, "America/New_York": 0.02,
             "America/Toronto": 0.01, "Australia/Sydney": 0.01, "Asia/Karachi": 0.01, "Europe/Madrid": 0.02}


def pick(rng: random.Random, shares: dict[str, float]) -> str:
    """Draw one value with the given shares."""
    return rng.choices(list(shares), weights=list(shares.values()))[0]


def experiences(rng: random.Random) -> frozenset[str]:
    """Draw a set of lived experiences."""
    return frozenset(e for e, share in EXPERIENCES.items() if rng.random() < share)


def make_volunteer(rng: random.Random, volunteer_id: int) -> VolunteerProfile:
    """Draw one volunteer: a run of neighbouring stages, English plus sometimes another language."""
    first = rng.choices(range(4), weights=[0.2, 0.4, 0.3, 0.1])[0]
    last = min(3, first + rng.choice([0, 1, 1, 2, 3]))
    languages = {"en"} if rng.random() < 0.93 else set()
    if not languages or rng.random() < 0.08:
        languages.add(pick(rng, SECOND_LANGUAGES))
    capacity = rng.choices([1, 2, 3], weights=[0.45, 0.35, 0.2])[0]
    status = pick(rng, STATUSES)
    checks = TODAY + timedelta(days=rng.randint(-60, 900)) if rng.random() > 0.03 else None
    return VolunteerProfile(
        id=volunteer_id, role=pick(rng, ROLES), stages=frozenset(STAGES[first:last + 1]),
        experiences=experiences(rng), languages=frozenset(languages), timezone=pick(rng, TIMEZONES),
        capacity=capacity, active_pairings=rng.choices(range(capacity + 1), weights=[4, 3, 2, 1][:capacity + 1])[0],
        status=status,
        trained_on=None if status == "applicant" else date(2024, 1, 1) + timedelta(days=rng.randint(0, 400)),
        checks_expire_on=checks,
        paused_until=TODAY + timedelta(days=rng.randint(1, 60)) if rng.random() < 0.04 else None,
    )


def make_request(rng: random.Random, request_id: int, volunteer_count: int) -> RequestProfile:
    """Draw one waiting request, most asked in the last few months."""
    waited = min(720, int(rng.expovariate(1 / 80)))
    return RequestProfile(
        id=request_id, role=pick(rng, ROLES), stage=pick(rng, REQUEST_STAGES), experiences=experiences(rng),
        language=pick(rng, REQUEST_LANGUAGES), timezone=pick(rng, TIMEZONES),
        requested_on=NOW - timedelta(days=waited, minutes=rng.randint(0, 1439)),
        risk_hold=rng.random() < 0.02,
        excluded_volunteer_ids=frozenset({rng.randint(1, volunteer_count)}) if rng.random() < 0.03 else frozenset(),
    )


def timed(label: str, pair, requests, volunteers, weights):
    """Run one batch, print its time, total score and matches, and return the batch."""
    started, cpu_started = time.perf_counter(), time.process_time()
    batch = pair(requests, volunteers, weights, NOW)
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
    # CPU time beside wall time: on a shared machine the wall clock also counts other people's work.
    print(f"{label:<8} {seconds:6.2f} s wall ({cpu_seconds:5.2f} s CPU)   total score {batch.total_score:12,.2f}   "
          f"matched {len(batch.proposals):6,}   unmatched {len(batch.unmatched):6,}")
    return batch


def dense_matrices(requests, volunteers, weights) -> list[np.ndarray]:
    """Build each compatibility group's dense gain matrix: a row per free place, 0 where a hard rule fails."""
    ready = sorted((v for v in volunteers if not readiness_failures(v, TODAY)), key=lambda v: v.id)
    waiting = [r for r in queue_order(requests) if not r.risk_hold]
    matrices = []
    for group_requests, group_volunteers in _groups(waiting, ready):
        points = points_table(group_requests, group_volunteers, weights, NOW)
        owner = np.repeat(np.arange(len(group_volunteers)), [spare_capacity(v) for v in group_volunteers])
        matrices.append(np.where(points[owner] >= 0, points[owner], 0).astype(np.float64))
    return matrices


def dense_solve(matrices: list[np.ndarray]) -> float:
    """Solve every group's matrix with the dense solver and return the total score."""
    total = 0
    for gains in matrices:
        rows, columns = linear_sum_assignment(gains, maximize=True)
        total += int(gains[rows, columns].sum())
    return total / 100


def clocked(work, *arguments):
    """Run `work(*arguments)` and return its result, wall seconds and CPU seconds."""
    started, cpu_started = time.perf_counter(), time.process_time()
    result = work(*arguments)
    return result, time.perf_counter() - started, time.process_time() - cpu_started


def race(requests, volunteers, weights, rounds: int):
    """Alternate propose and the dense solve for several rounds; print medians; return propose's batch."""
    times: dict[str, list[tuple[float, float]]] = {"propose": [], "dense": [], "dense+build": []}
    for _ in range(rounds):
        batch, wall, cpu = clocked(propose, requests, volunteers, weights, NOW)
        times["propose"].append((wall, cpu))
        matrices, build_wall, build_cpu = clocked(dense_matrices, requests, volunteers, weights)
        dense_total, wall, cpu = clocked(dense_solve, matrices)
        times["dense"].append((wall, cpu))
        times["dense+build"].append((build_wall + wall, build_cpu + cpu))
        del matrices
    for label, runs in times.items():
        walls, cpus = [w for w, _ in runs], [c for _, c in runs]
        print(f"{label:<11} median {statistics.median(walls):5.2f} s wall ({statistics.median(cpus):5.2f} s CPU) "
              f"over {rounds} rounds; wall {min(walls):.2f}-{max(walls):.2f}, CPU {min(cpus):.2f}-{max(cpus):.2f}")
    print(f"propose total {batch.total_score:,.2f}; dense total {dense_total:,.2f}")
    # Exactness at full size: the sparse solver with its price check must reach the dense optimum.
    if abs(batch.total_score - dense_total) > 1e-6:
        raise SystemExit(f"propose missed the dense optimum: {batch.total_score} against {dense_total}")
    propose_cpu = statistics.median(c for _, c in times["propose"])
    for label in ("dense", "dense+build"):
        print(f"propose / {label} CPU: {propose_cpu / statistics.median(c for _, c in times[label]):.2f}")
    return batch


def waits(label: str, batch, requests) -> None:
    """Print how long the matched requests had waited, to show who each method serves."""
    requested_on = {r.id: r.requested_on for r in requests}
    days = sorted((NOW - requested_on[p.request_id]).days for p in batch.proposals)
    long_waiting = sum(d >= 90 for d in days)
    print(f"{label:<8} matched requests waited: median {days[len(days) // 2]} days, "
          f"{long_waiting:,} had waited 90 days or more")


def main() -> None:
    """Generate the seeded population and time propose beside the dense solve and greedy on it."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=20250303)
    parser.add_argument("--volunteers", type=int, default=3000)
    parser.add_argument("--requests", type=int, default=10000)
    parser.add_argument("--rounds", type=int, default=5)
    arguments = parser.parse_args()
    rng = random.Random(arguments.seed)
    volunteers = [make_volunteer(rng, i) for i in range(1, arguments.volunteers + 1)]
    requests = [make_request(rng, i, arguments.volunteers) for i in range(1, arguments.requests + 1)]
    free = sum(max(0, v.capacity - v.active_pairings) for v in volunteers)
    print(f"{len(volunteers):,} volunteers ({free:,} free places before hard rules), "
          f"{len(requests):,} waiting requests, seed {arguments.seed}")
    weights = Weights()
    best = race(requests, volunteers, weights, arguments.rounds)
    first_come = timed("greedy", greedy, requests, volunteers, weights)
    waits("propose", best, requests)
    waits("greedy", first_come, requests)
    waiting_long = sum(not r.risk_hold and (NOW - r.requested_on).days >= 90 for r in requests)
    print(f"{waiting_long:,} requests not on hold had waited 90 days or more")
    gain = best.total_score - first_come.total_score
    print(f"propose scores {gain:,.2f} more than greedy ({gain / max(first_come.total_score, 1):.1%})")


if __name__ == "__main__":
    main()
