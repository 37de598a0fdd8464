"""The audit log in words (pure)."""
import re
from pathlib import Path

from matcher.safeguarding.audit_words import (
    ACTION_WORDS,
    action_words,
    actor_words,
    detail_words,
    subject_link,
    subject_words,
)


def test_every_action_the_code_records_has_words():
    source = "\n".join(p.read_text() for p in Path("matcher").rglob("*.py"))
    recorded = set(re.findall(r'record\(\s*"([a-z_]+\.[a-z_]+)"', source))
    assert recorded and recorded <= set(ACTION_WORDS), recorded - set(ACTION_WORDS)


def test_an_unknown_action_still_reads_as_words():
    assert action_words("pairing.something_new") == "Pairing: something new"


def test_subjects_are_named_and_linked_to_their_console_page():
    assert subject_words("support_request", 12) == "Request #12"
    assert subject_link("support_request", 12) == ("console.request_detail", {"request_id": 12})
    assert subject_link("coordinator", 3) is None and subject_words("coordinator", 3) == "Coordinator #3"


def test_details_are_lines_of_words_not_json():
    assert detail_words({"kept_for_safeguarding": True, "reason": "safety screen: harm", "rows": 3}) == [
        "Kept for safeguarding: yes", "Reason: safety screen: harm", "Rows: 3"]
    assert detail_words({"tier": "red", "rules": ["harm_baby", "plan"]}) == ["Tier: red", "Rules: harm baby, plan"]
    assert actor_words("system") == "The system" and actor_words("coord@example.org") == "coord@example.org"


def test_when_reads_today_or_days_ago_never_today_ago(app):
    from datetime import UTC, datetime, timedelta

    from matcher.templating import ago_words

    now = datetime(2026, 3, 10, 12, tzinfo=UTC)
    with app.test_request_context("/console"):
        assert ago_words(now - timedelta(hours=3), now) == "today"
        assert ago_words(now - timedelta(days=3), now) == "3 days ago"
        assert ago_words(now - timedelta(days=21), now) == "3 weeks ago"
