"""Requesters' status and confirmation links can be revoked, and end with withdrawal or erasure."""
import re

from sqlalchemy import select

from matcher import links
from matcher.console.models import AuditEvent
from matcher.extensions import db
from matcher.intake import service
from matcher.intake.models import RequestStatus
from matcher.mailrelay.outbound.outbox import deliver_due
from matcher.privacy.service import erase_requester


def _status(support_request):
    """The status link as mailed before links carried a version."""
    return f"/status/{links.sign('status', support_request.public_id)}"


def test_withdrawn_requests_status_link_stops_working(client, make_request):
    me = make_request(hopes="private words")
    path = _status(me)
    client.post(path + "/withdraw", data={"confirm": "yes"})
    gone = client.get(path)
    assert gone.status_code == 410 and "This link no longer works" in gone.get_data(as_text=True)
    client.post(path, data={"stage": "beyond", "language": "en", "timezone": "Europe/London"})
    assert me.stage == "early"


def test_erased_requesters_link_stops_working(client, make_request):
    me = make_request()
    path = _status(me)
    erase_requester(me, "person_asked", by=None)
    assert client.get(path).status_code == 410


def test_new_status_link_is_mailed_and_old_status_and_confirm_links_stop_working(
        client, make_request, make_coordinator, smtp_sink, caplog):
    me = make_request(status=RequestStatus.UNCONFIRMED, email="robin@example.com")
    old_status, old_confirm = _status(me), f"/confirm/{links.sign('confirm', me.public_id)}"
    coordinator = make_coordinator()
    service.issue_status_link(me, by=coordinator)
    deliver_due()
    smtp_sink.wait_for(1)
    [message] = smtp_sink.to("robin@example.com")
    new = re.search(r"http://matcher\.test(/status/\S+)", message.get_body(preferencelist=("plain",)).get_content())
    assert client.get(old_status).status_code == 410
    assert client.get(old_confirm).status_code == 410
    client.post(old_confirm)
    assert me.status == RequestStatus.UNCONFIRMED
    assert client.get(new.group(1)).status_code == 200
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "request.link_reissued"))
    assert event.coordinator_id == coordinator.id
    assert new.group(1).rsplit("/", 1)[1] not in caplog.text + repr(event.detail)
