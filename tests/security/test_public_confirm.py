"""Confirmation needs a person's click on the page, and the form cannot be used to flood an inbox."""
import re
from datetime import timedelta

from sqlalchemy import select

from matcher.columns import utcnow
from matcher.extensions import db
from matcher.intake import service
from matcher.intake.models import RequestStatus, SupportRequest
from matcher.mailrelay.models import OutboxMessage
from matcher.mailrelay.outbound.outbox import deliver_due


def _confirm_path(smtp_sink, address):
    deliver_due()
    smtp_sink.wait_for(1)
    [message] = smtp_sink.to(address)
    body = message.get_body(preferencelist=("plain",)).get_content()
    return re.search(r"http://matcher\.test(/confirm/\S+)", body).group(1)


def test_a_link_scanners_get_does_not_confirm_but_the_button_does(client, valid_form, smtp_sink):
    client.post("/request", data=valid_form)
    path = _confirm_path(smtp_sink, "robin.example@example.com")
    page = client.get(path)
    [stored] = db.session.scalars(select(SupportRequest)).all()
    assert page.status_code == 200 and stored.status == RequestStatus.UNCONFIRMED
    assert re.search(r'<form method="post"[^>]*>', page.get_data(as_text=True))
    response = client.post(path)
    assert response.status_code == 302 and "/status/" in response.headers["Location"]
    assert stored.status == RequestStatus.WAITING
    assert "You’re on the waiting list" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_resubmitting_for_an_unconfirmed_address_keeps_the_stored_answers(client, valid_form):
    client.post("/request", data=valid_form)
    client.post("/request", data=valid_form | {"pseudonym": "Mallory", "stage": "beyond", "hopes": "changed"})
    [stored] = db.session.scalars(select(SupportRequest)).all()
    assert (stored.pseudonym, stored.stage, stored.hopes) == ("Robin", "early", "Someone to talk to about going home.")


def _mails_to(address):
    return db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == address)).all()


def test_sixty_submissions_queue_one_confirmation_mail(client, valid_form):
    for _ in range(60):
        assert client.post("/request", data=valid_form).status_code == 302
    assert [m.kind for m in _mails_to("robin.example@example.com")] == ["confirmation"]


def test_another_confirmation_goes_once_the_period_has_passed(app, valid_form):
    answers = service.RequestAnswers(pseudonym="Robin", email="robin@example.com", role="mother", stage="early",
                                     language="en", region="GB", timezone="Europe/London", safety="no")
    start = utcnow()
    period = app.config["MATCHER_CONFIRMATION_MAIL_EVERY"]
    service.submit_request(answers, now=start)
    service.submit_request(answers, now=start + period - timedelta(seconds=1))
    assert len(_mails_to("robin@example.com")) == 1
    service.submit_request(answers, now=start + period + timedelta(seconds=1))
    assert len(_mails_to("robin@example.com")) == 2


def test_an_address_already_waiting_is_told_once_per_period(client, valid_form, make_request):
    make_request(email="robin.example@example.com", status=RequestStatus.WAITING)
    for _ in range(10):
        client.post("/request", data=valid_form)
    assert [m.kind for m in _mails_to("robin.example@example.com")] == ["already_listed"]
