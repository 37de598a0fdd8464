"""The demo's local mailbox, and the in-process sender for demo mode."""
from email import policy
from email.parser import BytesParser

from flask import Blueprint, abort, current_app, render_template
from sqlalchemy import select

from matcher.extensions import db
from matcher.mailrelay.models import OutboxMessage
from matcher.mailrelay.outbox import deliver_after_request_in_demo

bp = Blueprint("mailrelay", __name__)


@bp.after_app_request
def send_queued_mail_in_demo(response):
    """Deliver mail queued by this request when running as the demo."""
    deliver_after_request_in_demo()
    return response


def _require_demo() -> None:
    # Real mail would be readable here: only the demo shows it.
    if not (current_app.debug or current_app.config["MATCHER_DEMO"]):
        abort(404)


@bp.get("/dev/mailbox")
def mailbox():
    """List every message the system has written, newest first."""
    _require_demo()
    messages = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(200))
    return render_template("mailbox/list.html", messages=list(messages))


@bp.get("/dev/mailbox/<int:message_id>")
def mailbox_message(message_id: int):
    """Show one message as its recipient would read it."""
    _require_demo()
    row = db.session.get(OutboxMessage, message_id)
    if row is None:
        abort(404)
    message = BytesParser(policy=policy.default).parsebytes(row.raw)
    body = message.get_body(preferencelist=("plain",))
    text = body.get_content() if body is not None else ""
    return render_template("mailbox/message.html", row=row, message=message, text=text)
