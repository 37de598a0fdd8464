"""Feedback is asked at every ending, read by coordinators (names taken out) and part of subject access."""
import json

from sqlalchemy import select

from matcher.care.models import Feedback
from matcher.care.queries import without_names
from matcher.extensions import db
from matcher.mailrelay.models import OutboxMessage
from matcher.pairing.service import end_pairing

PEOPLE = ({"pseudonym": "Asha", "email": "asha@example.com", "name": "Asha Fictional"},
          {"pseudonym": "Sam", "email": "sam@example.org"})


def _asked():
    feedback = select(OutboxMessage).where(OutboxMessage.kind == "feedback")
    return sorted(m.recipient for m in db.session.scalars(feedback))


def test_an_early_ending_asks_both_sides_for_feedback(make_pairing, make_coordinator):
    pairing, _, _ = make_pairing(*PEOPLE)
    end_pairing(pairing, "volunteer_stepped_back", make_coordinator(email="c@example.org"))
    assert _asked() == ["asha@example.com", "sam@example.org"]


def test_a_safeguarding_ending_asks_nobody(make_pairing, make_coordinator):
    pairing, _, _ = make_pairing(*PEOPLE)
    end_pairing(pairing, "safeguarding", make_coordinator(email="c@example.org"))
    assert _asked() == []


def test_coordinators_read_comments_without_the_pairs_names(client, signed_in, make_pairing, make_coordinator):
    pairing, _, _ = make_pairing(*PEOPLE)
    end_pairing(pairing, "other", signed_in)
    db.session.add(Feedback(pairing_id=pairing.id, party="requester", helpfulness=5, would_recommend="yes",
                            comment="Sam was wonderful; ASHA feels heard at last."))
    db.session.commit()
    page = client.get("/console/feedback").get_data(as_text=True)
    assert "[name] was wonderful; [name] feels heard at last." in page and "Sam" not in page
    detail = client.get(f"/console/pairings/{pairing.id}").get_data(as_text=True)
    assert "Sam was wonderful" in detail


def test_feedback_is_in_the_subject_access_export(client, make_coordinator, sign_in, make_pairing):
    pairing, _, _ = make_pairing(*PEOPLE)
    db.session.add(Feedback(pairing_id=pairing.id, party="requester", helpfulness=4, would_recommend="yes",
                            comment="It helped."))
    db.session.commit()
    sign_in(make_coordinator(email="admin@example.org", role="admin"))
    document = json.loads(client.post(f"/console/requests/{pairing.request_id}/export").data)
    assert document["feedback"][0]["comment"] == "It helped." and document["feedback"][0]["helpfulness"] == 4


def test_names_are_replaced_as_whole_words_only():
    assert without_names("Samantha met Sam", ["Sam"]) == "Samantha met [name]"
    assert without_names("Jo Fictional said hi", ["Jo Fictional"]) == "[name] said hi"
