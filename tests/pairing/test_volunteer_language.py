"""A volunteer's language (issue 16): stored from the form they applied with, used for their pages and emails."""
import re
from datetime import UTC, date, datetime
from email import policy
from email.parser import BytesParser

import pytest
from sqlalchemy import select

from matcher import links
from matcher.extensions import db
from matcher.mailrelay.outbound.outbox import deliver_due, queue_template
from matcher.pairing import service, volunteers
from matcher.pairing.models import Volunteer, VolunteerStatus

APPLICATION = {
    "name": "Dominique Fictif", "pseudonym": "Dominique", "email": "dominique@example.org",
    "phone": "07700 900123", "role": "mother", "experiences": ["postpartum_psychosis"], "stages": ["early"],
    "languages": ["en"], "timezone": "America/Toronto",
}
STAGE_FR = "De retour à la maison, dans les premiers mois du rétablissement"
WHEN = datetime(2026, 3, 4, 15, 30, tzinfo=UTC)
COMMON = {"pseudonym": "Camille", "volunteer_pseudonym": "Dominique", "volunteer_url": "http://matcher.test/v/x",
          "concern_address": "concern@example.net"}
# Every email a volunteer gets, with what its sender passes it.
VOLUNTEER_EMAILS = {
    "volunteer_welcome": {},
    "volunteer_new_link": {},
    "volunteer_pause_ended": {"resumed": True},
    "volunteer_pause_ended:renew": {"resumed": False},
    "introduction_volunteer": {"stage": "Home again, in the first months of recovery",
                               "experiences": ["Postpartum psychosis"], "hopes": "Someone to talk to",
                               "confirm_by": WHEN, "confirm_url": "http://matcher.test/v/x/pairings/1"},
    "first_reply_reminder": {},
    "reply_reminder": {},
    "checkin_volunteer": {},
    "ending_soon_volunteer": {"end_on": date(2026, 3, 18)},
    "ending_volunteer": {},
    "undelivered_writer": {"pseudonym": "Dominique", "other": "Camille", "written_at": WHEN},
}


def _page(volunteer, path=""):
    return f"/volunteer/{links.sign('volunteer', volunteer.public_id)}{path}"


def _queued(app, template, recipient):
    name = template.split(":")[0]
    with app.test_request_context("/console"):
        row = queue_template(name, recipient, kind="volunteer_notice", now=WHEN,
                             **(COMMON | VOLUNTEER_EMAILS[template]))
    message = BytesParser(policy=policy.default).parsebytes(row.raw)
    return row.subject, message.get_body(preferencelist=("plain",)).get_content()


def _sentences(text, organisation):
    # Links and the organisation's own name are the same in every language.
    return [line.strip() for line in text.splitlines()
            if len(re.findall(r"[A-Za-z]{2,}", line)) >= 3 and "://" not in line and line != organisation]


def test_applying_in_french_stores_french_and_in_english_english(client):
    client.get("/volunteer/apply", query_string={"lang": "fr_CA"})
    client.post("/volunteer/apply", data=APPLICATION)
    client.post("/volunteer/apply?lang=en", data=APPLICATION | {"email": "sam@example.org"})
    stored = {v.email: v.locale for v in db.session.scalars(select(Volunteer))}
    assert stored == {"dominique@example.org": "fr_CA", "sam@example.org": "en"}


@pytest.mark.parametrize("template", sorted(VOLUNTEER_EMAILS))
def test_a_french_volunteer_gets_every_email_in_french_an_english_one_in_english(app, make_volunteer, template):
    french = make_volunteer(email="dominique@example.org", locale="fr_CA")
    english = make_volunteer(email="sam@example.org", locale="en")
    subject_fr, text_fr = _queued(app, template, french.email)
    subject_en, text_en = _queued(app, template, english.email)
    assert text_fr.startswith("Bonjour Dominique,") and text_en.startswith("Hello Dominique,")
    assert subject_fr != subject_en
    left_in_english = [line for line in _sentences(text_en, app.config["MATCHER_ORGANISATION"]) if line in text_fr]
    assert left_in_english == []


def test_french_dates_in_volunteer_emails(app, make_volunteer):
    volunteer = make_volunteer(email="dominique@example.org", locale="fr_CA")
    _subject, text = _queued(app, "introduction_volunteer", volunteer.email)
    assert "d’ici le mercredi 4 mars, 15:30 UTC" in text
    assert f"Étape du rétablissement : {STAGE_FR}" in text


def test_a_french_applicant_is_welcomed_and_introduced_in_french(client, app, make_request, smtp_sink):
    client.get("/volunteer/apply", query_string={"lang": "fr_CA"})
    client.post("/volunteer/apply", data=APPLICATION | {"stages": ["early", "established"]})
    volunteer = db.session.scalar(select(Volunteer))
    volunteer.trained_on, volunteer.checks_expire_on = date(2026, 1, 5), date(2099, 1, 5)
    with app.test_request_context("/console?lang=en"):  # the coordinator reads the console in English
        volunteers.set_status(volunteer, VolunteerStatus.ACTIVE)
        make_request(email="camille@example.com", pseudonym="Camille", stage="early", timezone="America/Toronto")
        [proposal] = service.run_proposals().proposals
        service.approve_proposal(proposal, None)
    deliver_due()
    smtp_sink.wait_for(3)
    subjects = [m["Subject"] for m in smtp_sink.to("dominique@example.org")]
    assert subjects == ["Votre page de bénévole", "Présentation : Camille aimerait recevoir votre soutien"]
    introduction = smtp_sink.to("dominique@example.org")[1].get_body(preferencelist=("plain",)).get_content()
    assert "Ce que cette personne a vécu : psychose post-partum" in introduction
    [to_requester] = smtp_sink.to("camille@example.com")  # who asked in English keeps English
    assert to_requester.get_body(preferencelist=("plain",)).get_content().startswith("Hello Camille,")


def test_a_french_volunteer_sees_their_pages_in_french_whatever_the_browser(client, make_pairing):
    pairing, _requester_writes_to, _volunteer_writes_to = make_pairing(volunteer_values={"locale": "fr_CA"})
    volunteer = pairing.volunteer
    page = client.get(_page(volunteer), headers={"Accept-Language": "en-GB"}).get_data(as_text=True)
    assert '<html lang="fr-CA">' in page
    assert "Qui vous soutenez en ce moment" in page and "Prendre une pause" in page
    assert "Who you support now" not in page
    confirm = client.get(_page(volunteer, f"/pairings/{pairing.id}")).get_data(as_text=True)
    assert "Présentation à" in confirm and "Votre page de bénévole" in confirm


def test_an_english_volunteer_keeps_english_pages_in_a_french_browser(client, make_volunteer):
    volunteer = make_volunteer(locale="en")
    page = client.get(_page(volunteer), headers={"Accept-Language": "fr-CA"}).get_data(as_text=True)
    assert '<html lang="en">' in page and "Who you support now" in page


def test_a_volunteer_changes_their_language_on_their_page(client, app, make_volunteer):
    volunteer = make_volunteer(locale="en")
    page = client.post(_page(volunteer, "/language"), data={"locale": "fr_CA"}, follow_redirects=True)
    assert db.session.get(Volunteer, volunteer.id).locale == "fr_CA"
    assert "Nos pages et nos courriels seront maintenant dans cette langue." in page.get_data(as_text=True)
    subject, _text = _queued(app, "volunteer_new_link", volunteer.email)
    assert subject == "Votre nouveau lien de bénévole"


def test_a_language_that_is_not_offered_is_refused(client, make_volunteer):
    volunteer = make_volunteer(locale="fr_CA")
    client.post(_page(volunteer, "/language"), data={"locale": "xx"})
    assert db.session.get(Volunteer, volunteer.id).locale == "fr_CA"


def test_a_volunteers_own_refusals_are_in_their_language(client, make_volunteer):
    volunteer = make_volunteer(locale="fr_CA")
    page = client.post(_page(volunteer, "/capacity"), data={"capacity": "40"}, follow_redirects=True)
    assert "Choisissez un nombre de 0 à 10." in page.get_data(as_text=True)


CONSOLE_RECORD = {
    "name": "Kit Fictional", "pseudonym": "Kit", "email": "kit@example.org", "phone": "07700 900333",
    "role": "partner", "experiences": ["postpartum_psychosis"], "stages": ["early"], "languages": ["en"],
    "timezone": "Europe/London", "capacity": "2", "trained_on": "", "checks_expire_on": "",
    "supervision_due_on": "", "notes": "",
}


def test_a_coordinator_sets_a_volunteers_language_in_their_record(client, signed_in, make_volunteer):
    volunteer = make_volunteer(email="kit@example.org", locale="en")
    client.post(f"/console/volunteers/{volunteer.id}", data=CONSOLE_RECORD | {"locale": "fr_CA"})
    assert db.session.get(Volunteer, volunteer.id).locale == "fr_CA"
    # A save that does not send the language (the field left out) keeps the one stored.
    client.post(f"/console/volunteers/{volunteer.id}", data=CONSOLE_RECORD | {"capacity": "3"})
    stored = db.session.get(Volunteer, volunteer.id)
    assert (stored.capacity, stored.locale) == (3, "fr_CA")
    refused = client.post(f"/console/volunteers/{volunteer.id}", data=CONSOLE_RECORD | {"locale": "xx"})
    assert refused.status_code == 200 and db.session.get(Volunteer, volunteer.id).locale == "fr_CA"


def test_the_feedback_page_is_in_each_persons_stored_language(client, make_pairing):
    from urllib.parse import urlsplit

    from matcher.mailrelay.models import Party
    from matcher.pairing.introductions import feedback_url

    pairing, _requester_writes_to, _volunteer_writes_to = make_pairing(volunteer_values={"locale": "fr_CA"})
    with client.application.test_request_context("/"):
        volunteer_link, requester_link = feedback_url(pairing, Party.VOLUNTEER), feedback_url(pairing, Party.REQUESTER)
    french = client.get(urlsplit(volunteer_link).path).get_data(as_text=True)
    english = client.get(urlsplit(requester_link).path, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="fr-CA">' in french and "Dans quelle mesure ce jumelage a-t-il été utile?" in french
    assert '<html lang="en">' in english and "How helpful was your peer supporter?" in english


def test_introductions_name_shared_experiences_in_each_readers_language(make_pairing):
    from matcher.mailrelay.models import OutboxMessage

    make_pairing(request_values={"locale": "fr_CA", "email": "camille@example.com"},
                 volunteer_values={"locale": "en", "email": "sam@example.org"})
    bodies = {}
    for row in db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "introduction")):
        message = BytesParser(policy=policy.default).parsebytes(row.raw)
        bodies[row.recipient] = message.get_body(preferencelist=("plain",)).get_content()
    french = " ".join(bodies["camille@example.com"].split())
    assert "a vécu ceci : psychose post-partum." in french and "postpartum psychosis" not in french
    assert "What they have been through: postpartum psychosis" in bodies["sam@example.org"]
