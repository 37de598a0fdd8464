"""The demo's local mailbox, and the in-process sender for demo mode."""
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import make_msgid, parseaddr

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from matcher.extensions import db
from matcher.mailrelay.ingest import receive
from matcher.mailrelay.models import OutboxMessage
from matcher.mailrelay.outbound.outbox import deliver_after_request_in_demo

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


def _kept_message(message_id: int):
    _require_demo()
    row = db.session.get(OutboxMessage, message_id)
    if row is None:
        abort(404)
    return row, BytesParser(policy=policy.default).parsebytes(row.raw)


@bp.get("/dev/mailbox/<int:message_id>")
def mailbox_message(message_id: int):
    """Show one message as its recipient would read it."""
    row, message = _kept_message(message_id)
    body = message.get_body(preferencelist=("plain",))
    text = body.get_content() if body is not None else ""
    reply_to = masked_sender(message)
    return render_template("mailbox/message.html", row=row, message=message, text=text, reply_to=reply_to)


def masked_sender(message) -> str | None:
    """Return the masked address a message came from, if it came through the relay."""
    address = parseaddr(str(message.get("From", "")))[1].lower()
    relay_local, _, relay_domain = current_app.config["MATCHER_RELAY_ADDRESS"].lower().partition("@")
    if address.endswith("@" + relay_domain) and address.startswith(relay_local + "+"):
        return address
    return None


@bp.post("/dev/mailbox/<int:message_id>/reply")
def mailbox_reply(message_id: int):
    """Reply as the recipient, through the relay, as their mail client would."""
    row, message = _kept_message(message_id)
    masked = masked_sender(message)
    if masked is None:
        abort(400)
    reply = EmailMessage()
    reply["From"] = row.recipient
    reply["To"] = masked
    reply["Subject"] = "Re: " + str(message.get("Subject", ""))
    reply["Message-ID"] = make_msgid(domain="demo.example.com")
    reply["In-Reply-To"] = str(message.get("Message-ID", ""))
    reply["References"] = str(message.get("Message-ID", ""))
    reply.set_content(request.form.get("body", ""))
    received = receive(reply.as_bytes(), "demo", masked)
    flash(f"Your reply went through the relay: {received.state}.")
    return redirect(url_for("mailrelay.mailbox"))
