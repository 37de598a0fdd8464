"""A live server in a thread and a real headless Chromium driven by Playwright."""
import threading

import pytest
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


class LiveServer:
    """The app served on a loopback port in a background thread."""

    def __init__(self, app):
        self.app = app
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc_info):
        self.server.shutdown()
        self.thread.join(timeout=5)


@pytest.fixture
def live_server(make_app, app):
    """Serve a demo-mode app (CSRF on, mail sent in-process to the SMTP sink)."""
    from matcher.extensions import db

    port_app = make_app(WTF_CSRF_ENABLED=True, MATCHER_DEMO=True)
    server = LiveServer(port_app)
    port_app.config["MATCHER_BASE_URL"] = server.url
    with server:
        yield server
    with port_app.app_context():
        db.session.remove()


@pytest.fixture(scope="session")
def browser():
    """One headless Debian Chromium for the run."""
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh browser page that records every URL it requests."""
    context = browser.new_context(base_url=live_server.url)
    tab = context.new_page()
    tab.requested_urls = []
    tab.on("request", lambda request: tab.requested_urls.append(request.url))
    yield tab
    context.close()
