"""Working days: public holidays, the start hour and a minimum window (pure, no app)."""
from datetime import UTC, datetime, timedelta

from matcher.safeguarding.worktime import WorkingHours, due_in_working_hours, is_working_day

ENGLAND = WorkingHours("Europe/London", country="GB", subdivision="ENG")
SCOTLAND = WorkingHours("Europe/London", country="GB", subdivision="SCT")


def test_amber_raised_on_christmas_eve_evening_is_due_after_the_bank_holidays_not_on_christmas_day():
    christmas_eve = datetime(2026, 12, 24, 18, 0, tzinfo=UTC)
    # 25th (Friday), the weekend, and Boxing Day observed on Monday 28th are all holidays in England.
    assert due_in_working_hours(christmas_eve, ENGLAND) == datetime(2026, 12, 29, 17, 0, tzinfo=UTC)


def test_amber_raised_a_minute_before_closing_gets_the_next_working_day():
    late = datetime(2026, 11, 24, 16, 59, tzinfo=UTC)
    assert due_in_working_hours(late, ENGLAND) == datetime(2026, 11, 25, 17, 0, tzinfo=UTC)


def test_enough_of_the_day_left_keeps_today():
    afternoon = datetime(2026, 11, 24, 14, 30, tzinfo=UTC)
    assert due_in_working_hours(afternoon, ENGLAND) == datetime(2026, 11, 24, 17, 0, tzinfo=UTC)


def test_the_window_counts_from_the_start_hour_not_from_the_night():
    short_day = WorkingHours("Europe/London", start_hour=16, end_hour=17, min_window=timedelta(hours=2))
    night = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)
    # Fourteen hours until closing, but only one of them is working time.
    assert due_in_working_hours(night, short_day) == datetime(2026, 11, 25, 17, 0, tzinfo=UTC)


def test_regional_holidays_follow_the_configured_subdivision():
    st_andrews_day_observed = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)  # a Monday; a holiday in Scotland only
    assert not is_working_day(st_andrews_day_observed.date(), SCOTLAND)
    assert is_working_day(st_andrews_day_observed.date(), ENGLAND)
    assert due_in_working_hours(st_andrews_day_observed, SCOTLAND) == datetime(2026, 12, 1, 17, 0, tzinfo=UTC)


def test_no_country_means_weekdays_only():
    weekdays = WorkingHours("Europe/London")
    assert is_working_day(datetime(2026, 12, 25).date(), weekdays)


def test_an_unknown_region_counts_weekdays_only_and_never_fails(caplog):
    unknown = WorkingHours("Europe/London", country="GB", subdivision="NOWHERE")
    christmas = datetime(2026, 12, 25, 10, 0, tzinfo=UTC)
    assert due_in_working_hours(christmas, unknown) == datetime(2026, 12, 25, 17, 0, tzinfo=UTC)
    assert "counting weekdays only" in caplog.text
