"""Emails that introduce a pair, and that tell people when it changes or ends."""
from datetime import datetime

from flask import current_app

from matcher import links
from matcher.intake.notices import status_url
from matcher.mailrelay.models import MaskedAddress, Party
from matcher.mailrelay.outbound.outbox import queue_template
from matcher.mailrelay.service import concern_address_for as concern_address
from matcher.mailrelay.service import queue_introduction
from matcher.pairing.volunteers import link_token
from matcher.templating import emergency_number


def volunteer_page_url(volunteer) -> str:
    """Return the volunteer's signed page (pause, capacity, talk to a coordinator)."""
    return links.external_url("pairing.volunteer_page", token=link_token(volunteer))


def experience_words(codes) -> list[str]:
    """Return experiences in the configured vocabulary's words (templates translate, then lower them)."""
    words = current_app.config["MATCHER_EXPERIENCES"]
    # Not lowered here: the catalogue knows "Postpartum psychosis", not "postpartum psychosis".
    return [words.get(code, code) for code in codes]


def shared_experiences(pairing) -> list[str]:
    """Return, in words, the experiences both sides have."""
    shared = set(pairing.request.experiences or ()) & set(pairing.volunteer.experiences or ())
    return experience_words(sorted(shared))


def queue_introductions(pairing, addresses: dict[Party, MaskedAddress]) -> None:
    """Introduce each side to the other, each from the address that reaches the other."""
    support_request, volunteer = pairing.request, pairing.volunteer
    queue_introduction(
        pairing, Party.REQUESTER, addresses[Party.REQUESTER], "introduction_requester",
        pseudonym=support_request.pseudonym, volunteer_pseudonym=volunteer.pseudonym,
        shared=shared_experiences(pairing), status_url=status_url(support_request),
        weeks=current_app.config["MATCHER_SUPPORT_WEEKS"], region=support_request.region,
    )
    queue_introduction(
        pairing, Party.VOLUNTEER, addresses[Party.VOLUNTEER], "introduction_volunteer",
        volunteer_pseudonym=volunteer.pseudonym, pseudonym=support_request.pseudonym,
        stage=current_app.config["MATCHER_STAGES"].get(support_request.stage, support_request.stage),
        experiences=experience_words(support_request.experiences or ()),
        hopes=support_request.hopes, confirm_url=links.external_url(
            "pairing.volunteer_pairing", token=link_token(volunteer), pairing_id=pairing.id),
        volunteer_url=volunteer_page_url(volunteer), confirm_by=pairing.confirm_by,
        concern_address=concern_address(pairing.id), emergency=emergency_number(support_request.region),
    )


def queue_decline_notice(pairing, reason: str, now: datetime | None = None) -> None:
    """Tell coordinators, and kindly tell the requester, that an introduction fell through."""
    ref = ("pairing", pairing.id)
    queue_template("introduction_declined", current_app.config["MATCHER_COORDINATOR_ADDRESS"],
                   kind="coordinator_notice", subject_ref=ref, pairing_id=pairing.id,
                   request_id=pairing.request_id, reason=reason, now=now)
    if pairing.request.email:
        queue_template("introduction_fell_through", pairing.request.email, kind="pairing_notice",
                       subject_ref=ref, pseudonym=pairing.request.pseudonym,
                       status_url=status_url(pairing.request), region=pairing.request.region, now=now)


def queue_endings(pairing, now: datetime | None = None) -> None:
    """Send both sides a closing message when a pairing ends."""
    ref = ("pairing", pairing.id)
    if pairing.request.email:
        queue_template("ending_requester", pairing.request.email, kind="ending", subject_ref=ref,
                       pseudonym=pairing.request.pseudonym, volunteer_pseudonym=pairing.volunteer.pseudonym,
                       status_url=status_url(pairing.request), region=pairing.request.region, now=now)
    queue_volunteer_ending(pairing, now)


def queue_volunteer_ending(pairing, now: datetime | None = None) -> None:
    """Tell the volunteer their support for this person has ended, and where a worry can still go."""
    queue_template("ending_volunteer", pairing.volunteer.email, kind="ending", subject_ref=("pairing", pairing.id),
                   volunteer_pseudonym=pairing.volunteer.pseudonym, pseudonym=pairing.request.pseudonym,
                   volunteer_url=volunteer_page_url(pairing.volunteer), concern_address=concern_address(pairing.id),
                   now=now)


def feedback_url(pairing, party: Party) -> str:
    """Return the signed feedback link for one side of a pairing."""
    return links.external_url("care.feedback", token=links.sign("feedback", f"{pairing.id}:{party}"))


def queue_feedback(pairing, now: datetime | None = None) -> None:
    """Ask both sides for their short feedback on a pairing that has ended."""
    ref = ("pairing", pairing.id)
    if pairing.request.email:
        queue_template("feedback_request", pairing.request.email, kind="feedback", subject_ref=ref,
                       pseudonym=pairing.request.pseudonym, url=feedback_url(pairing, Party.REQUESTER), now=now)
    queue_template("feedback_request", pairing.volunteer.email, kind="feedback", subject_ref=ref,
                   pseudonym=pairing.volunteer.pseudonym, url=feedback_url(pairing, Party.VOLUNTEER), now=now)
