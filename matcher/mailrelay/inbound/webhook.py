"""Inbound mail by HTTP: a raw MIME message POSTed with an HMAC signature."""
import hashlib
import hmac
import time

from flask import Blueprint, abort, current_app, jsonify, request

from matcher.extensions import csrf, db
from matcher.mailrelay.ingest import UnknownAddress, receive, send_alerts_now

bp = Blueprint("relay_webhook", __name__, url_prefix="/relay")

SIGNATURE_HEADER = "X-Matcher-Signature"
TIMESTAMP_HEADER = "X-Matcher-Timestamp"


def sign_request(secret: str, timestamp: str, method: str, path: str, query: str, body: bytes) -> str:
    """Return the hex HMAC-SHA256 of the whole request, as a provider computes it.

    The signed text is `timestamp`, `method`, `path` and the raw `query` (no "?"), each
    followed by a newline, then the body: the recipient in the query is covered too.
    """
    message = "\n".join((timestamp, method, path, query)).encode() + b"\n" + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def _verified(body: bytes) -> bool:
    secret = current_app.config["MATCHER_WEBHOOK_SECRET"]
    timestamp = request.headers.get(TIMESTAMP_HEADER, "")
    signature = request.headers.get(SIGNATURE_HEADER, "")
    if not (timestamp.isascii() and timestamp.isdigit() and signature):
        return False
    # Too old (a captured request replayed later) or too far ahead (one signed to be replayed later).
    if abs(time.time() - int(timestamp)) > current_app.config["MATCHER_WEBHOOK_MAX_SKEW"].total_seconds():
        return False
    query = request.query_string.decode("latin-1")
    expected = sign_request(secret, timestamp, request.method, request.path, query, body)
    return hmac.compare_digest(expected, signature)


@bp.post("/inbound")
@csrf.exempt
def inbound():
    """Store one raw message: 200 stored, 401 bad signature, 404 unknown address, 503 try later."""
    if not current_app.config["MATCHER_WEBHOOK_SECRET"]:
        abort(404)
    body = request.get_data(cache=False)
    if not _verified(body):
        return jsonify(error="bad or missing signature"), 401
    try:
        received = receive(body, "webhook", request.args.get("recipient"))
    except UnknownAddress:
        return jsonify(error="no such masked address"), 404
    except Exception:  # the provider retries on 5xx; the message is not lost
        current_app.logger.exception("webhook could not store a message")
        db.session.rollback()
        return jsonify(error="temporary failure"), 503
    send_alerts_now()  # before the 200, as the pipe does before it exits
    return jsonify(stored=True, duplicate=received.duplicate), 200
