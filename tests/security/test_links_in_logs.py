"""Signed link tokens and masked addresses never reach the access or error logs."""
import http.client
import logging
import threading
from urllib.parse import quote

import pytest
from werkzeug.serving import make_server

from matcher import accesslog, links
from matcher.intake.notices import link_token as request_token
from matcher.pairing.volunteers import link_token as volunteer_token


@pytest.fixture(autouse=True)
def loggers_enabled(app, monkeypatch):
    """Alembic's logging.config.fileConfig (a migration earlier in the run) disables existing loggers."""
    for logger in (app.logger, logging.getLogger("werkzeug")):
        monkeypatch.setattr(logger, "disabled", False)


@pytest.fixture
def served(app):
    """The app on a real werkzeug server on loopback, with the log filter the factory installs."""
    accesslog.init_app(app)  # a no-op once create_app calls it
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_port
    server.shutdown()
    thread.join(timeout=5)


def _get(port, path):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path)
        return connection.getresponse().status
    finally:
        connection.close()


def test_the_werkzeug_access_line_shows_the_route_but_not_the_token(served, make_request, make_volunteer, caplog):
    support_request, volunteer = make_request(), make_volunteer()
    masked = "support+" + "a" * 32 + "@relay.example"
    secrets = {
        f"/status/{request_token(support_request, 'status')}": "/status/",
        f"/confirm/{request_token(support_request, 'confirm')}": "/confirm/",
        f"/volunteer/{volunteer_token(volunteer)}": "/volunteer/",
        f"/feedback/{links.sign('feedback', '1:requester')}": "/feedback/",
        f"/relay/inbound?recipient={quote(masked, safe='')}": "/relay/inbound",
    }
    with caplog.at_level(logging.INFO, logger="werkzeug"):
        for path in secrets:
            _get(served, path)
    lines = [r.getMessage() for r in caplog.records if r.name == "werkzeug"]
    assert len(lines) >= len(secrets)
    for path, route in secrets.items():
        secret = path.split("/")[-1].split("=")[-1]
        assert secret not in caplog.text and "a" * 32 not in caplog.text
        assert any(route in line and "[redacted]" in line for line in lines), (route, lines)


def test_an_error_logged_with_a_request_path_is_redacted(app, make_request, caplog):
    accesslog.init_app(app)
    token = request_token(make_request(), "status")
    with caplog.at_level(logging.ERROR):
        app.logger.error("Exception on /status/%s [GET]", token)
    assert token not in caplog.text and "/status/[redacted]" in caplog.text


def test_a_path_that_is_not_a_link_is_left_alone(app):
    line = '127.0.0.1 - - "GET /volunteer/apply HTTP/1.1" 200 - "POST /request HTTP/1.1" /console/volunteers/12'
    assert accesslog.redact(line) == line
