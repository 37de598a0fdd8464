"""Propose a batch of pairings: the best total score the volunteers' free places allow.

Pure: plain dataclasses in, plain dataclasses out; no database, no app, no network.

How `propose` stays exact at 10,000 requests by 3,000 volunteers:
1. Hard rules on role, language and stage split the waiting list into independent groups
   (connected components of the compatibility graph), solved one at a time.
2. Scores are whole hundredths of a point, so "optimal" and "tied" are exact notions.
3. Each large group is solved as an assignment problem (scipy's LAPJVsp: one node per free
   place, one "go without" node per place or request) on a sparse set of candidate pairs, at
   first each volunteer's best few dozen requests.
4. The answer is then priced (linear-programming duals of the candidate problem) and every
   eligible pair is checked against the prices. A pair worth no more than its request's price
   plus its volunteer's price cannot improve the total; when every pair passes, the prices
   prove the answer optimal over all eligible pairs (weak duality). Pairs that fail are added
   to the candidates and the group is solved again.
5. Ties: among the best answers, earlier requests (date, then id) are preferred, by adding a
   bonus worth less than one hundredth of a point in total and solving once more on the pairs
   the prices show any best answer must use. Equal inputs give equal batches, in any order.
Small groups skip 3-4 and are solved with the tie-break on all eligible pairs at once.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components, min_weight_full_bipartite_matching

from matcher.pairing.scoring import (
    RequestProfile,
    Score,
    VolunteerProfile,
    Weights,
    points_table,
    readiness_failures,
    score,
    spare_capacity,
)

# How many candidate pairs to start from and add per round. They change only the speed:
# exactness comes from the price check, whatever these are.
CANDIDATES_PER_VOLUNTEER = 64
SAMPLED_REQUESTS = 1024
ADDED_PER_VOLUNTEER = 128
# Groups with no more eligible pairs than this are solved on all of them at once.
SMALL_GROUP_PAIRS = 20_000
# Scaled scores stay far enough below 2**53 that float64 arithmetic in the solver is exact.
EXACT_FLOAT_LIMIT = 2 ** 50


@dataclass(frozen=True)
class Proposal:
    """One proposed pair; alternatives are the request's next two best eligible volunteers
    (at or above the batch's floor), scored as if this batch had not used any places."""

    request_id: int
    volunteer_id: int
    score: Score
    alternatives: tuple[tuple[int, Score], ...]


@dataclass(frozen=True)
class Batch:
    proposals: tuple[Proposal, ...]
    unmatched: tuple[int, ...]

    @property
    def total_score(self) -> float:
        """Add up the scores of every proposed pair."""
        return sum(round(proposal.score.total * 100) for proposal in self.proposals) / 100


def queue_order(requests: list[RequestProfile]) -> list[RequestProfile]:
    """Sort requests as the waiting list does: original request date, then id."""
    return sorted(requests, key=lambda request: (request.requested_on, request.id))


def propose(requests: list[RequestProfile], volunteers: list[VolunteerProfile], weights: Weights,
            now: datetime, min_score: float = 0.0) -> Batch:
    """Pair requests with volunteers for the highest total score within free places and hard rules."""
    return _batch(requests, volunteers, weights, now, min_score, _best_total)


def greedy(requests: list[RequestProfile], volunteers: list[VolunteerProfile], weights: Weights,
           now: datetime, min_score: float = 0.0) -> Batch:
    """Pair first come, first served: each request in queue order takes its best remaining volunteer."""
    return _batch(requests, volunteers, weights, now, min_score, _first_come)


# A chooser takes scores in hundredths (volunteers x requests, -1 where not allowed; requests
# in queue order, volunteers by id) and free places per volunteer, and returns each request's
# volunteer row, or -1 for unmatched.
Chooser = Callable[[np.ndarray, np.ndarray], np.ndarray]


def _batch(requests, volunteers, weights, now, min_score, choose: Chooser) -> Batch:
    """Solve each compatibility group with `choose` and explain the chosen pairs."""
    queue = queue_order(requests)
    today = now.date()
    ready = sorted((v for v in volunteers if not readiness_failures(v, today)), key=lambda v: v.id)
    waiting = [r for r in queue if not r.risk_hold]
    proposals: dict[int, Proposal] = {}
    for group_requests, group_volunteers in _groups(waiting, ready):
        points = points_table(group_requests, group_volunteers, weights, now)
        if min_score > 0:
            # Compare as `score` reports totals, so the floor means the same in both places.
            points[points / 100 < min_score] = -1
        places = np.array([spare_capacity(v) for v in group_volunteers], dtype=np.int64)
        chosen = choose(points, places)
        matched = np.flatnonzero(chosen >= 0)
        rows = chosen[matched]
        for column, row, runners_up in zip(matched, rows, _runners_up(points, matched, rows), strict=True):
            request = group_requests[column]
            proposals[request.id] = _explain(request, group_volunteers, int(row), runners_up, weights, now)
    return Batch(
        proposals=tuple(proposals[r.id] for r in queue if r.id in proposals),
        unmatched=tuple(r.id for r in queue if r.id not in proposals),
    )


def _runners_up(points: np.ndarray, matched: np.ndarray, rows: np.ndarray) -> list[list[int]]:
    """Find each matched request's next two best eligible volunteers, lower rows first on equal scores."""
    # One gather for all matched requests: reading columns one by one is slow.
    by_request = np.ascontiguousarray(points[:, matched].T)
    everyone = np.arange(len(matched))
    by_request[everyone, rows] = -1
    # argmax takes the first of equal maxima, which is the lowest volunteer id (groups are never
    # without volunteers, so every row has one).
    first = np.argmax(by_request, axis=1)
    first_points = by_request[everyone, first]
    by_request[everyone, first] = -1
    second = np.argmax(by_request, axis=1)
    second_points = by_request[everyone, second]
    return [[int(f), int(s)][:int(fp >= 0) + int(fp >= 0 and sp >= 0)]
            for f, fp, s, sp in zip(first, first_points, second, second_points, strict=True)]


def _explain(request, volunteers, row, runners_up, weights, now) -> Proposal:
    """Score one chosen pair and the request's next two best eligible volunteers."""
    return Proposal(
        request_id=request.id,
        volunteer_id=volunteers[row].id,
        score=score(request, volunteers[row], weights, now),
        alternatives=tuple((volunteers[i].id, score(request, volunteers[i], weights, now)) for i in runners_up),
    )


def _groups(requests, volunteers):
    """Split requests and volunteers into groups that no pair allowed by role, language and stage joins."""
    request_keys: dict[tuple, list] = {}
    for request in requests:
        request_keys.setdefault((request.role, request.language, request.stage), []).append(request)
    volunteer_keys: dict[tuple, list] = {}
    for volunteer in volunteers:
        volunteer_keys.setdefault((volunteer.role, volunteer.languages, volunteer.stages), []).append(volunteer)
    keys = list(request_keys) + list(volunteer_keys)
    links = [(i, len(request_keys) + j)
             for i, (role, language, stage) in enumerate(request_keys)
             for j, (v_role, languages, stages) in enumerate(volunteer_keys)
             if role == v_role and language in languages and stage in stages]
    ends = np.array(links, dtype=np.intp).reshape(-1, 2)
    graph = coo_matrix((np.ones(len(ends)), (ends[:, 0], ends[:, 1])), shape=(len(keys), len(keys)))
    count, labels = connected_components(graph, directed=False)
    position = {r.id: i for i, r in enumerate(requests)}
    for label in range(count):
        members = [key for key, key_label in zip(keys, labels, strict=True) if key_label == label]
        group_requests = [r for key in members for r in request_keys.get(key, [])]
        group_volunteers = [v for key in members for v in volunteer_keys.get(key, [])]
        if group_requests and group_volunteers:
            yield (sorted(group_requests, key=lambda r: position[r.id]),
                   sorted(group_volunteers, key=lambda v: v.id))


def _first_come(points: np.ndarray, places: np.ndarray) -> np.ndarray:
    """Give each request in queue order its best volunteer with a place left (lowest id on ties)."""
    by_request = np.ascontiguousarray(points.T)
    places = places.copy()
    chosen = np.full(by_request.shape[0], -1, dtype=np.int64)
    for column, row_points in enumerate(by_request):
        offered = np.where(places > 0, row_points, -1)
        row = int(np.argmax(offered))
        if offered[row] >= 0:
            chosen[column] = row
            places[row] -= 1
    return chosen


def _best_total(points: np.ndarray, places: np.ndarray) -> np.ndarray:
    """Choose the pairs with the highest total score, exactly, within each volunteer's free places."""
    allowed = points >= 0
    if np.count_nonzero(allowed) <= SMALL_GROUP_PAIRS:
        return _solve_tie_broken(points, allowed, places)
    prices = _optimal_prices(points, allowed, places)
    # Every best answer uses only pairs worth exactly their two prices (complementary
    # slackness), so the tie-break needs solving only among those: far fewer pairs, and the
    # distinct tie-broken scores that make the solver slow stay out of the big problem.
    # Prices are never negative, so a pair a hard rule forbids (-1) is never worth them.
    worth_prices = points == prices
    return _solve_tie_broken(points, worth_prices, places)


def _optimal_prices(points: np.ndarray, allowed: np.ndarray, places: np.ndarray) -> np.ndarray:
    """Solve on a growing set of candidate pairs until prices prove the answer optimal; return each pair's price.

    A pair's price is its volunteer's price plus its request's price (one dense table, kept
    because the caller compares every pair against it once more).

    The prices are never negative, cover every eligible pair once the loop ends, and add up to
    the answer's own total by construction, so by weak duality no assignment scores more.
    """
    candidates = _candidates(points, allowed)
    # Prices never exceed the best score once capped, so the check stays in the scores' int32.
    top = int(points.max()) + 1
    while True:
        rows, columns = np.nonzero(candidates)
        values = points[rows, columns].astype(np.int64)
        chosen = _solve(rows, columns, values, places, len(allowed[0]))
        request_price, volunteer_price = _prices(rows, columns, values, chosen, places)
        volunteer_price = np.minimum(volunteer_price, top).astype(points.dtype)
        request_price = request_price.astype(points.dtype)
        # A forbidden pair (-1) never beats non-negative prices, so `short` implies eligible.
        prices = volunteer_price[:, None] + request_price[None, :]
        short = points > prices
        if short[rows, columns].any():
            raise ArithmeticError("pairing prices do not cover the candidate pairs")
        if not short.any():
            return prices
        candidates |= _most_promising(short, points, volunteer_price, request_price)


def _solve_tie_broken(points: np.ndarray, pairs: np.ndarray, places: np.ndarray) -> np.ndarray:
    """Solve exactly on the given pairs, ties going to earlier requests (a bonus under one hundredth)."""
    requests = points.shape[1]
    rows, columns = np.nonzero(pairs)
    most_matched = max(1, min(requests, int(places.sum())))
    top = int(points.max(initial=0)) + 1
    levels = max(1, min(requests, EXACT_FLOAT_LIMIT // (top * most_matched) - 1))
    # Requests arrive in queue order, so earlier requests get the larger bonus; the bonuses of
    # all matched requests together stay below `scale`, one hundredth of a point.
    bonus = levels * (requests - np.arange(requests, dtype=np.int64)) // requests
    ranked = points[rows, columns].astype(np.int64)
    ranked *= levels * most_matched + 1
    ranked += bonus[columns]
    return _solve(rows, columns, ranked, places, requests)


def _candidates(scores: np.ndarray, allowed: np.ndarray) -> np.ndarray:
    """Start from about each volunteer's best few dozen requests, judged on a sample to save time."""
    requests = scores.shape[1]
    step = max(1, requests // SAMPLED_REQUESTS)
    sample = scores[:, ::step]
    keep = min(sample.shape[1], -(-CANDIDATES_PER_VOLUNTEER // step))
    threshold = np.partition(sample, sample.shape[1] - keep, axis=1)[:, sample.shape[1] - keep]
    return allowed & (scores >= threshold[:, None])


def _most_promising(short: np.ndarray, points: np.ndarray, volunteer_price: np.ndarray,
                    request_price: np.ndarray) -> np.ndarray:
    """Pick the left-out pairs to add: all of them, or those with the largest gains when there are many."""
    most = ADDED_PER_VOLUNTEER * short.shape[0]
    rows, columns = np.nonzero(short)
    if len(rows) <= most:
        return short
    gains = points[rows, columns] - volunteer_price[rows] - request_price[columns]
    threshold = np.partition(gains, len(gains) - most)[len(gains) - most]
    keep = gains >= threshold
    promising = np.zeros_like(short)
    promising[rows[keep], columns[keep]] = True
    return promising


def _solve(volunteer_rows: np.ndarray, request_columns: np.ndarray, values: np.ndarray, places: np.ndarray,
           requests: int) -> np.ndarray:
    """Solve the assignment exactly on the given pairs and their scores, one node per free place."""
    chosen = np.full(requests, -1, dtype=np.int64)
    if len(volunteer_rows) == 0:
        return chosen
    per_pair = places[volunteer_rows]
    pair = np.repeat(np.arange(len(volunteer_rows)), per_pair)
    nth = np.arange(len(pair)) - np.repeat(np.cumsum(per_pair) - per_pair, per_pair)
    place = (np.cumsum(places) - places)[volunteer_rows][pair] + nth
    request = request_columns[pair]
    all_places = int(places.sum())
    # The smaller side goes in rows, each row with its own "go without" column, so every row
    # can be matched. Costs stay positive (LAPJVsp needs non-zero weights): a pair costs
    # `top - score` and going without costs `top`, so the cheapest answer scores highest.
    places_in_rows = all_places <= requests
    rows, columns, width, height = ((place, request, requests, all_places) if places_in_rows
                                    else (request, place, all_places, requests))
    top = int(values.max()) + 1
    graph = coo_matrix((
        np.concatenate((top - values[pair], np.full(height, top))).astype(np.float64),
        (np.concatenate((rows, np.arange(height))), np.concatenate((columns, width + np.arange(height)))),
    ), shape=(height, width + height))
    row_index, column_index = min_weight_full_bipartite_matching(graph.tocsr())
    real = column_index < width
    owner = np.repeat(np.arange(len(places)), places)
    if places_in_rows:
        chosen[column_index[real]] = owner[row_index[real]]
    else:
        chosen[row_index[real]] = owner[column_index[real]]
    return chosen


def _prices(volunteer_rows: np.ndarray, request_columns: np.ndarray, values: np.ndarray, chosen: np.ndarray,
            places: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Price requests and volunteers (LP duals of the candidate problem), volunteers as high as they go.

    Most left-out pairs involve an unmatched request, priced 0, so high volunteer prices are
    what show them to be no improvement. A volunteer's price is capped by what each of their
    requests scores with them, less what that request could score elsewhere at the other
    volunteer's price: a shortest-path fixed point over "request moves to another volunteer".
    """
    holder = chosen[request_columns]
    held = (holder >= 0) & (volunteer_rows == holder)
    # What each matched request scores with its own volunteer, read from the candidate pairs.
    own_score = np.zeros(len(chosen), dtype=np.int64)
    own_score[request_columns[held]] = values[held]
    moves = (holder >= 0) & (volunteer_rows != holder)
    source, target = volunteer_rows[moves], holder[moves]
    cost = own_score[request_columns[moves]] - values[moves]
    matched = np.flatnonzero(chosen >= 0)
    held_by = chosen[matched]
    has_place = np.bincount(held_by, minlength=len(places)) < places
    ceiling = np.full(len(places), np.iinfo(np.int64).max // 4, dtype=np.int64)
    np.minimum.at(ceiling, held_by, own_score[matched])
    # A volunteer with a place left is worth nothing extra: nobody needs to be moved to reach them.
    ceiling[has_place] = 0
    volunteer_price = ceiling
    for _ in range(len(places) + 1):
        lowered = volunteer_price.copy()
        np.minimum.at(lowered, target, volunteer_price[source] + cost)
        lowered[has_place] = 0
        if np.array_equal(lowered, volunteer_price):
            break
        volunteer_price = lowered
    else:
        raise ArithmeticError("pairing prices did not settle: the assignment is not optimal")
    request_price = np.zeros(len(chosen), dtype=np.int64)
    request_price[matched] = own_score[matched] - volunteer_price[held_by]
    if (volunteer_price < 0).any() or (request_price < 0).any():
        raise ArithmeticError("pairing prices went negative: the assignment is not optimal")
    return request_price, volunteer_price
