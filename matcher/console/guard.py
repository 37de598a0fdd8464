"""Sign-in guard shared by every blueprint under /console."""
import time

from flask import Blueprint, current_app, flash, redirect, request, session, url_for
from flask_login import current_user, logout_user

from matcher.extensions import login_manager

PUBLIC_ENDPOINTS = {"console.login", "console.login_code", "console.second_factor_setup"}


def require_coordinator(blueprint: Blueprint) -> None:
    """Send anyone not signed in to the sign-in page, on every route of `blueprint`."""

    @blueprint.before_request
    def _signed_in_only():
        if request.endpoint in PUBLIC_ENDPOINTS:
            return None
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        return _expire_when_idle()


def _expire_when_idle():
    """Sign out a console left idle, so an unattended screen does not stay open."""
    now = time.time()
    idle_limit = current_app.config["MATCHER_CONSOLE_IDLE_TIMEOUT"].total_seconds()
    last_seen = session.get("seen_at")
    if last_seen is not None and now - last_seen > idle_limit:
        logout_user()
        session.clear()
        flash("You were signed out after a period without activity. Please sign in again.")
        return redirect(url_for("console.login", next=request.path))
    session["seen_at"] = now
    return None


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
