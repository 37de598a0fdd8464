"""The few figures a trustee reads first, for the whole period, suppressed like every other figure (pure)."""
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from matcher.reporting.figures import Count, Measure, Month, ReportRows, count, measure, median


@dataclass(frozen=True)
class PeriodSummary:
    """Totals over the period shown."""

    people_supported: Count
    pairings_started: Count
    people_paired: Count
    median_wait_days: Measure
    pairings_ended: Count


def _within(moment: datetime | None, start: datetime, end: datetime) -> bool:
    return moment is not None and start <= moment < end


def period_summary(months: Sequence[Month], rows: ReportRows, min_count: int) -> PeriodSummary:
    """Sum up the period from the same rows as the monthly figures."""
    start, end = months[0].start, months[-1].end
    supported = [p for p in rows.pairings if not p.fell_through]
    waits = [(r.paired_at - r.requested_on).total_seconds() / 86400 for r in rows.paired_requests
             if _within(r.paired_at, start, end)]
    return PeriodSummary(
        # The rows may reach beyond the period (they cover the longest one a trustee can choose).
        people_supported=count(len({p.request_id for p in supported if p.created_at < end
                                    and (p.ended_at is None or p.ended_at >= start)}), min_count),
        pairings_started=count(sum(_within(p.created_at, start, end) for p in supported), min_count),
        people_paired=count(len(waits), min_count),
        median_wait_days=measure(waits, median, min_count),
        pairings_ended=count(sum(_within(p.ended_at, start, end) for p in supported), min_count),
    )
