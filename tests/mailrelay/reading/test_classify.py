"""detect_automatic() and bounced_recipient(): software's mail told from people's."""
import base64
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matcher.mailrelay.reading.classify import AutoKind, bounced_recipient, detect_automatic
from matcher.mailrelay.reading.parse import parse
from tests.mailrelay.mailfixtures import fixture_names, identities, load_eml

# fixture -> (kind, words the reason must contain)
AUTOMATIC = {
    "auto_reply_outlook.eml": (AutoKind.AUTO_REPLY, "Auto-Submitted"),
    "auto_reply_vacation.eml": (AutoKind.AUTO_REPLY, "auto-replied"),
    "auto_reply_german.eml": (AutoKind.AUTO_REPLY, "Abwesenheitsnotiz"),
    "auto_reply_french.eml": (AutoKind.AUTO_REPLY, "Precedence"),
    "auto_reply_spanish.eml": (AutoKind.AUTO_REPLY, "X-Autoreply"),
    "auto_reply_dutch_null_sender.eml": (AutoKind.AUTO_REPLY, "X-Mail-Autoreply"),
    "read_receipt.eml": (AutoKind.AUTO_REPLY, "disposition-notification"),
    "bounce_dsn.eml": (AutoKind.BOUNCE, "report-type=delivery-status"),
    "bounce_exim.eml": (AutoKind.BOUNCE, "mailer-daemon"),
    "mailing_list.eml": (AutoKind.LIST, "List-Id"),
}
PEOPLE = [name for name in fixture_names() if name not in AUTOMATIC]


def message(*header_lines: str, subject: str = "Re: Tuesday", body: str = "See you then.") -> bytes:
    """Build a minimal person-like message with extra header lines."""
    if not subject.isascii():
        subject = "=?utf-8?b?" + base64.b64encode(subject.encode("utf-8")).decode("ascii") + "?="
    lines = ["From: Wren Imagined <wren.imagined@example.com>", "To: support@relay.example", f"Subject: {subject}"]
    return ("\n".join(lines + list(header_lines)) + "\n\n" + body + "\n").encode("utf-8")


@pytest.mark.parametrize("name", sorted(AUTOMATIC))
def test_automatic_fixture_is_detected_with_a_reason(name):
    kind, reason_words = AUTOMATIC[name]
    verdict = detect_automatic(parse(load_eml(name)))
    assert verdict is not None
    assert verdict.kind is kind
    assert reason_words.lower() in verdict.reason.lower()


@pytest.mark.parametrize("name", PEOPLE)
def test_message_a_person_wrote_is_not_automatic(name):
    assert detect_automatic(parse(load_eml(name))) is None


@pytest.mark.parametrize("name", sorted(AUTOMATIC))
def test_reason_names_no_person(name):
    verdict = detect_automatic(parse(load_eml(name)))
    people = identities()[name]
    assert not any(word.lower() in verdict.reason.lower() for word in people["names"] + people["emails"])


@pytest.mark.parametrize(
    ("header", "kind"),
    [
        ("Auto-Submitted: auto-replied", AutoKind.AUTO_REPLY),
        ("Auto-Submitted: auto-generated", AutoKind.AUTO_REPLY),
        ("Auto-Submitted: auto-notified; owner-email=x@example.org", AutoKind.AUTO_REPLY),
        ("Precedence: auto_reply", AutoKind.AUTO_REPLY),
        ("Precedence: bulk", AutoKind.BULK),
        ("Precedence: junk", AutoKind.BULK),
        ("Precedence: list", AutoKind.LIST),
        ("X-Auto-Response-Suppress: All", AutoKind.AUTO_REPLY),
        ("X-Auto-Response-Suppress: DR, OOF", AutoKind.AUTO_REPLY),
        ("X-Auto-Response-Suppress: AutoReply", AutoKind.AUTO_REPLY),
        ("X-Autoreply: yes", AutoKind.AUTO_REPLY),
        ("X-Autorespond: Out of office", AutoKind.AUTO_REPLY),
        ("X-Auto-Reply-From: wren.imagined@example.com", AutoKind.AUTO_REPLY),
        ("X-Mail-Autoreply: true", AutoKind.AUTO_REPLY),
        ("X-POST-MessageClass: 9; Autoresponder", AutoKind.AUTO_REPLY),
        ("X-Loop: helpdesk@example.org", AutoKind.AUTO_REPLY),
        ("Return-Path: <>", AutoKind.AUTO_REPLY),
        ("List-Id: Parents <parents.example.org>", AutoKind.LIST),
        ("List-Unsubscribe: <mailto:leave@example.org>", AutoKind.LIST),
        ("Content-Type: multipart/report; report-type=delivery-status; boundary=x", AutoKind.BOUNCE),
        ('Content-Type: multipart/report; report-type="disposition-notification"; boundary=x', AutoKind.AUTO_REPLY),
    ],
)
def test_each_automation_header_is_recognised(header, kind):
    verdict = detect_automatic(parse(message(header)))
    assert verdict is not None and verdict.kind is kind
    assert header.split(":")[0].lower() in verdict.reason.lower()


@pytest.mark.parametrize(
    "header",
    ["Auto-Submitted: no", "X-Auto-Response-Suppress: DR, RN, NRN", "X-Autoreply: no", "Precedence: first-class"],
)
def test_headers_that_say_a_person_wrote_it_are_not_automatic(header):
    assert detect_automatic(parse(message(header))) is None


@pytest.mark.parametrize(
    "sender", ["MAILER-DAEMON@mx.example.net", "postmaster@example.org", "Mailer_Daemon@example.com"]
)
def test_mail_system_senders_are_bounces(sender):
    verdict = detect_automatic(parse(f"From: {sender}\nSubject: Returned\n\nx".encode()))
    assert verdict is not None and verdict.kind is AutoKind.BOUNCE


def test_delivery_status_part_inside_another_multipart_is_a_bounce():
    raw = (
        b"From: relay@example.net\nSubject: Hmm\nContent-Type: multipart/mixed; boundary=X\n\n--X\n"
        b"Content-Type: text/plain\n\nfailed\n--X\nContent-Type: message/delivery-status\n\n"
        b"Reporting-MTA: dns; example.net\n\nFinal-Recipient: rfc822; gone@example.org\nAction: failed\n--X--\n"
    )
    verdict = detect_automatic(parse(raw))
    assert verdict is not None and verdict.kind is AutoKind.BOUNCE and "message/delivery-status" in verdict.reason


@pytest.mark.parametrize(
    "subject",
    [
        "Out of Office: Re: Tuesday", "OUT OF OFFICE", "Automatic reply: Re: Tuesday", "Auto-reply: Tuesday",
        "Autoreply: Tuesday", "Away from my desk", "Abwesenheitsnotiz: Re: Dienstag", "Automatische Antwort: Dienstag",
        "Réponse automatique : Re : Mardi", "Absence du bureau", "Respuesta automática: Martes",
        "Fuera de la oficina: Martes", "Automatisch antwoord: Dinsdag", "Afwezig", "Risposta automatica: Martedì",
        "Fuori sede", "Resposta automática: Terça", "Ausente", "Odpowiedź automatyczna: Wtorek",
        "Frånvaromeddelande: Tisdag", "Autosvar: Tisdag", "Ateb awtomatig: Dydd Mawrth", "Auto: Tuesday",
        unicodedata.normalize("NFD", "Réponse automatique : Mardi"),
    ],
)
def test_out_of_office_subjects_in_many_languages(subject):
    verdict = detect_automatic(parse(message(subject=subject)))
    assert verdict is not None and verdict.kind is AutoKind.AUTO_REPLY
    assert "subject" in verdict.reason


@pytest.mark.parametrize(
    "subject",
    [
        "Out of office next week - can we move our call?", "Re: Out of office", "Away from my desk a lot lately",
        "Ausente na reunião de ontem", "Afwezig geweest, sorry", "Autumn walk", "Automobile trouble",
        "Fuori sede per lavoro, ti chiamo dopo",
    ],
)
def test_subjects_people_write_are_not_out_of_office(subject):
    assert detect_automatic(parse(message(subject=subject))) is None


@pytest.mark.parametrize(
    "subject",
    ["Undeliverable: Tuesday", "Undelivered Mail Returned to Sender", "Delivery Status Notification (Failure)",
     "Mail delivery failed: returning message to sender", "Unzustellbar: Dienstag"],
)
def test_bounce_subjects_are_bounces(subject):
    verdict = detect_automatic(parse(message(subject=subject)))
    assert verdict is not None and verdict.kind is AutoKind.BOUNCE


def test_bounced_recipient_reads_the_delivery_status_report():
    assert bounced_recipient(parse(load_eml("bounce_dsn.eml"))) == "lettice.nowhere@example.org"


def test_bounced_recipient_reads_exims_failed_recipients_header():
    assert bounced_recipient(parse(load_eml("bounce_exim.eml"))) == "cornelius.vanished@example.com"


def test_bounced_recipient_skips_delivered_and_delayed_recipients():
    raw = (
        b"From: MAILER-DAEMON@example.net\nContent-Type: multipart/report; report-type=delivery-status; boundary=X\n\n"
        b"--X\nContent-Type: text/plain\n\nreport\n--X\nContent-Type: message/delivery-status\n\n"
        b"Reporting-MTA: dns; example.net\n\n"
        b"Final-Recipient: rfc822; fine@example.org\nAction: delivered\nStatus: 2.0.0\n\n"
        b"Final-Recipient: rfc822; later@example.org\nAction: delayed\nStatus: 4.4.1\n\n"
        b"Final-Recipient: rfc822;<Gone@Example.org>\nAction: failed\nStatus: 5.1.1\n--X--\n"
    )
    assert bounced_recipient(parse(raw)) == "gone@example.org"


def test_bounced_recipient_is_none_when_nothing_failed():
    raw = (
        b"From: MAILER-DAEMON@example.net\nContent-Type: multipart/report; report-type=delivery-status; boundary=X\n\n"
        b"--X\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; example.net\n\n"
        b"Final-Recipient: rfc822; later@example.org\nAction: delayed\n--X--\n"
    )
    assert bounced_recipient(parse(raw)) is None


def test_a_person_quoting_a_bounce_marks_no_address_as_failed():
    quoted = message("X-Failed-Recipients: someone@example.org", body="Final-Recipient: rfc822; someone@example.org")
    assert bounced_recipient(parse(quoted)) is None
    assert bounced_recipient(parse(load_eml("gmail_reply.eml"))) is None


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=3000))
def test_classify_never_raises_on_random_bytes(raw):
    inbound = parse(raw)
    detect_automatic(inbound)
    bounced_recipient(inbound)


@settings(deadline=None, max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(fixture_names()), st.lists(st.tuples(st.floats(0, 1), st.binary(max_size=30)), max_size=6))
def test_classify_never_raises_on_damaged_fixtures(name, insertions):
    raw = load_eml(name)
    for fraction, inserted in insertions:
        position = int(len(raw) * fraction)
        raw = raw[:position] + inserted + raw[position:]
    inbound = parse(raw)
    detect_automatic(inbound)
    bounced_recipient(inbound)
