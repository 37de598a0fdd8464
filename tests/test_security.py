"""Security baseline: headers, CSRF, rate limits, no third-party requests."""
import re

import pytest

PUBLIC_PAGES = ["/", "/request", "/guidelines", "/privacy", "/request/sent", "/request/safety?region=GB",
                "/console/login"]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_pages_carry_security_headers(client, path):
    headers = client.get(path).headers
    csp = headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "http" not in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_pages_load_nothing_from_another_site(client, path):
    page = client.get(path).get_data(as_text=True)
    sources = re.findall(r'(?:src|href|action)="([^"]+)"', page)
    assert sources
    assert [s for s in sources if s.startswith(("http:", "https:", "//"))] == []


def test_session_cookie_is_secure_and_http_only(app):
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["SESSION_COOKIE_HTTPONLY"]


def test_form_without_csrf_token_is_refused(make_app, valid_form):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        response = app.test_client().post("/request", data=valid_form)
    assert response.status_code == 400


def test_request_form_is_rate_limited(make_app, valid_form):
    app = make_app(RATELIMIT_ENABLED=True, MATCHER_INTAKE_RATE_LIMIT="2 per minute")
    with app.app_context():
        client = app.test_client()
        codes = [client.post("/request", data=valid_form | {"email": f"r{n}@example.com"}).status_code
                 for n in range(3)]
    assert codes == [302, 302, 429]
