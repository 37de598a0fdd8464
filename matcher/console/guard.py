"""Sign-in guard and safe redirect targets, shared by every blueprint under /console."""
import time
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    request,
    session,
    url_for,
)
from flask_login import current_user, logout_user

from matcher.extensions import login_manager
from matcher.ids import MAX_ID

PUBLIC_ENDPOINTS = {"console.login", "console.login_code", "console.second_factor_setup"}


def require_coordinator(blueprint: Blueprint) -> None:
    """Send anyone not signed in to the sign-in page, on every route of `blueprint`."""

    @blueprint.before_request
    def _signed_in_only():
        if request.endpoint in PUBLIC_ENDPOINTS:
            return None
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if _names_an_impossible_id():
            abort(404)
        return _expire_stale_session()


def _names_an_impossible_id() -> bool:
    """Say whether the query or a form's *_id field holds a number too large to be an id."""
    # Ids in the path are bounded by the URL converter (matcher.security.IdConverter); numbers in
    # the query and form are read by views with type=int, and SQLite cannot bind past 2**63.
    numbers = [value for value in request.args.values() if value.isascii() and value.isdigit()]
    numbers += [value for key, value in request.form.items()
                if key.endswith("_id") and value.isascii() and value.isdigit()]
    # Length first: int() of thousands of digits is refused by Python itself.
    return any(len(number.lstrip("0")) > len(str(MAX_ID)) or int(number) > MAX_ID for number in numbers)


def _expire_stale_session():
    """Sign out a console left idle, or signed in for longer than the absolute lifetime."""
    now = time.time()
    config = current_app.config
    idle_limit = config["MATCHER_CONSOLE_IDLE_TIMEOUT"].total_seconds()
    absolute_limit = config["MATCHER_CONSOLE_ABSOLUTE_TIMEOUT"].total_seconds()
    last_seen = session.get("seen_at")
    signed_in_at = session.get("signed_in_at")
    if last_seen is not None and now - last_seen > idle_limit:
        return _signed_out("You were signed out after a period without activity. Please sign in again.")
    # A cookie without a sign-in time predates the limit: it cannot show it is young enough.
    if signed_in_at is None or now - signed_in_at > absolute_limit:
        return _signed_out("You were signed out because you signed in a long time ago. Please sign in again.")
    session["seen_at"] = now
    return None


def _signed_out(message: str):
    logout_user()
    session.clear()
    flash(message)
    return redirect(url_for("console.login", next=request.path))


def admin_only(view):
    """Refuse a view to coordinators who are not admins (403), after the sign-in guard."""
    from functools import wraps

    from flask import abort

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated or not current_user.is_admin:
            abort(403)
        return view(*args, **kwargs)

    return wrapped


def safe_target(target: str | None, fallback: str) -> str:
    """Return `target` if it is a path on this site, else `fallback`."""
    # An open redirect here would lend the console's address to a phishing page. Browsers read
    # "/\evil", "\\evil" and "/<tab>/evil" as another host, so backslashes and control
    # characters are refused outright, not just "//" and a scheme.
    if not target or not target.startswith("/") or target.startswith("//"):
        return fallback
    if "\\" in target or any(ord(character) < 0x21 or ord(character) == 0x7F for character in target):
        return fallback
    parts = urlsplit(target)
    return fallback if parts.scheme or parts.netloc else target
