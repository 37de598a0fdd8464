"""The shape of a rule: its tier and what it looks for (pure).

The rules themselves are in red.py, amber.py and boundary.py,
gathered with their version in table.py.
"""
import enum
from dataclasses import dataclass


class Tier(enum.StrEnum):
    """How urgently a flag needs a person: most severe first."""

    RED = "red"
    AMBER = "amber"
    BOUNDARY = "boundary"


ANYONE = "anyone"
VOLUNTEER = "volunteer"


@dataclass(frozen=True)
class Rule:
    """One row of the table: what to look for and how seriously to take it."""

    code: str
    tier: Tier
    label: str
    patterns: tuple[str, ...]
    # Who the rule reads: everybody, or only the volunteer (advice rules).
    applies_to: str = ANYONE
    # What "I'm not going to ..." becomes: a lower tier, or None for no flag.
    if_denied: Tier | None = None
    denied_label: str = ""
    # Recovery talk ("two years ago I heard voices") is not flagged unless
    # the rule says the past still matters.
    past_counts: bool = False
    # Words in the same part of the sentence that make a match harmless.
    unless: tuple[str, ...] = ()
    # Only count the match when the writer is talking about themselves,
    # not "the tablets might hurt my baby".
    about_self: bool = False
