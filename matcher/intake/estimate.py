"""An honest waiting-time estimate from the recent pace of pairing (pure)."""
import math
from dataclasses import dataclass

LOOKBACK_DAYS = 90


@dataclass(frozen=True)
class WaitEstimate:
    """A range of weeks, or none when there is too little to go on."""

    position: int
    low_weeks: int | None
    high_weeks: int | None

    @property
    def known(self) -> bool:
        """Say whether there is enough history to give a range."""
        return self.low_weeks is not None


def estimate_wait(position: int, paired_recently: int, lookback_days: int = LOOKBACK_DAYS) -> WaitEstimate:
    """Estimate weeks until pairing for the person at `position` in the queue.

    The pace is the number of people paired in the last `lookback_days`. With
    fewer than three pairings the pace means little, so no range is given.
    """
    if paired_recently < 3:
        return WaitEstimate(position, None, None)
    per_week = paired_recently / (lookback_days / 7)
    weeks = position / per_week
    # A wide range is more honest than a precise-looking single number.
    low = max(1, math.floor(weeks * 0.75))
    high = max(low + 1, math.ceil(weeks * 1.5))
    return WaitEstimate(position, low, high)
