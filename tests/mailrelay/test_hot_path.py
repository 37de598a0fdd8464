"""The inbound hot path stays short (issue 15): few statements and transactions per relayed message,
on SQLite and on PostgreSQL, and no earlier message parsed again for a later one."""
from contextlib import contextmanager

from sqlalchemy import event, select, update

from matcher.columns import utcnow
from matcher.extensions import db
from matcher.mailrelay.ingest import receive, send_alerts_now
from matcher.mailrelay.models import InboundMessage, InboundState
from matcher.mailrelay.outbound.outbox import deliver_due
from matcher.mailrelay.routing import route_for
from matcher.mailrelay.thread_history import thread_so_far

REQUESTER = {"pseudonym": "Linnet", "name": "Araminta Oakridge", "email": "araminta.o@example.com"}
VOLUNTEER = {"pseudonym": "Tamsin", "name": "Beatrix Hollowell", "email": "beatrix.h@example.org",
             "phone": "07700 900744"}
BODY = ("We went for a walk by the river this morning and the ducks were out in force.\n"
        "My sister is visiting at the weekend, so I am planning a simple lunch.\n\nBest wishes")
# Measured when written: storing and reading one ordinary message takes 9 statements in 2
# transactions (the route with the pairing's newest tokens; the INSERT already leased; the thread's two
# reads; the copy's INSERT and its VERP UPDATE; one INSERT ... ON CONFLICT per thread id; the pairing;
# the fenced outcome); a route found at RCPT is looked up again at DATA, so it costs the same.
# Tight bounds, so the ORM path (about 30 before issue 15, 15 before the copy's look-ups went) cannot
# come back unnoticed.
RECEIVE_STATEMENTS = 9
RECEIVE_TRANSACTIONS = 2
# With the alert check and one delivery pass (claim, send, record), as the SMTP listener runs them.
WHOLE_STATEMENTS = 14


@contextmanager
def counting():
    """Count the statements sent and the transactions committed on the app's engine."""
    counts = {"statements": 0, "commits": 0}

    def statement(*_args):
        counts["statements"] += 1

    def commit(_connection):
        counts["commits"] += 1

    event.listen(db.engine, "before_cursor_execute", statement)
    event.listen(db.engine, "commit", commit)
    try:
        yield counts
    finally:
        event.remove(db.engine, "before_cursor_execute", statement)
        event.remove(db.engine, "commit", commit)


def _warm_thread(mail_writer, requester_to, volunteer_to):
    """A thread with history both ways, so the counted message reads a real one."""
    receive(mail_writer(VOLUNTEER["email"], volunteer_to, "How are the mornings now?"), "smtp", volunteer_to)
    receive(mail_writer(REQUESTER["email"], requester_to, BODY), "smtp", requester_to)
    deliver_due()
    db.session.remove()


def test_one_relayed_message_takes_few_statements_and_two_transactions(make_pairing, mail_writer, smtp_sink):
    _, requester_to, volunteer_to = make_pairing(REQUESTER, VOLUNTEER, moderation="audit_only")
    _warm_thread(mail_writer, requester_to, volunteer_to)
    raw = mail_writer(REQUESTER["email"], requester_to, BODY + "\nThe baby slept four hours straight.")
    with counting() as stored_and_read:
        received = receive(raw, "smtp", requester_to)
    with counting() as whole:
        send_alerts_now()
        deliver_due(limit=50)
    assert received.state == InboundState.DELIVERED
    assert stored_and_read["statements"] <= RECEIVE_STATEMENTS, stored_and_read
    assert stored_and_read["commits"] <= RECEIVE_TRANSACTIONS, stored_and_read
    assert stored_and_read["statements"] + whole["statements"] <= WHOLE_STATEMENTS, (stored_and_read, whole)
    assert any("four hours straight" in message.get_body(("plain",)).get_content()
               for message in smtp_sink.to(VOLUNTEER["email"]))


def test_a_route_found_at_rcpt_still_delivers(make_pairing, mail_writer):
    _, requester_to, volunteer_to = make_pairing(REQUESTER, VOLUNTEER, moderation="audit_only")
    _warm_thread(mail_writer, requester_to, volunteer_to)
    route = route_for(requester_to, utcnow())  # what relay smtpd finds at RCPT, in its own session
    db.session.remove()
    with counting() as counts:
        received = receive(mail_writer(REQUESTER["email"], requester_to, BODY + "\nAgain."), "smtp", requester_to,
                           route=route)
    assert received.state == InboundState.DELIVERED
    # The masked address is looked up again at DATA (a pairing may end between RCPT and DATA).
    assert counts["statements"] <= RECEIVE_STATEMENTS, counts


def test_earlier_messages_are_read_from_their_stored_text_not_parsed_again(make_pairing, mail_writer):
    pairing, _, volunteer_to = make_pairing(REQUESTER, VOLUNTEER, moderation="audit_only")
    receive(mail_writer(VOLUNTEER["email"], volunteer_to, "The bakery on Fennel Lane saved my mornings."), "smtp",
            volunteer_to)
    first = db.session.scalars(select(InboundMessage)).one()
    assert first.read_text and "Fennel Lane" in first.read_text
    # Raw bytes that no longer parse to those words: the thread must come from what was read.
    db.session.execute(update(InboundMessage).where(InboundMessage.id == first.id).values(raw=b"X: y\r\n\r\n"))
    db.session.commit()
    history = thread_so_far(pairing.id, "requester", 10**9, 10_000)
    assert any("Fennel Lane" in text for text in history.earlier)


def test_a_route_from_rcpt_does_not_relay_after_the_pairing_ended_before_data(make_pairing, mail_writer, smtp_sink,
                                                                               make_coordinator):
    from matcher.pairing.service import end_pairing

    pairing, requester_to, _ = make_pairing(REQUESTER, VOLUNTEER, moderation="audit_only")
    route = route_for(requester_to, utcnow())  # RCPT, in the listener's own session
    db.session.remove()
    # Between RCPT and DATA (well within the listener's 5 s reuse), a coordinator ends the pairing.
    end_pairing(db.session.merge(pairing), "planned", make_coordinator(email="ender@example.org"),
                ask_feedback=False)
    db.session.remove()
    smtp_sink.clear()
    received = receive(mail_writer(REQUESTER["email"], requester_to, BODY + "\nAfter the ending."), "smtp",
                       requester_to, route=route)
    deliver_due(limit=50)
    assert received.state != InboundState.DELIVERED
    assert not any("After the ending" in message.get_body(("plain",)).get_content()
                   for message in smtp_sink.to(VOLUNTEER["email"]))
