"""Console sessions end on the server: sign-out, resets, deactivation, and an absolute lifetime."""
import time
from datetime import timedelta

from sqlalchemy import select

from matcher.console.models import AuditEvent, Coordinator
from matcher.extensions import db
from tests.security.conftest import replay


def _exists(email):
    db.session.expire_all()
    return db.session.scalar(select(Coordinator).where(Coordinator.email == email)) is not None


def test_cookie_captured_before_sign_out_opens_nothing_afterwards(served, console_client, make_coordinator):
    admin = make_coordinator(email="lead@example.org", role="admin")
    browser = console_client(admin)
    captured = browser.get_cookie("session").value
    assert replay(served, captured).get("/console/coordinators").status_code == 200

    browser.post("/console/logout")

    thief = replay(served, captured)
    assert thief.get("/console/").status_code == 302
    response = thief.post("/console/coordinators", data={
        "email": "mallory@example.org", "password": "a long first password", "role": "admin"})
    assert response.status_code == 302 and "/console/login" in response.headers["Location"]
    assert not _exists("mallory@example.org")


def test_deactivating_a_coordinator_ends_their_open_session(served, console_client, make_coordinator):
    worker = make_coordinator(email="worker@example.org")
    theirs = console_client(worker).get_cookie("session").value
    admin = console_client(make_coordinator(email="lead@example.org", role="admin"))

    assert admin.post(f"/console/coordinators/{worker.id}/deactivate").status_code == 302

    assert replay(served, theirs).get("/console/").status_code == 302


def test_session_ends_after_the_absolute_lifetime_however_busy(served, console_client, make_coordinator):
    browser = console_client(make_coordinator())
    assert browser.get("/console/").status_code == 200
    lifetime = served.config["MATCHER_CONSOLE_ABSOLUTE_TIMEOUT"]
    with browser.session_transaction() as session:
        # Active a moment ago (so the idle limit is not what ends it), but signed in too long ago.
        session["seen_at"] = time.time()
        session["signed_in_at"] = time.time() - lifetime.total_seconds() - 60
    response = browser.get("/console/")
    assert response.status_code == 302 and "/console/login" in response.headers["Location"]
    assert browser.get("/console/").status_code == 302


def test_absolute_lifetime_is_twelve_hours_by_default(app):
    assert app.config["MATCHER_CONSOLE_ABSOLUTE_TIMEOUT"] == timedelta(hours=12)


def test_a_session_without_a_sign_in_time_is_not_trusted(console_client, make_coordinator):
    browser = console_client(make_coordinator())
    with browser.session_transaction() as session:
        session.pop("signed_in_at", None)
    assert browser.get("/console/").status_code == 302


def test_sign_out_is_audited_once(console_client, make_coordinator):
    console_client(make_coordinator()).post("/console/logout")
    db.session.expire_all()
    assert list(db.session.scalars(select(AuditEvent.action))).count("console.logout") == 1
