"""Monthly figures: medians, percentiles, month bucketing and small-number suppression, without an app."""
from datetime import UTC, datetime, timedelta

import pytest

from matcher.reporting.figures import (
    FELL_THROUGH,
    UNLISTED,
    Count,
    FeedbackRow,
    FirstReply,
    Measure,
    Month,
    PairedRequest,
    PairingRow,
    ReportRows,
    build_report,
    csv_table,
    last_months,
    median,
    percentile,
    shown,
)

REASONS = ["planned", "requester_withdrew", "other"]


def at(year, month, day=10, hour=12):
    """Return a UTC moment, by default noon on the 10th."""
    return datetime(year, month, day, hour, tzinfo=UTC)


def test_median_takes_the_middle_value_or_the_mean_of_the_middle_two():
    assert median([7, 1, 3]) == 3
    assert median([4, 1, 3, 2]) == 2.5
    assert median([5]) == 5


def test_ninetieth_percentile_interpolates_between_the_closest_ranks():
    assert percentile(list(range(1, 11)), 90) == pytest.approx(9.1)
    assert percentile([2, 2, 2, 2, 2], 90) == 2
    assert percentile([0, 100], 90) == pytest.approx(90)
    with pytest.raises(ValueError):
        percentile([], 50)


def test_months_run_back_across_the_new_year_oldest_first():
    months = last_months(at(2025, 2, 3), 4)
    assert [m.key for m in months] == ["2024-11", "2024-12", "2025-01", "2025-02"]
    assert Month(2024, 12).next() == Month(2025, 1) and Month(2025, 1).previous() == Month(2024, 12)
    assert Month(2024, 12).end == datetime(2025, 1, 1, tzinfo=UTC)
    assert Month(2025, 1).name == "January 2025"


def test_a_moment_belongs_to_its_utc_month_even_when_written_in_another_zone():
    from datetime import timezone

    new_year_in_new_york = datetime(2024, 12, 31, 20, 0, tzinfo=timezone(timedelta(hours=-5)))
    assert Month.of(new_year_in_new_york) == Month(2025, 1)
    assert new_year_in_new_york in Month(2025, 1) and new_year_in_new_york not in Month(2024, 12)
    last_instant = datetime(2024, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)
    assert last_instant in Month(2024, 12) and None not in Month(2024, 12)


def _waits(days_by_month, threshold=5):
    requests = [PairedRequest(paired - timedelta(days=days), paired)
                for paired, days in days_by_month]
    months = [Month(2024, 12), Month(2025, 1)]
    return build_report(months, ReportRows(paired_requests=requests), REASONS, threshold).months


def test_waits_are_bucketed_by_the_month_of_pairing_across_the_year_boundary():
    december = [(at(2024, 12, 31, 23), d) for d in (1, 2, 3, 4, 50)]
    january = [(at(2025, 1, 1, 0), d) for d in (10, 20, 30, 40, 50, 60)]
    dec, jan = _waits(december + january)
    assert dec.requests_paired == Count(5, False)
    assert dec.median_wait_days.value == 3 and dec.p90_wait_days.value == pytest.approx(31.6)
    assert jan.requests_paired.value == 6 and jan.median_wait_days.value == 35


def test_small_counts_and_the_measures_resting_on_them_are_hidden():
    dec, jan = _waits([(at(2024, 12, 5), d) for d in (1, 2, 3, 4)])
    assert dec.requests_paired == Count(4, True)
    assert dec.median_wait_days == Measure(None, 4, True)
    assert jan.requests_paired == Count(0, True)   # zero is hidden too, or it would tell 1-4 apart
    assert shown(dec.requests_paired, "fewer than 5") == "fewer than 5"
    assert shown(dec.median_wait_days, "–") == "–"


def test_the_threshold_is_configurable():
    dec, _ = _waits([(at(2024, 12, 5), d) for d in (1, 2, 3)], threshold=3)
    assert dec.requests_paired == Count(3, False) and dec.median_wait_days.value == 2


def test_people_supported_counts_each_requester_once_while_any_pairing_is_live():
    rows = ReportRows(pairings=[
        PairingRow(1, at(2024, 11, 1), at(2025, 1, 15), "planned", False),   # live Nov to Jan
        PairingRow(2, at(2024, 12, 20), None, None, False),                  # still live
        PairingRow(2, at(2024, 12, 1), at(2024, 12, 5), "declined", True),   # fell through: not support
        PairingRow(3, at(2024, 12, 2), at(2024, 12, 3), "no_answer", True),
        PairingRow(4, at(2025, 1, 31, 23), None, None, False),
    ])
    dec, jan, feb = build_report([Month(2024, 12), Month(2025, 1), Month(2025, 2)], rows, REASONS, 1).months
    assert (dec.people_supported.value, jan.people_supported.value, feb.people_supported.value) == (2, 3, 2)
    assert (dec.pairings_started.value, jan.pairings_started.value) == (1, 1)
    assert dec.endings[FELL_THROUGH].value == 2 and dec.pairings_ended.value == 0
    assert jan.endings["planned"].value == 1 and jan.median_length_weeks.value == pytest.approx(75 / 7)


def test_endings_by_reason_over_the_period_keep_fell_through_apart_and_fold_old_reasons_into_other():
    rows = ReportRows(pairings=[
        *[PairingRow(n, at(2024, 10), at(2025, 1, n), "planned", False) for n in range(1, 7)],
        PairingRow(7, at(2024, 10), at(2025, 1, 7), "retired_reason", False),
        PairingRow(8, at(2024, 10), at(2025, 1, 8), "declined", True),
        PairingRow(9, at(2024, 10), at(2024, 9, 8), "planned", False),       # ended before the period
    ])
    report = build_report([Month(2024, 12), Month(2025, 1)], rows, REASONS, 5)
    assert list(report.endings) == ["planned", "requester_withdrew", "other", FELL_THROUGH]
    assert report.endings["planned"] == Count(6, False)
    assert report.endings["other"] == Count(1, True)
    without_other = build_report([Month(2025, 1)], rows, ["planned"], 1)
    assert without_other.endings[UNLISTED].value == 1


def test_first_reply_hours_count_from_confirmation_and_skip_pairings_without_a_reply():
    start = at(2025, 1, 2)
    replies = [FirstReply(start, start + timedelta(hours=2), start + timedelta(hours=2 + h)) for h in (1, 5, 9)]
    replies.append(FirstReply(start, start, None))
    replies.append(FirstReply(start, start, start - timedelta(hours=1)))  # wrote before confirming: no wait
    jan, = build_report([Month(2025, 1)], ReportRows(first_replies=replies), REASONS, 1).months
    assert jan.median_reply_hours == Measure(3, 4, False)  # of 0, 1, 5 and 9 hours


def test_feedback_gives_a_count_a_mean_helpfulness_and_a_share_who_would_recommend():
    answers = [(5, "yes"), (4, "yes"), (3, "unsure"), (5, "yes"), (2, "no")]
    rows = ReportRows(feedback=[FeedbackRow(at(2025, 1, 3), h, r) for h, r in answers])
    jan, = build_report([Month(2025, 1)], rows, REASONS).months
    assert jan.feedback.value == 5 and jan.mean_helpfulness.value == pytest.approx(3.8)
    assert shown(jan.share_recommend, "–", percent=True) == "60%"


def test_csv_table_has_a_header_and_one_row_per_month_with_small_counts_hidden():
    rows = ReportRows(paired_requests=[PairedRequest(at(2025, 1, 1), at(2025, 1, 9)) for _ in range(6)])
    table = csv_table(build_report(last_months(at(2025, 2, 1), 3), rows, REASONS))
    header, *months = table
    assert header[:4] == ["month", "pairings_started", "people_supported", "requests_paired"]
    # Endings by reason are not split by month: a months-by-reasons table would let small cells be worked out.
    assert "introductions_fell_through" in header and not any(name.startswith("ended_") for name in header)
    assert [row[0] for row in months] == ["2024-12", "2025-01", "2025-02"]
    january = dict(zip(header, months[1], strict=True))
    assert january["requests_paired"] == "6" and january["median_wait_days"] == "8.0"
    assert january["pairings_started"] == "hidden" and january["mean_helpfulness"] == ""
    assert all(len(row) == len(header) for row in months)
