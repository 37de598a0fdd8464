"""The demo's local mailbox: only in demo mode, filled by the in-process sender."""
from matcher.extensions import db
from matcher.mailrelay.models import OutboxMessage, OutboxStatus


def test_mailbox_is_hidden_outside_demo_mode(client):
    assert client.get("/dev/mailbox").status_code == 404


def test_demo_keeps_mail_locally_and_shows_it(app, client, valid_form):
    app.config.update(MATCHER_DEMO=True, MAIL_SERVER=None)
    client.post("/request", data=valid_form)
    [row] = db.session.query(OutboxMessage).all()
    assert row.status == OutboxStatus.KEPT_LOCALLY
    listing = client.get("/dev/mailbox").get_data(as_text=True)
    assert "Please confirm your request for peer support" in listing
    message = client.get(f"/dev/mailbox/{row.id}").get_data(as_text=True)
    assert "/confirm/" in message


def test_demo_with_a_mail_server_sends_in_process(app, client, valid_form, smtp_sink):
    app.config["MATCHER_DEMO"] = True
    client.post("/request", data=valid_form)
    smtp_sink.wait_for(1)
