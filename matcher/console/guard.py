"""Sign-in guard shared by every blueprint under /console."""
from flask import Blueprint, request
from flask_login import current_user

from matcher.extensions import login_manager

PUBLIC_ENDPOINTS = {"console.login"}


def require_coordinator(blueprint: Blueprint) -> None:
    """Send anyone not signed in to the sign-in page, on every route of `blueprint`."""

    @blueprint.before_request
    def _signed_in_only():
        if request.endpoint in PUBLIC_ENDPOINTS or current_user.is_authenticated:
            return None
        return login_manager.unauthorized()
