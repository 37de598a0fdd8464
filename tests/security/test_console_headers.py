"""Console responses are never cached, and HTTPS answers pin HTTPS (HSTS)."""
import pytest

CONSOLE_PAGES = ["/console/", "/console/coordinators", "/console/account/password", "/console/audit",
                 "/console/reports", "/console/volunteers", "/console/held"]
EXPORTS = ["/console/volunteers.csv", "/console/reports.csv"]


def test_hsts_is_sent_over_https(client):
    header = client.get("/console/login", base_url="https://matcher.test").headers.get("Strict-Transport-Security")
    assert header is not None
    max_age = int(header.split("max-age=")[1].split(";")[0])
    assert max_age >= 365 * 24 * 3600 and "includeSubDomains" in header


def test_hsts_is_not_sent_over_plain_http(client):
    # Over plain HTTP a browser ignores it, and a demo on localhost must not pin HTTPS.
    assert "Strict-Transport-Security" not in client.get("/console/login").headers


@pytest.mark.parametrize("path", CONSOLE_PAGES + EXPORTS)
def test_console_pages_and_exports_are_never_cached(client, make_coordinator, sign_in, path):
    sign_in(make_coordinator(email="lead@example.org", role="admin"))
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"


def test_subject_access_export_is_never_cached(client, signed_in, make_request):
    person = make_request()
    response = client.post(f"/console/requests/{person.id}/export")
    assert response.mimetype == "application/json"
    assert response.headers["Cache-Control"] == "no-store"


def test_console_redirects_are_never_cached(client):
    response = client.get("/console/")
    assert response.status_code == 302 and response.headers["Cache-Control"] == "no-store"


def test_static_files_may_still_be_cached(client):
    with client.get("/static/style.css") as response:
        assert response.headers.get("Cache-Control") != "no-store"
