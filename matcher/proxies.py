"""Trust a configured number of reverse proxies for the client's address and scheme.

Behind the documented HTTPS proxy every request comes from the proxy's address,
so without this every client shares one rate-limit bucket. With
MATCHER_TRUSTED_PROXIES = N, werkzeug's ProxyFix takes the client address from the
N-th X-Forwarded-For entry from the right (the one our own proxy wrote) and the
scheme from X-Forwarded-Proto; entries a client adds in front are ignored. With 0
(the default) the headers are ignored entirely, so a client cannot choose its own
address by sending them.
"""
from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

EXTENSION = "matcher.proxies"


def trusted_proxies(value) -> int:
    """Return the configured number of proxies, refusing anything but a whole number >= 0."""
    if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).strip().isdigit():
        raise ValueError(f"MATCHER_TRUSTED_PROXIES must be a whole number of proxies (0 or more), not {value!r}")
    return int(value)


def init_app(app: Flask) -> None:
    """Wrap the WSGI app in ProxyFix when proxies are trusted (idempotent)."""
    if EXTENSION in app.extensions:
        return
    hops = trusted_proxies(app.config.get("MATCHER_TRUSTED_PROXIES", 0))
    app.extensions[EXTENSION] = hops
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]
