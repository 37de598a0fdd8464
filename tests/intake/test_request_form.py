"""The request form: validation, double opt-in, duplicates and the safety screen."""
import re

from sqlalchemy import select

from matcher.extensions import db
from matcher.intake.models import RequestStatus, SupportRequest
from matcher.mailrelay.models import OutboxMessage, Priority
from matcher.mailrelay.outbound.outbox import deliver_due


def _requests():
    return list(db.session.scalars(select(SupportRequest)))


def _link(message, path):
    body = message.get_body(preferencelist=("plain",)).get_content()
    match = re.search(rf"http://matcher\.test(/{path}/[^\s]+)", body)
    assert match, f"no /{path}/ link in: {body}"
    return match.group(1)


def test_home_page_explains_the_service_and_shows_uk_crisis_numbers(client):
    page = client.get("/").get_data(as_text=True)
    assert "not a crisis service" in page
    assert "Coordinators can read the messages" in page
    for number in ("999", "111, then option 2", "116 123"):
        assert number in page
    assert 'href="/request"' in page


def test_home_page_shows_numbers_for_the_chosen_region(client):
    page = client.get("/?region=CA").get_data(as_text=True)
    assert "988" in page and "911" in page
    assert "116 123" not in page


def test_every_field_has_a_label(client):
    page = client.get("/request").get_data(as_text=True)
    input_ids = set(re.findall(r"<(?:input|select|textarea)(?![^>]*type=\"submit\")[^>]*\bid=\"([^\"]+)\"", page))
    input_ids -= {"csrf_token"}
    label_targets = set(re.findall(r'<label for="([^"]+)"', page))
    assert input_ids, "the form has no fields"
    assert input_ids <= label_targets, f"fields without a label: {input_ids - label_targets}"


def test_valid_request_is_stored_unconfirmed_with_normalised_email(client, valid_form):
    response = client.post("/request", data=valid_form)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/request/sent")
    [stored] = _requests()
    assert stored.status == RequestStatus.UNCONFIRMED
    assert stored.email == "robin.example@example.com"
    assert stored.experiences == ["postpartum_psychosis", "mbu_admission"]
    assert not stored.risk_hold


def test_confirmation_mail_reaches_smtp_and_its_link_puts_the_request_on_the_waiting_list(
        client, valid_form, smtp_sink):
    client.post("/request", data=valid_form)
    report = deliver_due()
    assert report.sent == 1
    smtp_sink.wait_for(1)
    [message] = smtp_sink.to("robin.example@example.com")
    assert message["Subject"] == "Please confirm your request for peer support"
    assert message["Auto-Submitted"] == "auto-generated"
    assert [r.status for r in _requests()] == [RequestStatus.UNCONFIRMED]
    response = client.post(_link(message, "confirm"))
    assert response.status_code == 302
    status_page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "You’re on the list." in status_page  # said once, on confirming
    assert "You’re on the waiting list" in status_page
    [stored] = _requests()
    assert stored.status == RequestStatus.WAITING


def test_bad_email_is_explained_at_the_field_and_other_answers_are_kept(client, valid_form):
    response = client.post("/request", data=valid_form | {"email": "robin@@example"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="email-error"' in page
    assert re.search(r'<input[^>]*aria-describedby="[^"]*email-error[^"]*"[^>]*id="email"', page) or re.search(
        r'<input[^>]*id="email"[^>]*aria-describedby="[^"]*email-error', page)
    assert "name@example.com" in page
    assert 'value="Robin"' in page
    assert "Someone to talk to about going home." in page
    assert _requests() == []


def test_each_missing_consent_is_named(client, valid_form):
    form = dict(valid_form)
    del form["consent_reading"]
    page = client.post("/request", data=form).get_data(as_text=True)
    assert 'id="consent_reading-error"' in page
    assert 'id="consent_health-error"' not in page
    assert _requests() == []


def test_address_already_waiting_gets_an_email_and_the_same_page(client, valid_form, make_request):
    make_request(email="robin.example@example.com", status=RequestStatus.WAITING)
    response = client.post("/request", data=valid_form)
    assert response.headers["Location"].endswith("/request/sent")
    assert len(_requests()) == 1
    [queued] = db.session.scalars(select(OutboxMessage)).all()
    assert queued.kind == "already_listed"
    assert queued.recipient == "robin.example@example.com"


def test_resubmitting_while_unconfirmed_keeps_the_answers_and_does_not_resend_at_once(client, valid_form):
    client.post("/request", data=valid_form)
    client.post("/request", data=valid_form | {"stage": "established"})
    [stored] = _requests()
    assert stored.stage == "early"
    kinds = [m.kind for m in db.session.scalars(select(OutboxMessage))]
    assert kinds == ["confirmation"]


def test_safety_screen_shows_crisis_numbers_holds_the_request_and_alerts(client, valid_form, smtp_sink):
    response = client.post("/request", data=valid_form | {"safety": "harm", "region": "US"})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "988" in page and "911" in page
    [stored] = _requests()
    assert stored.risk_hold
    deliver_due()
    smtp_sink.wait_for(2)
    # The alert is sent first, and carries no personal details.
    first = smtp_sink.messages()[0]
    assert first["To"] == "oncall@example.org"
    assert "[RED]" in first["Subject"]
    alert_text = first.get_body(preferencelist=("plain",)).get_content()
    assert f"/console/requests/{stored.id}" in alert_text
    for personal in ("Robin", "robin.example", "going home"):
        assert personal not in alert_text
    alert_row = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "alert"))
    assert alert_row.priority == Priority.ALERT


def test_feeling_unwell_now_is_also_a_positive_screen(client, valid_form):
    client.post("/request", data=valid_form | {"safety": "unwell"})
    [stored] = _requests()
    assert stored.risk_hold


def test_no_answer_to_the_safety_question_is_an_error(client, valid_form):
    form = dict(valid_form)
    del form["safety"]
    page = client.post("/request", data=form).get_data(as_text=True)
    assert "Please answer this question so we can keep you safe." in page
