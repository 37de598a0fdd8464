"""Which hard rules a pair breaks, by name, and why a request found nobody (pure).

`scoring.hard_rule_failures` says the same rules in words for one pair; this module
names each rule by a code, marks the rules that protect people (only an admin may
override those), and turns a whole roster's breaks into one sentence per request.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from matcher.pairing.scoring import STAGE_WORDS, RequestProfile, VolunteerProfile, hard_rule_failures, spare_capacity

# Rules that keep people safe: training, background checks, risk holds, a volunteer who is not active.
PROTECTIVE = frozenset({"risk_hold", "not_active", "untrained", "no_check", "check_expired"})
# The order rules are reported in when two block a request equally often: safety first.
ORDER = ("risk_hold", "not_active", "untrained", "no_check", "check_expired", "paused", "role", "stage",
         "language", "capacity", "paired_before")


@dataclass(frozen=True)
class RuleBreak:
    """One hard rule a pair breaks: its code, its words for a coordinator, and who may override it."""

    code: str
    words: str

    @property
    def protective(self) -> bool:
        """Say whether only an admin may override this rule."""
        return self.code in PROTECTIVE


def _codes(request: RequestProfile, volunteer: VolunteerProfile, today: date) -> list[str]:
    checks = (
        ("risk_hold", request.risk_hold),
        ("role", volunteer.role != request.role),
        ("not_active", volunteer.status != "active"),
        ("untrained", volunteer.trained_on is None),
        ("no_check", volunteer.checks_expire_on is None),
        ("check_expired", volunteer.checks_expire_on is not None and volunteer.checks_expire_on < today),
        ("paused", volunteer.paused_until is not None and volunteer.paused_until >= today),
        ("capacity", spare_capacity(volunteer) == 0),
        ("stage", request.stage not in volunteer.stages),
        ("language", request.language not in volunteer.languages),
        ("paired_before", volunteer.id in request.excluded_volunteer_ids),
    )
    return [code for code, broken in checks if broken]


def rule_breaks(request: RequestProfile, volunteer: VolunteerProfile, today: date) -> list[RuleBreak]:
    """Return every hard rule this pair breaks, each with the words scoring uses for it."""
    codes = _codes(request, volunteer, today)
    words = hard_rule_failures(request, volunteer, today)
    # Both walk the rules in the same order, one entry per broken rule (a test keeps them in step).
    return [RuleBreak(code, text) for code, text in zip(codes, words, strict=True)]


def _sentence(code: str, request: RequestProfile) -> str:
    role, stage = request.role, STAGE_WORDS.get(request.stage, request.stage)
    return {
        "risk_hold": "the request is on risk hold: clear the hold first",
        "not_active": f"no {role} volunteer is active",
        "untrained": f"no {role} volunteer has a recorded training date",
        "no_check": f"no {role} volunteer with a recorded background check",
        "check_expired": f"no {role} volunteer with a background check still in date",
        "paused": f"every {role} volunteer who could fit is paused",
        "role": f"no volunteer supports {role}s",
        "stage": f"no {role} volunteer supports the {stage}",
        "language": f"no {role} volunteer writes in the requester's language ({request.language})",
        "capacity": f"no {role} volunteer for the {stage} has room",
        "paired_before": f"the only {role} volunteers who fit were paired with this person before",
    }[code]


def unmatched_reason(request: RequestProfile, volunteers: list[VolunteerProfile], today: date) -> str:
    """Name the rule that blocks this request most often among volunteers of its role."""
    if request.risk_hold:
        return _sentence("risk_hold", request)
    own_role = [v for v in volunteers if v.role == request.role]
    if not own_role:
        return _sentence("not_active", request)
    counts = Counter(code for v in own_role for code in set(_codes(request, v, today)))
    if not counts:
        return (f"every {request.role} volunteer who fits is proposed to someone who has waited longer, "
                "or no fit reaches the minimum score")
    code = max(counts, key=lambda c: (counts[c], -ORDER.index(c)))
    return _sentence(code, request)
