"""Signed status and confirmation links: status, preferences, withdrawal."""
from datetime import timedelta

import pytest

from matcher import links
from matcher.intake.models import RequestStatus
from matcher.intake.service import confirm_request


def _status_path(support_request):
    return f"/status/{links.sign('status', support_request.public_id)}"


def test_forged_link_is_not_found(client):
    assert client.get("/status/not-a-real-token").status_code == 404
    assert client.get("/confirm/not-a-real-token").status_code == 404


def test_expired_confirmation_link_is_gone(app, client, make_request):
    support_request = make_request(status=RequestStatus.UNCONFIRMED)
    token = links.sign("confirm", support_request.public_id)
    app.config["MATCHER_CONFIRM_LINK_MAX_AGE"] = timedelta(seconds=-1)
    assert client.get(f"/confirm/{token}").status_code == 410
    assert support_request.status == RequestStatus.UNCONFIRMED


def test_status_link_cannot_be_used_as_a_confirmation_link(client, make_request):
    support_request = make_request(status=RequestStatus.UNCONFIRMED)
    token = links.sign("status", support_request.public_id)
    assert client.get(f"/confirm/{token}").status_code == 404


def test_confirming_twice_changes_nothing(make_request):
    support_request = make_request(status=RequestStatus.UNCONFIRMED)
    confirm_request(support_request)
    first = support_request.confirmed_at
    confirm_request(support_request)
    assert support_request.status == RequestStatus.WAITING
    assert support_request.confirmed_at == first


def test_waiting_person_sees_their_place_and_no_estimate_without_history(client, make_request):
    make_request(days_waiting=30)
    me = make_request(days_waiting=10)
    page = client.get(_status_path(me)).get_data(as_text=True)
    assert "You’re on the waiting list" in page
    assert "1 person ahead of you" in page
    assert "honest estimate" in page


def test_estimate_is_given_from_recent_pace(client, make_request):
    from matcher.columns import utcnow

    for _ in range(6):
        make_request(status=RequestStatus.PAIRED, paired_at=utcnow() - timedelta(days=20))
    me = make_request(days_waiting=3)
    page = client.get(_status_path(me)).get_data(as_text=True)
    assert "expect to pair you in about" in page


def test_preferences_can_be_changed_while_waiting(client, make_request):
    me = make_request()
    response = client.post(_status_path(me), data={
        "stage": "established", "experiences": ["ppd"], "language": "cy", "timezone": "Europe/London", "hopes": "",
    })
    assert "Your changes are saved" in response.get_data(as_text=True)
    assert (me.stage, me.experiences, me.language) == ("established", ["ppd"], "cy")


def test_withdrawal_needs_the_confirmation_box(client, make_request):
    me = make_request()
    client.post(_status_path(me) + "/withdraw", data={})
    assert me.status == RequestStatus.WAITING


def test_withdrawal_erases_personal_details(client, make_request):
    me = make_request(hopes="private words", name="Robin Fictional")
    page = client.post(_status_path(me) + "/withdraw", data={"confirm": "yes"}).get_data(as_text=True)
    assert "We have deleted your name, email address" in page
    assert me.status == RequestStatus.WITHDRAWN
    assert me.email is None and me.hopes is None and me.name is None
    assert me.pseudonym == "(withdrawn)"


@pytest.mark.parametrize("answer", ["harm", "unwell"])
def test_withdrawal_on_risk_hold_keeps_what_safeguarding_needs_and_says_so(client, make_request, answer):
    me = make_request(risk_hold=True, safety_answer=answer, hopes="private words")
    page = client.post(_status_path(me) + "/withdraw", data={"confirm": "yes"}).get_data(as_text=True)
    assert "We have kept" in page
    assert me.email is not None and me.hopes is None
    assert me.status == RequestStatus.WITHDRAWN


def test_address_can_ask_again_after_withdrawing(client, make_request, valid_form):
    me = make_request(email="robin.example@example.com")
    client.post(_status_path(me) + "/withdraw", data={"confirm": "yes"})
    response = client.post("/request", data=valid_form)
    assert response.status_code == 302
