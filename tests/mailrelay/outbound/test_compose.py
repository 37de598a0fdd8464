"""The outgoing writer: what a reader's mail client shows is what we meant to write."""
import email
from datetime import UTC, datetime
from email import policy

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher.mailrelay.outbound import compose
from matcher.mailrelay.outbound.compose import OutgoingMail, build_message

NOW = datetime(2031, 3, 4, 5, 6, tzinfo=UTC)
# Printable text as people type it: letters, digits, punctuation and spaces in any script.
PRINTABLE = st.characters(categories=("L", "M", "N", "P", "S", "Zs"), exclude_characters="\u2028\u2029\x85")


def _read(mail: OutgoingMail) -> email.message.EmailMessage:
    """Write the mail and read it back as a modern mail client would."""
    _, raw = build_message(mail, NOW)
    return email.message_from_bytes(raw, policy=policy.default)


def _mail(**changes) -> OutgoingMail:
    fields = dict(sender_name="Sam (Peer supporter)", sender_address="r+k1@relay.example.org",
                  recipient="someone@example.com", subject="Re: hello", text="Hello\n")
    fields.update(changes)
    return OutgoingMail(**fields)


def _spaces(text: str) -> str:
    """Collapse runs of ASCII spaces, which header folding may merge."""
    return " ".join(part for part in text.split(" ") if part)


def test_a_non_ascii_pseudonym_keeps_its_peer_supporter_label():
    read = _read(_mail(sender_name="Zoë (Peer supporter)"))
    assert read["From"].addresses[0].display_name == "Zoë (Peer supporter)"
    assert read["From"].addresses[0].addr_spec == "r+k1@relay.example.org"


def test_a_long_non_ascii_subject_keeps_every_space():
    subject = "Re: " + " ".join(["ça"] * 30)
    assert str(_read(_mail(subject=subject))["Subject"]) == subject


@settings(max_examples=150, deadline=None)
@given(subject=st.text(PRINTABLE, min_size=1, max_size=200).map(str.strip).filter(bool),
       name=st.text(PRINTABLE, min_size=1, max_size=60).map(str.strip).filter(bool))
def test_any_subject_and_display_name_reach_the_reader_unchanged(subject, name):
    read = _read(_mail(subject=subject, sender_name=f"{name} (Peer supporter)"))
    assert _spaces(str(read["Subject"])) == _spaces(subject)
    assert read["From"].addresses[0].display_name == f"{name} (Peer supporter)"


@settings(max_examples=60, deadline=None)
@given(text=st.text(st.characters(exclude_categories=("Cs", "Cc")) | st.just("\n"), max_size=2000))
def test_any_body_text_reaches_the_reader_unchanged(text):
    read = _read(_mail(text=text))
    assert read.get_body(("plain",)).get_content().replace("\r\n", "\n") == text.replace("\r", "") or text == ""


def test_a_line_break_in_a_subject_from_inbound_mail_cannot_add_a_header():
    read = _read(_mail(subject="Re: hi\r\nBcc: everyone@example.net"))
    assert read["Bcc"] is None
    assert "Bcc: everyone@example.net" in str(read["Subject"])


def test_a_line_break_in_an_address_is_refused():
    with pytest.raises(ValueError):
        build_message(_mail(recipient="a@example.com\r\nBcc: b@example.net"), NOW)


def test_html_alternative_and_attachment_survive_with_their_names():
    read = _read(_mail(text="Plain é\n", html="<p>Rich é</p>", attachments=(("Bénédicte.txt", "text/plain", b"x"),)))
    assert read.get_body(("plain",)).get_content().strip() == "Plain é"
    assert read.get_body(("html",)).get_content().strip() == "<p>Rich é</p>"
    assert [part.get_filename() for part in read.iter_attachments()] == ["Bénédicte.txt"]


def test_lines_end_in_crlf_as_smtp_expects():
    _, raw = build_message(_mail(text="one\ntwo\n"), NOW)
    assert b"\n" not in raw.replace(b"\r\n", b"")


def test_a_body_line_spelling_the_boundary_does_not_cut_the_message(monkeypatch):
    # The boundary is set before writing, unchecked: quoted-printable must keep it out of any part.
    known = iter(["ab" * 12, "cd" * 12])  # the two boundaries (mixed, alternative), known in advance
    monkeypatch.setattr(compose.secrets, "token_hex", lambda _n: next(known))
    line, inner = "--==matcher_" + "ab" * 12 + "==", "--==matcher_" + "cd" * 12 + "=="
    text, html = f"Before\n{line}\n{inner}--\nAfter\n", f"<p>Rich</p>\n{inner}\n{line}--\n"
    read = _read(_mail(text=text, html=html, attachments=(("note.txt", "text/plain", line.encode()),)))
    assert read.get_body(("plain",)).get_content().replace("\r\n", "\n") == text
    assert read.get_body(("html",)).get_content().replace("\r\n", "\n") == html
    assert [part.get_content() for part in read.iter_attachments()] == [line]
    assert read.get_content_type() == "multipart/mixed" and not read.defects
