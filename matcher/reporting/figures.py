"""Monthly figures for trustees from plain rows: counts, medians, percentiles, small-number suppression.

Pure: imports neither the database nor Flask, so every figure tests without an app.
"""
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property

FELL_THROUGH = "fell_through"    # introductions the volunteer declined or never answered
UNLISTED = "unlisted"            # a stored reason no longer in MATCHER_END_REASONS
OTHER = "other"
DEFAULT_MIN_COUNT = 5


@dataclass(frozen=True, order=True)
class Month:
    """One calendar month in UTC."""

    year: int
    month: int

    @classmethod
    def of(cls, moment: datetime) -> "Month":
        """Return the UTC calendar month `moment` falls in."""
        moment = moment.astimezone(UTC)
        return cls(moment.year, moment.month)

    # Cached: every row is tested against every month, and building the datetimes was most of the report's time.
    @cached_property
    def start(self) -> datetime:
        """Return the first instant of the month."""
        return datetime(self.year, self.month, 1, tzinfo=UTC)

    @cached_property
    def end(self) -> datetime:
        """Return the first instant of the next month."""
        return self.next().start

    @property
    def key(self) -> str:
        """Return the month as 2025-01, for CSV and sorting."""
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def name(self) -> str:
        """Return the month as people say it: January 2025."""
        return self.start.strftime("%B %Y")

    def next(self) -> "Month":
        """Return the month after this one."""
        return Month(self.year + self.month // 12, self.month % 12 + 1)

    def previous(self) -> "Month":
        """Return the month before this one."""
        return Month(self.year - (self.month == 1), (self.month - 2) % 12 + 1)

    def __contains__(self, moment: datetime | None) -> bool:
        return moment is not None and self.start <= moment < self.end


def last_months(now: datetime, count: int) -> list[Month]:
    """Return the `count` calendar months ending with the one `now` is in, oldest first."""
    months = [Month.of(now)]
    while len(months) < count:
        months.insert(0, months[0].previous())
    return months


# --- rows, as the queries hand them over -----------------------------------------


@dataclass(frozen=True)
class PairingRow:
    """One pairing's dates and how it ended."""

    request_id: int
    created_at: datetime
    ended_at: datetime | None
    end_reason: str | None
    fell_through: bool


@dataclass(frozen=True)
class PairedRequest:
    """When a request was made and when it was paired."""

    requested_on: datetime
    paired_at: datetime


@dataclass(frozen=True)
class FirstReply:
    """When a pairing started, when its clock started, and the volunteer's first reply if any."""

    started_at: datetime
    clock_from: datetime
    replied_at: datetime | None


@dataclass(frozen=True)
class FeedbackRow:
    """One piece of end-of-pairing feedback, without its comment."""

    submitted_at: datetime
    helpfulness: int
    would_recommend: str


@dataclass(frozen=True)
class ReportRows:
    """Everything the report is computed from."""

    pairings: Sequence[PairingRow] = ()
    paired_requests: Sequence[PairedRequest] = ()
    first_replies: Sequence[FirstReply] = ()
    feedback: Sequence[FeedbackRow] = ()


# --- statistics and suppression --------------------------------------------------


def percentile(values: Sequence[float], share: float) -> float:
    """Return the `share` (0..100) percentile, interpolating between the closest ranks."""
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * share / 100
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def median(values: Sequence[float]) -> float:
    """Return the middle value (the mean of the two middle ones for an even count)."""
    return percentile(values, 50)


@dataclass(frozen=True)
class Count:
    """A count of people or pairings; hidden when small enough to identify someone."""

    value: int
    hidden: bool


@dataclass(frozen=True)
class Measure:
    """A median, percentile, mean or share, and how many it rests on; hidden when that is small."""

    value: float | None
    based_on: int
    hidden: bool


def count(value: int, min_count: int) -> Count:
    """Return `value` as a count, hidden below `min_count`."""
    # Zero is hidden too: showing it but hiding 1..4 would tell a reader which it was.
    return Count(value, value < min_count)


def measure(values: Sequence[float], compute: Callable[[Sequence[float]], float], min_count: int) -> Measure:
    """Return `compute(values)`, hidden when it rests on fewer than `min_count` values."""
    if len(values) < min_count:
        return Measure(None, len(values), True)
    return Measure(compute(values), len(values), False)


def mean(values: Sequence[float]) -> float:
    """Return the arithmetic mean."""
    return sum(values) / len(values)


def _days(later: datetime, earlier: datetime) -> float:
    # Imported dates can be a little out of order; a negative wait means none.
    return max((later - earlier).total_seconds(), 0) / 86400


# --- the report ------------------------------------------------------------------


@dataclass(frozen=True)
class MonthFigures:
    """Everything the report says about one month."""

    month: Month
    pairings_started: Count
    people_supported: Count
    requests_paired: Count
    median_wait_days: Measure
    p90_wait_days: Measure
    median_reply_hours: Measure
    pairings_ended: Count
    median_length_weeks: Measure
    endings: dict[str, Count]
    feedback: Count
    mean_helpfulness: Measure
    share_recommend: Measure


@dataclass(frozen=True)
class Report:
    """Figures for each month, oldest first, and endings by reason over the whole period."""

    months: list[MonthFigures]
    endings: dict[str, Count] = field(default_factory=dict)
    min_count: int = DEFAULT_MIN_COUNT
    rounding_base: int = 1  # published counts are multiples of this (see disclosure.py)


def ending_kind(row: PairingRow, reasons: Sequence[str]) -> str:
    """Return the reason code a pairing's ending is counted under."""
    if row.fell_through:
        return FELL_THROUGH
    if row.end_reason is not None and row.end_reason in reasons:
        return row.end_reason
    # A reason since taken off the list is still an ending: count it as "other" where there is one.
    return OTHER if OTHER in reasons else UNLISTED


def ending_codes(reasons: Sequence[str]) -> tuple[str, ...]:
    """Return the codes endings are counted under, in order, introductions that fell through last."""
    return (*reasons, *(() if OTHER in reasons else (UNLISTED,)), FELL_THROUGH)


def _is_live_during(row: PairingRow, month: Month) -> bool:
    return row.created_at < month.end and (row.ended_at is None or row.ended_at >= month.start)


def _endings(rows: Sequence[PairingRow], reasons: Sequence[str], min_count: int) -> dict[str, Count]:
    kinds = [ending_kind(row, reasons) for row in rows]
    return {code: count(kinds.count(code), min_count) for code in ending_codes(reasons)}


def month_figures(month: Month, rows: ReportRows, reasons: Sequence[str], min_count: int) -> MonthFigures:
    """Compute one month's figures from all the rows."""
    # Introductions that fell through never became support: they count only as such.
    supported = [p for p in rows.pairings if not p.fell_through]
    waits = [_days(r.paired_at, r.requested_on) for r in rows.paired_requests if r.paired_at in month]
    replies = [_days(r.replied_at, r.clock_from) * 24 for r in rows.first_replies
               if r.started_at in month and r.replied_at is not None]
    ended = [p for p in rows.pairings if p.ended_at in month]
    lengths = [_days(p.ended_at, p.created_at) / 7 for p in ended if not p.fell_through and p.ended_at is not None]
    feedback = [f for f in rows.feedback if f.submitted_at in month]
    return MonthFigures(
        month=month,
        pairings_started=count(sum(p.created_at in month for p in supported), min_count),
        people_supported=count(len({p.request_id for p in supported if _is_live_during(p, month)}), min_count),
        requests_paired=count(len(waits), min_count),
        median_wait_days=measure(waits, median, min_count),
        p90_wait_days=measure(waits, lambda values: percentile(values, 90), min_count),
        median_reply_hours=measure(replies, median, min_count),
        pairings_ended=count(len(lengths), min_count),
        median_length_weeks=measure(lengths, median, min_count),
        endings=_endings(ended, reasons, min_count),
        feedback=count(len(feedback), min_count),
        mean_helpfulness=measure([f.helpfulness for f in feedback], mean, min_count),
        share_recommend=measure([f.would_recommend == "yes" for f in feedback], mean, min_count),
    )


def endings_over(months: Sequence[Month], rows: ReportRows, reasons: Sequence[str], min_count: int) -> dict[str, Count]:
    """Count the pairings that ended in any of `months` (consecutive), by reason (fell through last)."""
    start, end = months[0].start, months[-1].end
    ended = [p for p in rows.pairings if p.ended_at is not None and start <= p.ended_at < end]
    return _endings(ended, reasons, min_count)


def build_report(months: Sequence[Month], rows: ReportRows, reasons: Sequence[str],
                 min_count: int = DEFAULT_MIN_COUNT) -> Report:
    """Compute the figures for each of `months` and endings by reason across them (not yet protected)."""
    return Report(
        months=[month_figures(month, rows, reasons, min_count) for month in months],
        endings=endings_over(months, rows, reasons, min_count),
        min_count=min_count,
    )


# --- words and numbers for the page and the CSV ------------------------------------


def shown(figure: Count | Measure, hidden_text: str, places: int = 1, percent: bool = False) -> str:
    """Return a figure as text: `hidden_text` when suppressed, else the number."""
    if figure.hidden or figure.value is None:  # a measure has no value only when hidden
        return hidden_text
    if isinstance(figure, Count):
        return str(figure.value)
    if percent:
        return f"{figure.value * 100:.0f}%"
    return f"{figure.value:.{places}f}"


def csv_table(report: Report) -> list[list[str]]:
    """Return the CSV rows: a header, then one row per month; hidden counts as "hidden", hidden measures blank.

    Endings by reason are not split by month: with the months' totals and the period's reasons both
    published, that table of months by reasons would let small cells be worked out across its rows and columns.
    """
    hidden = "hidden"
    header = ["month", "pairings_started", "people_supported", "requests_paired", "median_wait_days",
              "p90_wait_days", "median_hours_to_first_reply", "pairings_ended", "median_length_weeks",
              "introductions_fell_through", "feedback_count", "mean_helpfulness", "share_would_recommend"]
    rows = [header]
    for m in report.months:
        rows.append([
            m.month.key, shown(m.pairings_started, hidden), shown(m.people_supported, hidden),
            shown(m.requests_paired, hidden), shown(m.median_wait_days, ""), shown(m.p90_wait_days, ""),
            shown(m.median_reply_hours, ""), shown(m.pairings_ended, hidden), shown(m.median_length_weeks, ""),
            shown(m.endings[FELL_THROUGH], hidden),
            shown(m.feedback, hidden), shown(m.mean_helpfulness, ""), shown(m.share_recommend, "", places=2),
        ])
    return rows
