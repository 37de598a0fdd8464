"""Every setting is read into its declared type at start-up; a bad one stops the app naming the key."""
import os
import subprocess
import sys
from datetime import timedelta

import pytest

from matcher import StartupRefused, config, create_app, settings

STRONG_KEY = "k" * 48


def _declared_defaults():
    return {name for name in vars(config) if name.isupper()}


def test_every_default_has_a_declared_type_and_every_declared_type_a_default():
    assert _declared_defaults() == set(settings.SETTINGS)


def test_the_defaults_themselves_pass_the_check():
    values = {name: getattr(config, name) for name in _declared_defaults()} | {"TESTING": True}
    settings.apply_settings(values)
    assert values["MATCHER_RETAIN_AUDIT"] == timedelta(days=6 * 365)


@pytest.mark.parametrize("given, expected", [
    ("90d", timedelta(days=90)), ("15m", timedelta(minutes=15)), ("1h30m", timedelta(minutes=90)),
    ("2w", timedelta(weeks=2)), ("45s", timedelta(seconds=45)), ("P90D", timedelta(days=90)),
    ("PT15M", timedelta(minutes=15)), ("P1DT2H", timedelta(days=1, hours=2)), ("p2w", timedelta(weeks=2)),
    (timedelta(hours=3), timedelta(hours=3)),
])
def test_durations_read_short_and_iso_8601_forms(given, expected):
    assert settings.duration(given) == expected


@pytest.mark.parametrize("given", [2190, "2190", "ninety days", "P1M", "P1Y", "", True, None, "90 d"])
def test_durations_without_a_fixed_unit_are_refused(given):
    with pytest.raises(ValueError):
        settings.duration(given)


def test_a_bare_number_from_the_environment_stops_start_up_naming_the_key(monkeypatch):
    monkeypatch.setenv("FLASK_MATCHER_RETAIN_AUDIT", "2190")
    with pytest.raises(StartupRefused, match="MATCHER_RETAIN_AUDIT: expected a time span with a unit"):
        create_app({"TESTING": True})


def test_a_duration_from_the_environment_becomes_a_timedelta(monkeypatch):
    monkeypatch.setenv("FLASK_MATCHER_RETAIN_AUDIT", "2190d")
    monkeypatch.setenv("FLASK_MATCHER_SILENCE_AFTER", '"P14D"')
    app = create_app({"TESTING": True})
    assert app.config["MATCHER_RETAIN_AUDIT"] == timedelta(days=2190)
    assert app.config["MATCHER_SILENCE_AFTER"] == timedelta(days=14)


@pytest.mark.parametrize("key, value, words", [
    ("MATCHER_DEFAULT_MODERATION", "everything", "review_all, review_flagged, audit_only"),
    ("MATCHER_ALERT_ADDRESS", "on-call", "an email address"),
    ("MATCHER_TIMEZONE", "Mars/Olympus", "a time zone name"),
    ("MATCHER_RELAY_HOURLY_LIMIT", "lots", "a whole number"),
    ("MATCHER_RELAY_HOURLY_LIMIT", 0, "more than zero"),
    ("MATCHER_REQUIRE_TOTP", "maybe", "true or false"),
    ("MATCHER_BASE_URL", "support.example.org", "http:// or https://"),
    ("MATCHER_OUTBOX_RETRY_DELAYS", "60,300", "a list of whole numbers"),
    ("MATCHER_LOG_LEVEL", "chatty", "DEBUG, INFO"),
])
def test_each_kind_of_bad_value_is_named_with_what_was_expected(key, value, words):
    with pytest.raises(StartupRefused) as refused:
        create_app({"TESTING": True, key: value})
    assert f"{key}: expected" in str(refused.value.message)
    assert words in str(refused.value.message)


def test_several_bad_values_are_all_named_at_once():
    with pytest.raises(StartupRefused) as refused:
        create_app({"TESTING": True, "MATCHER_SILENCE_AFTER": 14, "MATCHER_DIGEST_HOUR": "eight"})
    assert "MATCHER_SILENCE_AFTER" in refused.value.message and "MATCHER_DIGEST_HOUR" in refused.value.message


@pytest.mark.parametrize("words, expected", [("yes", True), ("off", False), ("TRUE", True), (0, False)])
def test_flags_read_the_usual_words(words, expected):
    assert settings.flag(words) is expected


def test_the_published_secret_key_is_refused_outside_debug_demo_and_tests():
    with pytest.raises(StartupRefused, match="not the published default"):
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_a_short_secret_key_is_refused_outside_debug_demo_and_tests():
    with pytest.raises(StartupRefused, match="at least 32 characters"):
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "hunter2"})


def test_a_strong_secret_key_starts_and_demo_mode_allows_the_published_one():
    assert create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": STRONG_KEY})
    assert create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "MATCHER_DEMO": True})


def test_the_command_line_prints_one_line_and_exits_75_without_a_traceback(tmp_path):
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("FLASK_")}
    environment = inherited | {"FLASK_SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.sqlite",
                               "FLASK_MATCHER_SILENCE_AFTER": "14"}
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "matcher", "db", "upgrade"],
                            capture_output=True, text=True, env=environment, timeout=60, cwd=tmp_path, check=False)
    assert result.returncode == 75
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert "MATCHER_SILENCE_AFTER" in lines[0] and "SECRET_KEY" in lines[0]


def test_a_holiday_country_that_is_not_a_code_stops_start_up(monkeypatch):
    monkeypatch.setenv("FLASK_MATCHER_HOLIDAY_COUNTRY", "England")
    with pytest.raises(StartupRefused, match="MATCHER_HOLIDAY_COUNTRY: expected a two-letter country code"):
        create_app({"TESTING": True})
