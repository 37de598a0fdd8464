"""Security headers for every response (no third-party source is ever allowed), and bounded ids in URLs."""
from flask import Flask, Response, request
from werkzeug.routing import IntegerConverter

from matcher.ids import MAX_ID

NEVER_CACHED = {"text/html", "text/csv", "application/json"}
HSTS_MAX_AGE = 365 * 24 * 3600

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "img-src 'self' data:",
        "style-src 'self'",
        "script-src 'self'",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "base-uri 'none'",
        "object-src 'none'",
        "frame-ancestors 'none'",
    ]
)


class IdConverter(IntegerConverter):
    """`<int:...>` in routes, bounded to what an id column holds, so a huge number is a 404, not a 500."""

    # At most ten digits: int() of thousands of digits fails inside routing, before any handler.
    regex = r"\d{1,10}"

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False):
        super().__init__(map, fixed_digits, min, max, signed)


def install_id_converter(app: Flask) -> None:
    """Make `<int:...>` bounded; call before any blueprint adds its routes."""
    app.url_map.converters["int"] = IdConverter


def init_app(app: Flask) -> None:
    """Attach the security headers to every response."""
    app.after_request(add_security_headers)


def add_security_headers(response: Response) -> Response:
    """Set CSP, nosniff, framing and referrer headers on one response."""
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    # Signed status links live in URLs: never leak them to another site.
    headers.setdefault("Referrer-Policy", "no-referrer")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    # Console pages and exports (CSV, JSON) hold personal data: no browser or proxy keeps a copy.
    if response.mimetype in NEVER_CACHED or request.path.startswith("/console"):
        headers["Cache-Control"] = "no-store"
    if request.is_secure:
        # Over HTTPS only: sent over plain HTTP it is ignored, and a local demo must not pin HTTPS.
        headers.setdefault("Strict-Transport-Security", f"max-age={HSTS_MAX_AGE}; includeSubDomains")
    return response
