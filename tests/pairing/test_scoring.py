"""Hard rules and the explained soft score for one requester and one volunteer."""
import ast
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher.pairing import assignment, scoring
from matcher.pairing.scoring import (
    STAGES,
    RequestProfile,
    Score,
    VolunteerProfile,
    Weights,
    hard_rule_failures,
    points_table,
    score,
    spare_capacity,
)

NOW = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)  # US clocks have changed, UK clocks not yet
TODAY = NOW.date()


def make_request(**overrides) -> RequestProfile:
    """Build an English-speaking mother in the early stage, asking 30 days ago."""
    fields = dict(id=1, role="mother", stage="early", experiences=frozenset({"postpartum_psychosis"}),
                  language="en", timezone="Europe/London", requested_on=NOW - timedelta(days=30))
    return RequestProfile(**{**fields, **overrides})


def make_volunteer(**overrides) -> VolunteerProfile:
    """Build an active, trained, checked mother volunteer with one of two places taken."""
    fields = dict(id=10, role="mother", stages=frozenset({"early", "established"}),
                  experiences=frozenset({"postpartum_psychosis"}), languages=frozenset({"en"}),
                  timezone="Europe/London", capacity=2, active_pairings=1, status="active",
                  trained_on=date(2024, 5, 1), checks_expire_on=date(2026, 1, 1))
    return VolunteerProfile(**{**fields, **overrides})


def criterion(result: Score, name: str):
    return next(c for c in result.criteria if c.name == name)


# Hard rules

def test_eligible_pair_has_no_failures():
    assert hard_rule_failures(make_request(), make_volunteer(), TODAY) == []


def test_partner_is_never_offered_a_mother_volunteer():
    failures = hard_rule_failures(make_request(role="partner"), make_volunteer(role="mother"), TODAY)
    assert failures == ["Requester is a partner but the volunteer supports mothers"]


@pytest.mark.parametrize("status", ["applicant", "paused", "retired"])
def test_volunteer_who_is_not_active_is_excluded_and_named(status):
    failures = hard_rule_failures(make_request(), make_volunteer(status=status), TODAY)
    assert failures == [f"Volunteer is not active (status: {status})"]


def test_untrained_volunteer_is_excluded_and_named():
    failures = hard_rule_failures(make_request(), make_volunteer(trained_on=None), TODAY)
    assert failures == ["Volunteer has not completed training"]


def test_expired_checks_exclude_and_are_named():
    volunteer = make_volunteer(checks_expire_on=TODAY - timedelta(days=1))
    assert hard_rule_failures(make_request(), volunteer, TODAY) == [
        "Volunteer's background check expired on 2025-03-09"]


def test_checks_expiring_today_still_count():
    assert hard_rule_failures(make_request(), make_volunteer(checks_expire_on=TODAY), TODAY) == []


def test_volunteer_with_no_check_recorded_is_excluded():
    failures = hard_rule_failures(make_request(), make_volunteer(checks_expire_on=None), TODAY)
    assert failures == ["No background check is recorded for the volunteer"]


def test_volunteer_paused_until_today_is_excluded_but_not_after():
    assert hard_rule_failures(make_request(), make_volunteer(paused_until=TODAY), TODAY) == [
        "Volunteer is paused until 2025-03-10"]
    assert hard_rule_failures(make_request(), make_volunteer(paused_until=TODAY - timedelta(days=1)), TODAY) == []


def test_volunteer_with_every_place_taken_is_excluded():
    failures = hard_rule_failures(make_request(), make_volunteer(capacity=2, active_pairings=2), TODAY)
    assert failures == ["Volunteer has no spare capacity (2 of 2 pairings)"]


def test_volunteer_who_does_not_support_the_stage_is_excluded():
    failures = hard_rule_failures(make_request(stage="acute"), make_volunteer(), TODAY)
    assert failures == ["Volunteer does not support the acute stage (unwell now or in hospital)"]


def test_volunteer_without_the_requesters_language_is_excluded():
    failures = hard_rule_failures(make_request(language="pl"), make_volunteer(), TODAY)
    assert failures == ["Volunteer does not write in the requester's language (pl)"]


def test_volunteer_from_an_ended_pairing_is_not_offered_again():
    failures = hard_rule_failures(make_request(excluded_volunteer_ids=frozenset({10})), make_volunteer(id=10), TODAY)
    assert failures == ["The requester's earlier pairing with this volunteer ended"]


def test_request_on_risk_hold_is_never_eligible():
    assert hard_rule_failures(make_request(risk_hold=True), make_volunteer(), TODAY) == ["Request is on risk hold"]


def test_every_failing_rule_is_named():
    volunteer = make_volunteer(role="partner", status="retired", trained_on=None, languages=frozenset({"cy"}))
    assert len(hard_rule_failures(make_request(risk_hold=True), volunteer, TODAY)) == 5


def test_spare_capacity_counts_active_pairings_and_never_goes_negative():
    assert spare_capacity(make_volunteer(capacity=3, active_pairings=1)) == 2
    assert spare_capacity(make_volunteer(capacity=1, active_pairings=2)) == 0


# Soft score

def test_volunteer_supporting_the_exact_stage_gets_full_stage_points():
    assert criterion(score(make_request(), make_volunteer(), Weights(), NOW), "stage_fit").points == 20.0


def test_volunteer_further_on_gets_partial_stage_points_and_one_behind_gets_none():
    weights = Weights()
    one_on = score(make_request(stage="acute"), make_volunteer(stages=frozenset({"early"})), weights, NOW)
    two_on = score(make_request(stage="acute"), make_volunteer(stages=frozenset({"established"})), weights, NOW)
    behind = score(make_request(stage="beyond"), make_volunteer(stages=frozenset({"early"})), weights, NOW)
    assert criterion(one_on, "stage_fit").points == 10.0
    assert criterion(two_on, "stage_fit").points == 5.0
    assert criterion(behind, "stage_fit").points == 0.0


def test_shared_psychosis_and_mbu_admission_are_named_and_score_in_full():
    experiences = frozenset({"postpartum_psychosis", "mbu_admission"})
    result = score(make_request(experiences=experiences), make_volunteer(experiences=experiences | {"ppd"}),
                   Weights(), NOW)
    shared = criterion(result, "shared_experience")
    assert shared.points == 35.0
    assert shared.reason == "Both went through postpartum psychosis and a mother and baby unit admission"


def test_sharing_psychosis_counts_for_more_than_sharing_anxiety():
    request = make_request(experiences=frozenset({"postpartum_psychosis", "anxiety"}))
    psychosis = score(request, make_volunteer(experiences=frozenset({"postpartum_psychosis"})), Weights(), NOW)
    anxiety = score(request, make_volunteer(experiences=frozenset({"anxiety"})), Weights(), NOW)
    assert criterion(psychosis, "shared_experience").points > criterion(anxiety, "shared_experience").points
    assert criterion(anxiety, "shared_experience").reason == (
        "Both went through anxiety; the volunteer did not list postpartum psychosis")


def test_partners_share_experience_in_their_own_words():
    result = score(make_request(role="partner"), make_volunteer(role="partner"), Weights(), NOW)
    assert criterion(result, "shared_experience").reason == "Both supported a partner through postpartum psychosis"


def test_request_with_no_experiences_scores_neutral_with_a_reason():
    shared = criterion(score(make_request(experiences=frozenset()), make_volunteer(), Weights(), NOW),
                       "shared_experience")
    assert shared.points == 17.5
    assert "listed no experiences" in shared.reason


def test_timezone_distance_uses_the_offsets_in_force_now():
    # On 10 March New York is on summer time and London is not: 4 hours apart, not 5.
    result = score(make_request(), make_volunteer(timezone="America/New_York"), Weights(), NOW)
    zone = criterion(result, "timezone")
    assert zone.points == 10.0
    assert zone.reason == "Their clocks are 4 hours apart (UTC+00:00 and UTC-04:00)"


def test_unknown_timezone_is_neutral_and_named():
    zone = criterion(score(make_request(), make_volunteer(timezone="Mars/Olympus"), Weights(), NOW), "timezone")
    assert zone.points == 7.5
    assert "'Mars/Olympus' is not recognised" in zone.reason


def test_missing_timezone_is_neutral_rather_than_an_error():
    zone = criterion(score(make_request(timezone=""), make_volunteer(timezone=None), Weights(), NOW), "timezone")
    assert zone.points == 7.5
    assert "not recognised" in zone.reason


def test_volunteer_with_more_places_free_scores_higher_on_load():
    weights = Weights()
    light = score(make_request(), make_volunteer(capacity=3, active_pairings=0), weights, NOW)
    busy = score(make_request(), make_volunteer(capacity=3, active_pairings=2), weights, NOW)
    assert criterion(light, "load").points == 15.0
    assert criterion(busy, "load").points == 5.0


def test_wait_bonus_grows_with_days_waited_and_stops_at_the_cap():
    weights = Weights(wait_cap_days=90)
    points = [criterion(score(make_request(requested_on=NOW - timedelta(days=d)), make_volunteer(), weights, NOW),
                        "wait").points for d in (0, 45, 90, 400)]
    assert points == [0.0, 7.5, 15.0, 15.0]


def test_perfect_pair_scores_100_and_gives_a_reason_per_criterion():
    request = make_request(requested_on=NOW - timedelta(days=200))
    result = score(request, make_volunteer(active_pairings=0), Weights(), NOW)
    assert result.total == 100.0
    assert result.reasons == [c.reason for c in result.criteria] and len(result.reasons) == 5


def test_weights_from_config_override_defaults_and_reject_unknown_names():
    assert Weights.from_mapping({"wait": 30}) == Weights(wait=30)
    with pytest.raises(ValueError, match="waiting"):
        Weights.from_mapping({"waiting": 30})
    with pytest.raises(ValueError, match=">= 0"):
        Weights.from_mapping({"load": -1})


# The vectorised table the solver uses must agree with the one-pair functions exactly.

ZONES = ["Europe/London", "America/New_York", "Asia/Kolkata", "Not/AZone"]
EXPERIENCES = ["postpartum_psychosis", "mbu_admission", "bipolar", "anxiety"]


@st.composite
def requests_and_volunteers(draw):
    requests = [RequestProfile(
        id=i, role=draw(st.sampled_from(["mother", "partner"])), stage=draw(st.sampled_from(STAGES)),
        experiences=draw(st.frozensets(st.sampled_from(EXPERIENCES))), language=draw(st.sampled_from(["en", "pl"])),
        timezone=draw(st.sampled_from(ZONES)), requested_on=NOW - timedelta(days=draw(st.integers(0, 200))),
        risk_hold=draw(st.booleans()), excluded_volunteer_ids=draw(st.frozensets(st.integers(1, 4))),
    ) for i in range(1, draw(st.integers(1, 5)) + 1)]
    volunteers = []
    for i in range(1, draw(st.integers(1, 4)) + 1):
        capacity = draw(st.integers(0, 2))
        volunteers.append(VolunteerProfile(
            id=i, role=draw(st.sampled_from(["mother", "partner"])),
            stages=draw(st.frozensets(st.sampled_from(STAGES), min_size=1)),
            experiences=draw(st.frozensets(st.sampled_from(EXPERIENCES))),
            languages=draw(st.frozensets(st.sampled_from(["en", "pl"]), min_size=1)),
            timezone=draw(st.sampled_from(ZONES)), capacity=capacity,
            active_pairings=draw(st.integers(0, capacity)),
            status=draw(st.sampled_from(["active", "active", "paused", "applicant"])),
            trained_on=draw(st.sampled_from([None, date(2024, 1, 1)])),
            checks_expire_on=draw(st.sampled_from([None, TODAY - timedelta(days=1), TODAY, date(2027, 1, 1)])),
            paused_until=draw(st.sampled_from([None, TODAY, TODAY - timedelta(days=1)])),
        ))
    return requests, volunteers


@settings(max_examples=150, deadline=None)
@given(requests_and_volunteers())
def test_points_table_agrees_with_score_and_hard_rules(population):
    requests, volunteers = population
    table = points_table(requests, volunteers, Weights(), NOW)
    for row, volunteer in enumerate(volunteers):
        for column, request in enumerate(requests):
            if hard_rule_failures(request, volunteer, TODAY):
                assert table[row, column] == -1
            else:
                assert table[row, column] == round(score(request, volunteer, Weights(), NOW).total * 100)


def test_score_total_is_the_sum_of_its_criteria():
    result = score(make_request(timezone="Asia/Kolkata"), replace(make_volunteer(), capacity=3), Weights(), NOW)
    assert result.total == pytest.approx(sum(c.points for c in result.criteria), abs=1e-9)


def test_scoring_and_assignment_import_no_app_database_or_network():
    forbidden = {"flask", "sqlalchemy", "flask_sqlalchemy", "socket", "smtplib", "imaplib", "matcher.extensions",
                 "matcher.database"}
    for module in (scoring, assignment):
        tree = ast.parse(Path(module.__file__).read_text())
        imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
        imported |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
        assert not {name for name in imported if name.split(".")[0] in forbidden or name in forbidden}
