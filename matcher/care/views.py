"""The short feedback form at the end of a pairing (signed link, no password)."""
from flask import Blueprint, abort, current_app, render_template, request
from flask_babel import gettext
from sqlalchemy import select

from matcher import i18n, links
from matcher.care.models import Feedback
from matcher.console.audit import record
from matcher.extensions import db
from matcher.pairing.models import Pairing

bp = Blueprint("care", __name__)
ANSWERS = ("yes", "no", "unsure")


def _pairing_and_party(token: str) -> tuple[Pairing, str]:
    try:
        value = links.unsign("feedback", token, current_app.config["MATCHER_STATUS_LINK_MAX_AGE"])
    except links.LinkError as error:
        abort(410 if error.expired else 404)
    pairing_id, _, party = value.partition(":")
    pairing = db.session.get(Pairing, int(pairing_id))
    if pairing is None or party not in ("requester", "volunteer"):
        abort(404)
    return pairing, party


@bp.route("/feedback/<token>", methods=["GET", "POST"])
def feedback(token: str):
    """Ask two questions and an optional comment; one answer per person."""
    pairing, party = _pairing_and_party(token)
    person = pairing.volunteer if party == "volunteer" else pairing.request
    with i18n.in_stored_language(person.locale):
        return _feedback(pairing, party)


def _feedback(pairing: Pairing, party: str):
    existing = db.session.scalar(select(Feedback).where(Feedback.pairing_id == pairing.id, Feedback.party == party))
    error = None
    if request.method == "POST" and existing is None:
        helpfulness = request.form.get("helpfulness", type=int)
        recommend = request.form.get("would_recommend")
        if helpfulness not in range(1, 6) or recommend not in ANSWERS:
            error = gettext("Please answer both questions; the comment is optional.")
        else:
            existing = Feedback(pairing_id=pairing.id, party=party, helpfulness=helpfulness,
                                would_recommend=recommend, comment=(request.form.get("comment") or "").strip() or None)
            db.session.add(existing)
            record("feedback.received", actor=party, subject=("pairing", pairing.id))
            db.session.commit()
    return render_template("care/feedback.html", done=existing is not None, error=error, party=party), (
        422 if error else 200)
