"""Coordinator pages for the relay: a pairing's thread, held messages, review actions."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from matcher.console.guard import require_coordinator, safe_target
from matcher.console.wording import state_words
from matcher.extensions import db
from matcher.mailrelay import queries, review
from matcher.mailrelay.models import InboundMessage
from matcher.pairing.models import Moderation, Pairing

bp = Blueprint("relay_console", __name__, url_prefix="/console")
require_coordinator(bp)


def _get(model, object_id):
    found = db.session.get(model, object_id)
    if found is None:
        abort(404)
    return found


@bp.get("/pairings/<int:pairing_id>/thread")
def thread(pairing_id: int):
    """Show every message of a pairing as delivered, with what was removed and why."""
    pairing = _get(Pairing, pairing_id)
    limit = request.args.get("show", type=int) or queries.THREAD_PAGE
    messages, older = queries.thread(pairing.id, max(1, min(limit, 5000)))
    return render_template("relay/thread.html", pairing=pairing, messages=messages, older=older,
                           shown=len(messages), levels=list(Moderation),
                           undelivered=queries.undelivered(messages))


@bp.get("/held")
def held():
    """List held and quarantined messages, most serious first, then oldest."""
    return render_template("relay/held.html", messages=queries.held())


@bp.get("/messages/<int:message_id>/discard/confirm")
def confirm_discard(message_id: int):
    """Ask before discarding a held message: it then goes nowhere, for good."""
    row = _get(InboundMessage, message_id)
    back = safe_target(request.args.get("back"), url_for(".held"))
    return render_template("relay/confirm_discard.html", m=row, back=back)


@bp.post("/messages/<int:message_id>/<any(release, discard, return):action>")
def decide(message_id: int, action: str):
    """Release (optionally edited), discard (once confirmed) or return a held message."""
    row = _get(InboundMessage, message_id)
    if action == "discard" and request.form.get("confirmed") != "yes":
        return redirect(url_for(".confirm_discard", message_id=row.id, back=request.form.get("back")))
    try:
        if action == "release":
            review.release(row, current_user, request.form.get("edited_text"))
            flash("Released: the message is on its way.")
        elif action == "discard":
            review.discard(row, current_user)
            flash("Discarded.")
        else:
            explanation = (request.form.get("explanation") or "").strip()
            if not explanation:
                raise review.ReviewError("Write a short, kind explanation for the sender.")
            review.return_to_sender(row, current_user, explanation)
            flash("Returned to the sender with your explanation.")
    except review.ReviewError as error:
        flash(str(error))
    return redirect(safe_target(request.form.get("back"), url_for(".held")))


@bp.post("/messages/<int:message_id>/attachments/<int:index>/release")
def release_attachment(message_id: int, index: int):
    """Pass one checked attachment on."""
    row = _get(InboundMessage, message_id)
    try:
        review.release_attachment(row, index, current_user)
        flash("The attachment is on its way.")
    except review.ReviewError as error:
        flash(str(error))
    return redirect(url_for(".thread", pairing_id=row.pairing_id))


@bp.post("/messages/<int:message_id>/raw")
def raw(message_id: int):
    """Show the original message, only on an explicit click, which is audited."""
    row = _get(InboundMessage, message_id)
    original = review.reveal_raw(row, current_user)
    return render_template("relay/raw.html", row=row, original=original.decode("utf-8", "replace"))


@bp.post("/pairings/<int:pairing_id>/moderation")
def moderation(pairing_id: int):
    """Change a pairing's moderation level."""
    pairing = _get(Pairing, pairing_id)
    level = request.form.get("level", "")
    if level not in {m.value for m in Moderation}:
        abort(400)
    review.set_moderation(pairing, level, current_user)
    flash(f"Moderation is now: {state_words(Moderation(level))}.")
    return redirect(url_for(".thread", pairing_id=pairing.id))
