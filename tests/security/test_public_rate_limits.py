"""Rate limits count per client behind the proxy, are shared by every worker, and never hide help."""
import http.client
import os
import socket
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from matcher import StartupRefused, create_app, proxies

REDIS = ("127.0.0.1", 6379)
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def limited(app_config):
    """Rate limiting on, two requests a minute on the forms."""
    app_config.update(RATELIMIT_ENABLED=True, MATCHER_INTAKE_RATE_LIMIT="2 per minute")
    return app_config


def _app(config):
    application = create_app(config)
    proxies.init_app(application)  # a no-op once create_app calls it
    return application


def test_a_person_over_the_limit_keeps_their_answers_and_sees_crisis_numbers(limited, valid_form):
    client = _app(limited).test_client()
    answers = valid_form | {"region": "US", "email": "not an address"}
    for _ in range(2):
        assert client.post("/request", data=answers).status_code == 422
    response = client.post("/request", data=answers)
    page = response.get_data(as_text=True)
    assert response.status_code == 429
    assert "988" in page and "911" in page
    assert 'value="Robin"' in page and "Someone to talk to about going home." in page
    assert "<form" in page and "try again" in page


def _post_from(client, address, proxy="10.0.0.1"):
    return client.post("/request", data={}, environ_base={"REMOTE_ADDR": proxy},
                       headers={"X-Forwarded-For": address}).status_code


def test_behind_a_trusted_proxy_each_client_has_its_own_limit(limited):
    client = _app(limited | {"MATCHER_TRUSTED_PROXIES": 1}).test_client()
    assert [_post_from(client, "198.51.100.7") for _ in range(3)] == [422, 422, 429]
    assert _post_from(client, "203.0.113.9") == 422
    # A client cannot pick a fresh address: only the entry our proxy appended counts.
    assert _post_from(client, "192.0.2.1, 198.51.100.7") == 429


def test_without_trusted_proxies_forwarded_headers_are_ignored(limited):
    client = _app(limited).test_client()
    assert [_post_from(client, f"198.51.100.{n}", proxy="192.0.2.50") for n in range(3)] == [422, 422, 429]


@pytest.mark.parametrize("value", [-1, "two", True, 1.5])
def test_a_bad_trusted_proxies_setting_stops_start_up(limited, value):
    with pytest.raises(StartupRefused, match="MATCHER_TRUSTED_PROXIES"):
        _app(limited | {"MATCHER_TRUSTED_PROXIES": value})


# --- two gunicorn workers on loopback -----------------------------------------------------


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _redis_db():
    """Return a throwaway Redis database number; .ci/run starts Redis on loopback when it is not running."""
    try:
        import redis
    except ImportError:
        pytest.fail("the redis package is needed: pip install -e '.[test]'")
    try:
        redis.Redis(*REDIS, socket_timeout=2).ping()
    except redis.exceptions.ConnectionError:
        pytest.fail("no Redis on 127.0.0.1:6379: start one (see .ci/run) for the shared rate-limit test")
    # Claimed, not guessed: CI runs the SQLite and PostgreSQL stages at once, and two runs counting
    # in one database would each see the other's requests against the limit.
    claims = redis.Redis(*REDIS, db=0)
    for number in range(8, 16):
        if claims.set(f"matcher-test-claim-{number}", os.getpid(), nx=True, ex=300):
            redis.Redis(*REDIS, db=number).flushdb()
            return number
    pytest.fail("every Redis database 8 to 15 is claimed by another test run")


@pytest.fixture
def gunicorn(database_url, tmp_path):
    """Return a callable starting `gunicorn -w 2` on loopback with the given storage; stops them after."""
    started = []

    def start(storage_uri, limit):
        port, log = _free_port(), tmp_path / f"access-{len(started)}.log"
        env = os.environ | {
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
            "FLASK_SQLALCHEMY_DATABASE_URI": database_url,
            "FLASK_SECRET_KEY": "rate-limit-test-" + uuid.uuid4().hex, "FLASK_WTF_CSRF_ENABLED": "false",
            "FLASK_RATELIMIT_STORAGE_URI": storage_uri, "FLASK_RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}",
            "FLASK_MATCHER_INTAKE_RATE_LIMIT": limit,
        }
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-w", "2", "--preload", "-b", f"127.0.0.1:{port}",
             "--access-logfile", str(log), "--access-logformat", '%(p)s "%(r)s" %(s)s',
             "--logger-class", "matcher.gunicorn_logger.RedactingLogger", "matcher:create_app()"],
            cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        started.append(process)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                _http(port, "GET", "/", timeout=2)
                return port, log
            except OSError:
                assert process.poll() is None, process.stderr.read().decode()
                time.sleep(0.2)
        raise AssertionError("gunicorn did not start within 30 seconds")

    yield start
    for process in started:
        process.terminate()
        process.wait(timeout=30)
        process.stderr.close()


def _http(port, method, path, body=None, timeout=10):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Connection": "close"}
        connection.request(method, path, body=body, headers=headers)
        return connection.getresponse().status
    finally:
        connection.close()


def _post(port):
    return _http(port, "POST", "/request", body=b"pseudonym=x")


def _burst(port, count):
    # Several at once, so both workers take some.
    with ThreadPoolExecutor(max_workers=4) as pool:
        return list(pool.map(_post, [port] * count))


def _workers(log):
    return {line.split(" ", 1)[0] for line in log.read_text().splitlines() if "POST /request" in line}


def test_two_gunicorn_workers_sharing_redis_enforce_the_limit_once(gunicorn):
    db = _redis_db()
    import redis

    port, log = gunicorn(f"redis://127.0.0.1:6379/{db}", "6 per minute")
    statuses = _burst(port, 16)
    # The token-shaped path checks gunicorn's access log is redacted too.
    token = "WyJhYmMiLDBd.aw8zVA.YMEqZhsBCdWnHUS23bcQCj9JZXs"
    _http(port, "GET", f"/status/{token}")
    time.sleep(0.5)
    assert len(_workers(log)) == 2, "both workers must have answered for the test to mean anything"
    assert statuses.count(429) == 10 and len([s for s in statuses if s != 429]) == 6
    text = log.read_text()
    assert token not in text and "/status/[redacted]" in text
    redis.Redis(*REDIS, db=db).flushdb()
    redis.Redis(*REDIS, db=0).delete(f"matcher-test-claim-{db}")


def test_per_worker_memory_storage_lets_two_workers_pass_more_than_the_limit(gunicorn):
    """The problem shared storage solves, shown: each worker counts on its own."""
    port, log = gunicorn("memory://", "6 per minute")
    statuses = _burst(port, 16)
    time.sleep(0.5)
    assert len(_workers(log)) == 2
    assert len([s for s in statuses if s != 429]) > 6
