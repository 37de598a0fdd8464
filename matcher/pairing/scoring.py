"""Decide who may be paired with whom, and score how well a pair fits.

Pure: plain dataclasses in, plain dataclasses out; no database, no app, no network.
Criterion points are whole hundredths of a point so that totals add up exactly: the
assignment solver works in those hundredths and must agree with `score` to the last digit.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, fields
from datetime import date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np

STAGES = ("acute", "early", "established", "beyond")
STAGE_WORDS = {
    "acute": "acute stage (unwell now or in hospital)",
    "early": "early stage (home, first months)",
    "established": "established stage (six months on, rebuilding)",
    "beyond": "beyond stage (a year or more on)",
}
# Psychosis itself and a mother and baby unit stay are what requesters most want a
# volunteer to have lived through; the rest are common companions of it.
EXPERIENCE_WEIGHTS = {
    "postpartum_psychosis": 3.0,
    "mbu_admission": 3.0,
    "bipolar": 2.0,
    "ppd": 1.0,
    "birth_trauma": 1.0,
    "anxiety": 1.0,
}
EXPERIENCE_WORDS = {
    "postpartum_psychosis": "postpartum psychosis",
    "mbu_admission": "a mother and baby unit admission",
    "bipolar": "bipolar disorder",
    "ppd": "postnatal depression",
    "birth_trauma": "a traumatic birth",
    "anxiety": "anxiety",
}
# Clocks this many hours apart or more earn no time-zone points.
TIMEZONE_SPAN_HOURS = 12.0
# Partial credit for criteria that cannot be compared, so nobody gains or loses by it.
NEUTRAL = 0.5
# Totals are meant to read on a 0..100 scale; the cap also keeps points tables in int32.
MOST_POINTS_PER_CRITERION = 1000


@dataclass(frozen=True)
class RequestProfile:
    id: int
    role: str
    stage: str
    experiences: frozenset[str]
    language: str
    timezone: str
    requested_on: datetime
    risk_hold: bool = False
    excluded_volunteer_ids: frozenset[int] = frozenset()


@dataclass(frozen=True)
class VolunteerProfile:
    id: int
    role: str
    stages: frozenset[str]
    experiences: frozenset[str]
    languages: frozenset[str]
    timezone: str
    capacity: int
    active_pairings: int
    status: str
    trained_on: date | None
    checks_expire_on: date | None
    paused_until: date | None = None


@dataclass(frozen=True)
class Weights:
    stage_fit: float = 20.0
    shared_experience: float = 35.0
    timezone: float = 15.0
    load: float = 15.0
    wait: float = 15.0
    wait_cap_days: float = 90.0

    def __post_init__(self):
        for field in fields(self):
            value = getattr(self, field.name)
            if not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
                raise ValueError(f"pairing weight {field.name} must be a number >= 0, got {value!r}")
            if field.name != "wait_cap_days" and value > MOST_POINTS_PER_CRITERION:
                raise ValueError(f"pairing weight {field.name} must be at most {MOST_POINTS_PER_CRITERION}")
        if self.wait_cap_days <= 0:
            raise ValueError("pairing weight wait_cap_days must be above 0")

    @classmethod
    def from_mapping(cls, mapping: dict) -> Weights:
        """Build weights from config, refusing unknown names so a typo is not silently ignored."""
        known = {field.name for field in fields(cls)}
        unknown = sorted(set(mapping) - known)
        if unknown:
            raise ValueError(f"unknown pairing weights {unknown}; known: {sorted(known)}")
        return cls(**mapping)


@dataclass(frozen=True)
class Criterion:
    name: str
    points: float
    reason: str


@dataclass(frozen=True)
class Score:
    total: float
    criteria: tuple[Criterion, ...]

    @property
    def reasons(self) -> list[str]:
        """List each criterion's reason, in criterion order."""
        return [criterion.reason for criterion in self.criteria]


def spare_capacity(volunteer: VolunteerProfile) -> int:
    """Count the pairings a volunteer can still take on."""
    return max(0, volunteer.capacity - volunteer.active_pairings)


def readiness_failures(volunteer: VolunteerProfile, today: date) -> list[str]:
    """Name the rules that keep this volunteer from any new pairing today."""
    failures = []
    if volunteer.status != "active":
        failures.append(f"Volunteer is not active (status: {volunteer.status})")
    if volunteer.trained_on is None:
        failures.append("Volunteer has not completed training")
    if volunteer.checks_expire_on is None:
        failures.append("No background check is recorded for the volunteer")
    elif volunteer.checks_expire_on < today:
        failures.append(f"Volunteer's background check expired on {volunteer.checks_expire_on.isoformat()}")
    if volunteer.paused_until is not None and volunteer.paused_until >= today:
        failures.append(f"Volunteer is paused until {volunteer.paused_until.isoformat()}")
    if spare_capacity(volunteer) == 0:
        failures.append(
            f"Volunteer has no spare capacity ({volunteer.active_pairings} of {volunteer.capacity} pairings)"
        )
    return failures


def hard_rule_failures(request: RequestProfile, volunteer: VolunteerProfile, today: date) -> list[str]:
    """Name every hard rule that rules this pair out; return [] when the pair is eligible."""
    failures = []
    if request.risk_hold:
        failures.append("Request is on risk hold")
    if volunteer.role != request.role:
        failures.append(f"Requester is a {request.role} but the volunteer supports {volunteer.role}s")
    failures.extend(readiness_failures(volunteer, today))
    if request.stage not in volunteer.stages:
        failures.append(f"Volunteer does not support the {STAGE_WORDS.get(request.stage, request.stage)}")
    if request.language not in volunteer.languages:
        failures.append(f"Volunteer does not write in the requester's language ({request.language})")
    if volunteer.id in request.excluded_volunteer_ids:
        failures.append("The requester's earlier pairing with this volunteer ended")
    return failures


def _hundredths(weight: float, fraction: float) -> int:
    # Whole hundredths, so that sums of points are exact; `score` and `points_table` both use this.
    return round(weight * fraction * 100)


def _criterion(name: str, weight: float, fraction: float, reason: str) -> Criterion:
    return Criterion(name, _hundredths(weight, fraction) / 100, reason)


def hundredths(criterion: Criterion) -> int:
    """Return a criterion's points as a whole number of hundredths."""
    return round(criterion.points * 100)


def _words(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _stages_on(request_stage: str, volunteer_stages: frozenset[str]) -> int | None:
    """Count stages from the requester's to the nearest the volunteer supports at or after it."""
    if request_stage in volunteer_stages:
        return 0
    if request_stage not in STAGES:
        return None
    ahead = [STAGES.index(s) - STAGES.index(request_stage) for s in volunteer_stages if s in STAGES]
    return min((steps for steps in ahead if steps > 0), default=None)


def _stage_fraction(request_stage: str, volunteer_stages: frozenset[str]) -> float:
    steps = _stages_on(request_stage, volunteer_stages)
    # Someone further along can still speak to what lies ahead, less so the further it is.
    return 0.0 if steps is None else 0.5 ** steps


@lru_cache(maxsize=1024)
def stage_fit(request_stage: str, volunteer_stages: frozenset[str], weights: Weights) -> Criterion:
    """Score how close the stages a volunteer supports are to the requester's stage."""
    # Supporting the requester's stage is also a hard rule, so every proposed pair gets full
    # points here; partial credit shows when a coordinator scores a pair outside the rules.
    stage_words = STAGE_WORDS.get(request_stage, request_stage)
    steps = _stages_on(request_stage, volunteer_stages)
    if steps == 0:
        reason = f"Volunteer supports people in the {stage_words}"
    elif steps is None:
        reason = f"Volunteer supports none of the stages from the requester's {stage_words} on"
    else:
        reason = (f"Volunteer supports people {steps} stage{'s' if steps > 1 else ''} further on "
                  f"than the requester's {stage_words}")
    return _criterion("stage_fit", weights.stage_fit, _stage_fraction(request_stage, volunteer_stages), reason)


def _experience_weight(experience: str) -> float:
    return EXPERIENCE_WEIGHTS.get(experience, 1.0)


def _experience_fraction(request_experiences: frozenset[str], volunteer_experiences: frozenset[str]) -> float:
    if not request_experiences:
        return NEUTRAL
    shared = sum(_experience_weight(e) for e in request_experiences if e in volunteer_experiences)
    return shared / sum(_experience_weight(e) for e in request_experiences)


def _experience_words(experiences: list[str]) -> str:
    return _words([EXPERIENCE_WORDS.get(e, e.replace("_", " ")) for e in experiences])


@lru_cache(maxsize=16384)
def shared_experience(role: str, request_experiences: frozenset[str],
                      volunteer_experiences: frozenset[str], weights: Weights) -> Criterion:
    """Score the requester's experiences the volunteer has also lived through, weighted by importance."""
    fraction = _experience_fraction(request_experiences, volunteer_experiences)
    if not request_experiences:
        return _criterion("shared_experience", weights.shared_experience, fraction,
                          "The requester listed no experiences, so none were compared")
    vocabulary = list(EXPERIENCE_WEIGHTS)
    ordered = sorted(request_experiences, key=lambda e: (
        -_experience_weight(e), vocabulary.index(e) if e in vocabulary else len(vocabulary), e))
    shared = [e for e in ordered if e in volunteer_experiences]
    missing = [e for e in ordered if e not in volunteer_experiences]
    lived = "supported a partner through" if role == "partner" else "went through"
    if not shared:
        reason = f"The volunteer shares none of the requester's experiences ({_experience_words(missing)})"
    elif not missing:
        reason = f"Both {lived} {_experience_words(shared)}"
    else:
        reason = f"Both {lived} {_experience_words(shared)}; the volunteer did not list {_experience_words(missing)}"
    return _criterion("shared_experience", weights.shared_experience, fraction, reason)


@lru_cache(maxsize=1024)
def _zone(name: str | None) -> ZoneInfo | None:
    # A missing zone (None or "") is as unknown as a misspelt one: neutral, never a crash.
    try:
        return ZoneInfo(name) if name and isinstance(name, str) else None
    except (ZoneInfoNotFoundError, ValueError):
        return None


def _utc_hours(zone_name: str, now: datetime) -> float | None:
    zone = _zone(zone_name)
    return None if zone is None else zone.utcoffset(now).total_seconds() / 3600  # type: ignore[union-attr]  # a ZoneInfo always has one


def _timezone_fraction(request_timezone: str, volunteer_timezone: str, now: datetime) -> float:
    request_hours, volunteer_hours = _utc_hours(request_timezone, now), _utc_hours(volunteer_timezone, now)
    if request_hours is None or volunteer_hours is None:
        return NEUTRAL
    return max(0.0, 1.0 - abs(request_hours - volunteer_hours) / TIMEZONE_SPAN_HOURS)


def _offset_words(hours: float) -> str:
    sign = "-" if hours < 0 else "+"
    minutes = round(abs(hours) * 60)
    return f"UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}"


@lru_cache(maxsize=16384)
def timezone_closeness(request_timezone: str, volunteer_timezone: str, weights: Weights,
                       now: datetime) -> Criterion:
    """Score how close the two clocks are at `now`, so replies can arrive in waking hours."""
    fraction = _timezone_fraction(request_timezone, volunteer_timezone, now)
    hours = {"requester": _utc_hours(request_timezone, now), "volunteer": _utc_hours(volunteer_timezone, now)}
    names = {"requester": request_timezone, "volunteer": volunteer_timezone}
    unknown = [f"the {who}'s time zone {names[who]!r}" for who, offset in hours.items() if offset is None]
    requester, volunteer = hours["requester"], hours["volunteer"]
    if requester is None or volunteer is None:
        reason = f"Time zones were not compared: {_words(unknown)} is not recognised"
    elif requester == volunteer:
        reason = f"Both are on the same clock ({_offset_words(requester)})"
    else:
        apart = abs(requester - volunteer)
        reason = (f"Their clocks are {apart:g} hour{'s' if apart != 1 else ''} apart "
                  f"({_offset_words(requester)} and {_offset_words(volunteer)})")
    return _criterion("timezone", weights.timezone, fraction, reason)


def _load_fraction(capacity: int, spare: int) -> float:
    return spare / capacity if capacity > 0 else 0.0


def volunteer_load(volunteer: VolunteerProfile, weights: Weights) -> Criterion:
    """Score the share of a volunteer's capacity still free, to spread the work."""
    return _load(volunteer.capacity, spare_capacity(volunteer), weights)


@lru_cache(maxsize=1024)
def _load(capacity: int, spare: int, weights: Weights) -> Criterion:
    # Cached: explaining a batch scores thousands of pairs with few distinct loads.
    return _criterion("load", weights.load, _load_fraction(capacity, spare),
                      f"Volunteer has {spare} of {capacity} places free")


def days_waited(requested_on: datetime, now: datetime) -> int:
    """Count whole days since the original request, never below zero."""
    return max(0, (now - requested_on).days)


def _wait_fraction(days: int, weights: Weights) -> float:
    return min(days, weights.wait_cap_days) / weights.wait_cap_days


# The service dates a request sent back to the front of the queue this many days
# earlier, which gives it the full wait bonus and first place on ties.
FRONT_OF_QUEUE_DAYS = 3650


def waiting_time(requested_on: datetime, weights: Weights, now: datetime) -> Criterion:
    """Score the wait so far, growing daily up to a cap, so the longest waiting are served first."""
    return _waiting(days_waited(requested_on, now), weights)


@lru_cache(maxsize=4096)
def _waiting(days: int, weights: Weights) -> Criterion:
    # Cached per whole day waited: explaining a batch meets the same few hundred waits again and again.
    reason = f"Requester has waited {days} day{'s' if days != 1 else ''} since asking for support"
    if days >= FRONT_OF_QUEUE_DAYS:
        reason = "Requester is at the front of the queue: an earlier introduction fell through"
    elif days >= weights.wait_cap_days:
        reason += f" (the full waiting bonus starts at {weights.wait_cap_days:g} days)"
    return _criterion("wait", weights.wait, _wait_fraction(days, weights), reason)


def score(request: RequestProfile, volunteer: VolunteerProfile, weights: Weights, now: datetime) -> Score:
    """Score how well a volunteer fits a request, each criterion with its reason; meaningful only for eligible pairs."""
    criteria = (
        stage_fit(request.stage, volunteer.stages, weights),
        shared_experience(request.role, request.experiences, volunteer.experiences, weights),
        timezone_closeness(request.timezone, volunteer.timezone, weights, now),
        volunteer_load(volunteer, weights),
        waiting_time(request.requested_on, weights, now),
    )
    return Score(sum(hundredths(c) for c in criteria) / 100, criteria)


def _codes(values: list) -> tuple[np.ndarray, list]:
    """Number each distinct value, so criteria are computed once per distinct pair of values."""
    distinct: dict = {}
    codes = np.fromiter((distinct.setdefault(v, len(distinct)) for v in values), dtype=np.intp,
                        count=len(values))
    return codes, list(distinct)


def _pair_table(request_values: list, volunteer_values: list, points) -> np.ndarray:
    """Return points for every volunteer (rows) and request (columns) from one small distinct-value table."""
    request_codes, request_distinct = _codes(request_values)
    volunteer_codes, volunteer_distinct = _codes(volunteer_values)
    table = np.array([[points(r, v) for r in request_distinct] for v in volunteer_distinct],
                     dtype=np.int32).reshape(len(volunteer_distinct), len(request_distinct))
    return table[volunteer_codes[:, None], request_codes[None, :]]


def _per_value(values: list, points) -> np.ndarray:
    """Return points for each value, computed once per distinct value."""
    codes, distinct = _codes(values)
    return np.array([points(value) for value in distinct], dtype=np.int32)[codes]


def points_table(requests: list[RequestProfile], volunteers: list[VolunteerProfile],
                 weights: Weights, now: datetime) -> np.ndarray:
    """Return every pair's score in hundredths (volunteers as rows, requests as columns), -1 where a hard rule fails.

    Agrees exactly with `score` and `hard_rule_failures(..., now.date())`, computed per distinct
    value rather than per pair so that thousands by thousands stays affordable.
    """
    today = now.date()
    # Pairs depend on a request and a volunteer only through these; thousands of people share a
    # few hundred kinds, so the pair table is built per kind and spread out in one gather.
    request_codes, request_kinds = _codes([(r.role, r.language, r.stage, r.experiences, r.timezone)
                                           for r in requests])
    volunteer_codes, volunteer_kinds = _codes([(v.role, v.languages, v.stages, v.experiences, v.timezone)
                                               for v in volunteers])
    total = _kind_table(request_kinds, volunteer_kinds, weights, now)[volunteer_codes[:, None], request_codes[None, :]]
    total += _per_value([(v.capacity, spare_capacity(v)) for v in volunteers],
                        lambda load: _hundredths(weights.load, _load_fraction(*load)))[:, None]
    total += _per_value([days_waited(r.requested_on, now) for r in requests],
                        lambda days: _hundredths(weights.wait, _wait_fraction(days, weights)))[None, :]
    np.maximum(total, -1, out=total)
    total[[bool(readiness_failures(v, today)) for v in volunteers], :] = -1
    total[:, [r.risk_hold for r in requests]] = -1
    row_of = {v.id: row for row, v in enumerate(volunteers)}
    for column, request in enumerate(requests):
        for volunteer_id in request.excluded_volunteer_ids:
            if volunteer_id in row_of:
                total[row_of[volunteer_id], column] = -1
    return total


# Far below any sum of points, so a pair of kinds the hard rules forbid stays negative once the
# per-volunteer and per-request points are added (and is then set to -1).
_FORBIDDEN = -(2 ** 30)


def _kind_table(request_kinds: list, volunteer_kinds: list, weights: Weights, now: datetime) -> np.ndarray:
    """Return the per-pair points of every volunteer kind (rows) and request kind (columns)."""
    table = _pair_table([k[:3] for k in request_kinds], [k[:3] for k in volunteer_kinds],
                        lambda r, v: 0 if r[0] == v[0] and r[1] in v[1] and r[2] in v[2] else _FORBIDDEN)
    table += _pair_table([k[2] for k in request_kinds], [k[2] for k in volunteer_kinds],
                         lambda r, v: _hundredths(weights.stage_fit, _stage_fraction(r, v)))
    table += _pair_table([k[3] for k in request_kinds], [k[3] for k in volunteer_kinds],
                         lambda r, v: _hundredths(weights.shared_experience, _experience_fraction(r, v)))
    table += _pair_table([k[4] for k in request_kinds], [k[4] for k in volunteer_kinds],
                         lambda r, v: _hundredths(weights.timezone, _timezone_fraction(r, v, now)))
    return table
