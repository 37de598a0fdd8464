"""The console blueprint, its sign-in guard and how Flask-Login finds the signed-in coordinator."""
from flask import Blueprint, current_app

from matcher.console import wording
from matcher.console.guard import require_coordinator
from matcher.console.models import Coordinator
from matcher.extensions import db, login_manager

bp = Blueprint("console", __name__, url_prefix="/console")
login_manager.login_view = "console.login"
login_manager.login_message = "Please sign in to continue."
require_coordinator(bp)
for _name in ("action_words", "state_words", "state_pair", "subject_words", "detail_words", "when", "on_day", "plural"):
    bp.add_app_template_filter(getattr(wording, _name), _name)


@bp.app_template_filter("ago")
def ago(since, now=None) -> str:
    """Say how long ago something happened (the console's filter; now defaults to the clock)."""
    from matcher.columns import utcnow

    return wording.ago(since, now or utcnow())


@login_manager.user_loader
def load_coordinator(session_id: str) -> Coordinator | None:
    """Load the signed-in coordinator, if the cookie's session generation is still current."""
    coordinator_id, _, generation = session_id.partition(":")
    if not all(part.isascii() and part.isdigit() for part in (coordinator_id, generation)):
        return None
    coordinator = db.session.get(Coordinator, int(coordinator_id))
    if coordinator is None or coordinator.session_generation != int(generation):
        return None
    return coordinator


def login_limit() -> str:
    """Return the rate limit on every password and code entry point."""
    return current_app.config["MATCHER_LOGIN_RATE_LIMIT"]
