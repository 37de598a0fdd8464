"""The inbound webhook's signature covers the whole request, inside a window either side of now."""
import hashlib
import hmac
import time
from urllib.parse import urlencode

from sqlalchemy import select

from matcher.extensions import db
from matcher.mailrelay.models import InboundMessage

SECRET = "hook-secret"


def _signature(timestamp, method, path, query, body):
    """What a provider computes, written out from docs/operations.md rather than imported."""
    message = "\n".join((timestamp, method, path, query)).encode() + b"\n" + body
    return hmac.new(SECRET.encode(), message, hashlib.sha256).hexdigest()


def _post(client, query, body, timestamp=None, signed_query=None):
    timestamp = timestamp or str(int(time.time()))
    signed = query if signed_query is None else signed_query
    return client.post(f"/relay/inbound?{query}" if query else "/relay/inbound", data=body, headers={
        "X-Matcher-Timestamp": timestamp, "Content-Type": "message/rfc822",
        "X-Matcher-Signature": _signature(timestamp, "POST", "/relay/inbound", signed, body)})


def _stored():
    return db.session.scalars(select(InboundMessage)).all()


def test_a_signed_request_rerouted_to_another_recipient_is_refused(app, client, make_pairing, mail_writer):
    app.config["MATCHER_WEBHOOK_SECRET"] = SECRET
    _, requester_writes_to, volunteer_writes_to = make_pairing()
    body = mail_writer("person1@example.com", requester_writes_to, "Hello")
    signed_for, sent_to = urlencode({"recipient": requester_writes_to}), urlencode({"recipient": volunteer_writes_to})
    response = _post(client, sent_to, body, signed_query=signed_for)
    assert response.status_code == 401
    # The old scheme signed only `timestamp.body`, so anyone who saw one request could re-address it.
    timestamp = str(int(time.time()))
    body_only = hmac.new(SECRET.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    response = client.post("/relay/inbound?" + urlencode({"recipient": volunteer_writes_to}), data=body, headers={
        "X-Matcher-Timestamp": timestamp, "X-Matcher-Signature": body_only, "Content-Type": "message/rfc822"})
    assert response.status_code == 401
    assert _stored() == []


def test_a_request_signed_whole_is_stored_for_its_recipient(app, client, make_pairing, mail_writer):
    app.config["MATCHER_WEBHOOK_SECRET"] = SECRET
    _, requester_writes_to, _ = make_pairing()
    body = mail_writer("person1@example.com", requester_writes_to, "Hello")
    assert _post(client, urlencode({"recipient": requester_writes_to}), body).status_code == 200
    assert [row.adapter for row in _stored()] == ["webhook"]


def test_timestamps_too_far_in_the_future_or_past_are_refused(app, client, make_pairing, mail_writer):
    app.config["MATCHER_WEBHOOK_SECRET"] = SECRET
    _, requester_writes_to, _ = make_pairing()
    body = mail_writer("person1@example.com", requester_writes_to, "Hello")
    skew = int(app.config["MATCHER_WEBHOOK_MAX_SKEW"].total_seconds())
    for offset in (skew + 60, -(skew + 60)):
        assert _post(client, "", body, timestamp=str(int(time.time()) + offset)).status_code == 401
    # Digits from other scripts are digits to Python's int(), but not a timestamp.
    assert _post(client, "", body, timestamp="\u0661" * 10).status_code == 401
    assert _stored() == []
