"""The published development SECRET_KEY must never sign a production session.

Before: an app started with the default key in production accepted a session cookie
forged with that key and opened the console with no password or second factor.
"""
import time

import pytest
from flask.sessions import SecureCookieSessionInterface

from matcher import StartupRefused, create_app
from matcher.settings import PUBLISHED_SECRET_KEY


def _forged_cookie(app, coordinator_id: int, key: str) -> str:
    """Sign a signed-in session for `coordinator_id` with `key`, as an attacker who read the source would."""
    forger = create_app({"TESTING": True, "SECRET_KEY": key, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    serializer = SecureCookieSessionInterface().get_signing_serializer(forger)
    return serializer.dumps({"_user_id": str(coordinator_id), "_fresh": True, "seen_at": time.time()})


def test_production_refuses_to_start_with_the_published_key(database_url):
    with pytest.raises(StartupRefused, match="SECRET_KEY"):
        create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": PUBLISHED_SECRET_KEY})


def test_a_cookie_forged_with_the_published_key_opens_nothing(make_coordinator, app_config):
    coordinator = make_coordinator()
    production = create_app(app_config | {"TESTING": False, "SECRET_KEY": "p" * 48})
    client = production.test_client()
    client.set_cookie("session", _forged_cookie(production, coordinator.id, PUBLISHED_SECRET_KEY),
                      domain="localhost")
    response = client.get("/console/")
    assert response.status_code == 302
    assert "/console/login" in response.headers["Location"]
