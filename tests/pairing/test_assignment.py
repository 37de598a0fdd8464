"""Batch proposals: optimal under capacity, never breaking a hard rule, explained, deterministic."""
import random
from collections import Counter
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from functools import cache
from unittest import mock

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linear_sum_assignment

from matcher.pairing import assignment
from matcher.pairing.assignment import Batch, greedy, propose
from matcher.pairing.scoring import (
    STAGES,
    RequestProfile,
    VolunteerProfile,
    Weights,
    hard_rule_failures,
    points_table,
    score,
    spare_capacity,
)

NOW = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)
TODAY = NOW.date()
WEIGHTS = Weights()


def make_request(request_id, **overrides) -> RequestProfile:
    """Build an English-speaking mother in the early stage, asking 30 days ago."""
    fields = dict(id=request_id, role="mother", stage="early", experiences=frozenset({"postpartum_psychosis"}),
                  language="en", timezone="Europe/London", requested_on=NOW - timedelta(days=30))
    return RequestProfile(**{**fields, **overrides})


def make_volunteer(volunteer_id, **overrides) -> VolunteerProfile:
    """Build an active, trained, checked mother volunteer with one free place."""
    fields = dict(id=volunteer_id, role="mother", stages=frozenset({"early"}),
                  experiences=frozenset({"postpartum_psychosis"}),
                  languages=frozenset({"en"}), timezone="Europe/London", capacity=1, active_pairings=0,
                  status="active", trained_on=date(2024, 5, 1), checks_expire_on=date(2026, 1, 1))
    return VolunteerProfile(**{**fields, **overrides})


def pairs(batch: Batch) -> dict[int, int]:
    return {p.request_id: p.volunteer_id for p in batch.proposals}


def exhaustive_best(requests, volunteers, min_score=0.0) -> float:
    """Find the best total by trying every assignment (dynamic programming over places left)."""
    worth = {}
    for i, request in enumerate(requests):
        for j, volunteer in enumerate(volunteers):
            if not hard_rule_failures(request, volunteer, TODAY):
                total = score(request, volunteer, WEIGHTS, NOW).total
                if total >= min_score:
                    worth[i, j] = round(total * 100)

    @cache
    def best(i, places):
        if i == len(requests):
            return 0
        result = best(i + 1, places)
        for j, left in enumerate(places):
            if left and (i, j) in worth:
                result = max(result, worth[i, j] + best(i + 1, (*places[:j], left - 1, *places[j + 1:])))
        return result

    return best(0, tuple(spare_capacity(v) for v in volunteers)) / 100


def assert_keeps_every_rule(batch, requests, volunteers, min_score=0.0):
    """Check a batch breaks no hard rule, no capacity, no floor, and accounts for every request once."""
    by_id = {r.id: r for r in requests}
    volunteer_by_id = {v.id: v for v in volunteers}
    for proposal in batch.proposals:
        request, volunteer = by_id[proposal.request_id], volunteer_by_id[proposal.volunteer_id]
        assert hard_rule_failures(request, volunteer, TODAY) == []
        assert proposal.score == score(request, volunteer, WEIGHTS, NOW)
        assert proposal.score.total >= min_score
        assert proposal.volunteer_id not in [vid for vid, _ in proposal.alternatives]
        for volunteer_id, _alternative in proposal.alternatives:
            assert hard_rule_failures(request, volunteer_by_id[volunteer_id], TODAY) == []
    taken = Counter(p.volunteer_id for p in batch.proposals)
    assert all(count <= spare_capacity(volunteer_by_id[vid]) for vid, count in taken.items())
    accounted = [p.request_id for p in batch.proposals] + list(batch.unmatched)
    assert sorted(accounted) == sorted(by_id)
    queue = [r.id for r in assignment.queue_order(requests)]
    assert list(batch.unmatched) == [rid for rid in queue if rid in set(batch.unmatched)]


# Behaviour

def test_partner_is_never_offered_a_mother_volunteer():
    batch = propose([make_request(1, role="partner")], [make_volunteer(10, role="mother")], WEIGHTS, NOW)
    assert batch.proposals == () and batch.unmatched == (1,)


def test_request_on_risk_hold_stays_unmatched():
    batch = propose([make_request(1, risk_hold=True)], [make_volunteer(10)], WEIGHTS, NOW)
    assert batch.unmatched == (1,)


def test_longest_waiting_request_gets_the_only_place():
    requests = [make_request(1, requested_on=NOW - timedelta(days=5)),
                make_request(2, requested_on=NOW - timedelta(days=60))]
    assert pairs(propose(requests, [make_volunteer(10)], WEIGHTS, NOW)) == {2: 10}


def test_equal_scores_go_to_the_earlier_request_then_the_lower_id():
    same_day = NOW - timedelta(days=200)  # both past the wait cap, so their scores are equal
    requests = [make_request(3, requested_on=same_day), make_request(2, requested_on=same_day),
                make_request(1, requested_on=same_day + timedelta(hours=1))]
    assert pairs(propose(requests, [make_volunteer(10)], WEIGHTS, NOW)) == {2: 10}


def test_propose_beats_first_come_when_the_first_request_takes_a_scarce_volunteer():
    # Request 1 slightly prefers the Polish-speaking volunteer, who is the only one request 2 can have.
    requests = [make_request(1, requested_on=NOW - timedelta(days=60)),
                make_request(2, language="pl", requested_on=NOW - timedelta(days=10))]
    volunteers = [make_volunteer(10, languages=frozenset({"en", "pl"})),
                  make_volunteer(11, timezone="Europe/Warsaw")]
    assert pairs(greedy(requests, volunteers, WEIGHTS, NOW)) == {1: 10}
    assert pairs(propose(requests, volunteers, WEIGHTS, NOW)) == {1: 11, 2: 10}


def test_request_is_left_unmatched_rather_than_paired_below_the_floor():
    weak = make_volunteer(10, experiences=frozenset({"anxiety"}), timezone="Australia/Sydney")
    batch = propose([make_request(1)], [weak], WEIGHTS, NOW, min_score=60)
    assert batch.unmatched == (1,)
    assert pairs(propose([make_request(1)], [weak], WEIGHTS, NOW, min_score=20)) == {1: 10}


def test_volunteer_is_never_given_more_than_their_free_places():
    requests = [make_request(i) for i in range(1, 6)]
    batch = propose(requests, [make_volunteer(10, capacity=3, active_pairings=1)], WEIGHTS, NOW)
    assert len(batch.proposals) == 2 and len(batch.unmatched) == 3


def test_alternatives_are_the_next_two_best_eligible_volunteers():
    volunteers = [make_volunteer(10), make_volunteer(11, timezone="Asia/Kolkata"),
                  make_volunteer(12, timezone="America/New_York"), make_volunteer(13, status="paused")]
    proposal = propose([make_request(1)], volunteers, WEIGHTS, NOW).proposals[0]
    assert proposal.volunteer_id == 10
    assert [vid for vid, _ in proposal.alternatives] == [12, 11]
    assert proposal.alternatives[0][1] == score(make_request(1), volunteers[2], WEIGHTS, NOW)


def test_unmatched_requests_come_out_in_queue_order():
    requests = [make_request(5, requested_on=NOW - timedelta(days=1)), make_request(4, language="cy"),
                make_request(3, role="partner", requested_on=NOW - timedelta(days=90))]
    assert propose(requests, [], WEIGHTS, NOW).unmatched == (3, 4, 5)


def test_batch_total_is_the_sum_of_its_proposals():
    requests = [make_request(1), make_request(2, requested_on=NOW - timedelta(days=3))]
    batch = propose(requests, [make_volunteer(10, capacity=2)], WEIGHTS, NOW)
    assert batch.total_score == round(sum(p.score.total for p in batch.proposals), 2)


def test_equal_best_batches_serve_the_earliest_requests_on_the_large_path_too():
    # Everyone waited past the cap, so all 40 requests score the same with all 10 volunteers.
    rng = random.Random(3)
    requests = [make_request(i, requested_on=NOW - timedelta(days=rng.choice([100, 120, 150]), hours=i % 5))
                for i in range(1, 41)]
    volunteers = [make_volunteer(100 + i, capacity=2) for i in range(10)]
    earliest = {r.id for r in assignment.queue_order(requests)[:20]}
    assert set(pairs(propose(requests, volunteers, WEIGHTS, NOW))) == earliest
    with mock.patch.multiple(assignment, SMALL_GROUP_PAIRS=0, CANDIDATES_PER_VOLUNTEER=1):
        assert set(pairs(propose(requests, volunteers, WEIGHTS, NOW))) == earliest


def test_same_waiting_list_in_any_order_gives_the_same_batch():
    requests, volunteers = generated_population(random.Random(7), 60, 25)
    first = propose(requests, volunteers, WEIGHTS, NOW)
    shuffler = random.Random(1)
    for _ in range(3):
        shuffled_requests, shuffled_volunteers = requests[:], volunteers[:]
        shuffler.shuffle(shuffled_requests)
        shuffler.shuffle(shuffled_volunteers)
        assert propose(shuffled_requests, shuffled_volunteers, WEIGHTS, NOW) == first


# Exactness at a size where the sparse candidate path and its price check do the work.

def generated_population(rng, request_count, volunteer_count):
    """Draw a waiting list and volunteers shaped like the charity's, seeded."""
    experiences = ["postpartum_psychosis", "mbu_admission", "bipolar", "ppd", "anxiety"]
    zones = ["Europe/London"] * 6 + ["Europe/Warsaw", "America/New_York"]

    def drawn_experiences():
        return frozenset(e for e in experiences if rng.random() < 0.4)

    requests = [make_request(i, role=rng.choice(["mother"] * 5 + ["partner"]), stage=rng.choice(STAGES),
                             experiences=drawn_experiences(), language=rng.choice(["en"] * 8 + ["pl"]),
                             timezone=rng.choice(zones), requested_on=NOW - timedelta(days=rng.randint(0, 150)),
                             excluded_volunteer_ids=frozenset({rng.randint(1, volunteer_count)}))
                for i in range(1, request_count + 1)]
    volunteers = []
    for i in range(1, volunteer_count + 1):
        first = rng.randrange(4)
        capacity = rng.randint(1, 3)
        volunteers.append(make_volunteer(
            i, role=rng.choice(["mother"] * 5 + ["partner"]), stages=frozenset(STAGES[first:first + rng.randint(1, 3)]),
            experiences=drawn_experiences(), languages=frozenset(rng.choice([["en"]] * 8 + [["en", "pl"], ["pl"]])),
            timezone=rng.choice(zones), capacity=capacity, active_pairings=rng.randint(0, capacity)))
    return requests, volunteers


def dense_optimum(requests, volunteers, min_score=0.0) -> float:
    """Solve the whole problem as one dense assignment, one row per free place."""
    points = points_table(requests, volunteers, WEIGHTS, NOW).astype(float)
    points[points / 100 < min_score] = -1
    owner = np.repeat(np.arange(len(volunteers)), [spare_capacity(v) for v in volunteers])
    gains = np.where(points[owner] >= 0, points[owner], 0)
    rows, columns = linear_sum_assignment(gains, maximize=True)
    return gains[rows, columns].sum() / 100


def test_large_batch_matches_a_dense_solver_when_requests_outnumber_places():
    requests, volunteers = generated_population(random.Random(11), 900, 220)
    with mock.patch.multiple(assignment, SMALL_GROUP_PAIRS=0, CANDIDATES_PER_VOLUNTEER=4):
        batch = propose(requests, volunteers, WEIGHTS, NOW, min_score=30)
    assert_keeps_every_rule(batch, requests, volunteers, min_score=30)
    assert abs(batch.total_score - dense_optimum(requests, volunteers, min_score=30)) < 1e-6


def test_large_batch_matches_a_dense_solver_when_places_outnumber_requests():
    requests, volunteers = generated_population(random.Random(12), 150, 300)
    with mock.patch.multiple(assignment, SMALL_GROUP_PAIRS=0, CANDIDATES_PER_VOLUNTEER=2, ADDED_PER_VOLUNTEER=3):
        batch = propose(requests, volunteers, WEIGHTS, NOW)
    assert_keeps_every_rule(batch, requests, volunteers)
    assert abs(batch.total_score - dense_optimum(requests, volunteers)) < 1e-6


# Properties on small random instances, against exhaustive search

@st.composite
def small_populations(draw):
    volunteer_count = draw(st.integers(0, 4))
    requests = [RequestProfile(
        id=i, role=draw(st.sampled_from(["mother", "mother", "partner"])), stage=draw(st.sampled_from(STAGES)),
        experiences=draw(st.frozensets(st.sampled_from(["postpartum_psychosis", "mbu_admission", "anxiety"]))),
        language=draw(st.sampled_from(["en", "en", "pl"])),
        timezone=draw(st.sampled_from(["Europe/London", "America/New_York", "Nowhere/Special"])),
        # Few distinct dates, so equal scores and equal waits are common.
        requested_on=NOW - timedelta(days=draw(st.sampled_from([0, 10, 10, 95, 200]))),
        risk_hold=draw(st.integers(0, 9)) == 0,
        excluded_volunteer_ids=draw(st.frozensets(st.integers(1, max(1, volunteer_count)), max_size=1)),
    ) for i in range(1, draw(st.integers(0, 6)) + 1)]
    volunteers = []
    for i in range(1, volunteer_count + 1):
        capacity = draw(st.integers(0, 2))
        volunteers.append(VolunteerProfile(
            id=i, role=draw(st.sampled_from(["mother", "mother", "partner"])),
            stages=draw(st.frozensets(st.sampled_from(STAGES), min_size=1)),
            experiences=draw(st.frozensets(st.sampled_from(["postpartum_psychosis", "mbu_admission", "anxiety"]))),
            languages=draw(st.sampled_from([frozenset({"en"}), frozenset({"en", "pl"}), frozenset({"pl"})])),
            timezone=draw(st.sampled_from(["Europe/London", "America/New_York"])), capacity=capacity,
            active_pairings=draw(st.integers(0, capacity)),
            status=draw(st.sampled_from(["active"] * 5 + ["paused", "retired"])),
            trained_on=draw(st.sampled_from([date(2024, 1, 1)] * 5 + [None])),
            checks_expire_on=draw(st.sampled_from([date(2026, 1, 1)] * 5 + [None, TODAY - timedelta(days=1)])),
        ))
    return requests, volunteers


@settings(max_examples=150, deadline=None)
@given(small_populations(), st.sampled_from([0.0, 0.0, 40.0, 55.0]))
def test_propose_keeps_every_rule_and_reaches_the_exhaustive_optimum(population, min_score):
    requests, volunteers = population
    batch = propose(requests, volunteers, WEIGHTS, NOW, min_score)
    assert_keeps_every_rule(batch, requests, volunteers, min_score)
    assert abs(batch.total_score - exhaustive_best(requests, volunteers, min_score)) < 1e-6


@settings(max_examples=150, deadline=None)
@given(small_populations(), st.sampled_from([0.0, 45.0]))
def test_sparse_candidates_with_price_check_still_reach_the_optimum(population, min_score):
    requests, volunteers = population
    # One candidate per volunteer and one added per round: the price check must find the rest.
    with mock.patch.multiple(assignment, SMALL_GROUP_PAIRS=0, CANDIDATES_PER_VOLUNTEER=1, ADDED_PER_VOLUNTEER=1):
        batch = propose(requests, volunteers, WEIGHTS, NOW, min_score)
    assert_keeps_every_rule(batch, requests, volunteers, min_score)
    assert abs(batch.total_score - exhaustive_best(requests, volunteers, min_score)) < 1e-6


@settings(max_examples=150, deadline=None)
@given(small_populations(), st.sampled_from([0.0, 40.0]))
def test_greedy_keeps_every_rule_and_never_beats_propose(population, min_score):
    requests, volunteers = population
    first_come = greedy(requests, volunteers, WEIGHTS, NOW, min_score)
    assert_keeps_every_rule(first_come, requests, volunteers, min_score)
    assert first_come.total_score <= propose(requests, volunteers, WEIGHTS, NOW, min_score).total_score + 1e-9


# Exactness with the module's own settings, at a size where the large path runs as it does in use

def test_best_total_equals_a_dense_solver_on_seeded_instances_with_capacities_and_exclusions():
    for seed in (21, 22, 23):
        rng = random.Random(seed)
        requests, volunteers = generated_population(rng, 1200, 260)
        # Some requests on risk hold, some volunteers not ready: hard rules beyond role, language and stage.
        requests = [replace(r, risk_hold=rng.random() < 0.05) for r in requests]
        volunteers = [replace(v, status="paused") if rng.random() < 0.05 else v for v in volunteers]
        eligible = int((points_table(requests, volunteers, WEIGHTS, NOW) >= 0).sum())
        assert eligible > assignment.SMALL_GROUP_PAIRS  # the candidate path with its price check
        for min_score in (0.0, 45.0):
            batch = propose(requests, volunteers, WEIGHTS, NOW, min_score=min_score)
            assert_keeps_every_rule(batch, requests, volunteers, min_score=min_score)
            assert abs(batch.total_score - dense_optimum(requests, volunteers, min_score)) < 1e-6


def test_tie_break_on_the_large_path_serves_the_earliest_of_equal_requests():
    # 300 requests in three equal kinds, all past the wait cap: every best batch scores the same,
    # so the earliest of each kind must be the ones served, whatever order they arrive in.
    rng = random.Random(5)
    kinds = [dict(timezone="Europe/London"), dict(timezone="Europe/Warsaw"), dict(stage="established")]
    requests = [make_request(i, requested_on=NOW - timedelta(days=100 + rng.randint(0, 300), minutes=i),
                             **kinds[i % 3]) for i in range(1, 301)]
    volunteers = [make_volunteer(1000 + i, capacity=2, stages=frozenset({"early", "established"}),
                                 timezone=["Europe/London", "Europe/Warsaw"][i % 2]) for i in range(80)]
    assert int((points_table(requests, volunteers, WEIGHTS, NOW) >= 0).sum()) > assignment.SMALL_GROUP_PAIRS
    batch = propose(requests, volunteers, WEIGHTS, NOW)
    assert abs(batch.total_score - dense_optimum(requests, volunteers)) < 1e-6
    served = set(pairs(batch))
    for kind in range(3):
        of_kind = [r.id for r in assignment.queue_order(requests) if r.id % 3 == kind]
        count = len(served & set(of_kind))
        assert set(of_kind[:count]) <= served
    shuffled = requests[:]
    random.Random(9).shuffle(shuffled)
    assert propose(shuffled, volunteers[::-1], WEIGHTS, NOW) == batch
