"""Reading mail nobody here wrote: automatic mail in more shapes, hidden HTML, flowed text, lost boundaries."""
import pytest

from matcher.mailrelay.reading.body import LOST_STRUCTURE, unflow
from matcher.mailrelay.reading.classify import detect_automatic
from matcher.mailrelay.reading.html_text import html_to_text
from matcher.mailrelay.reading.parse import parse


def _mail(headers: str, body: str = "Thanks, see you soon.") -> bytes:
    return (f"From: Sol <sol@example.com>\nTo: support+tok@relay.example\nSubject: Re: hello\n{headers}"
            f"Content-Type: text/plain; charset=utf-8\n\n{body}\n").encode()


@pytest.mark.parametrize("header", [
    "X-MS-Exchange-Inbox-Rules-Loop: sol@example.com\n",
    "X-MS-Exchange-Generated-Message-Source: Mailbox Rules Agent\n",
    "RT-Ticket: helpdesk.example.org #4411\n",
    "X-RT-Loop-Prevention: helpdesk.example.org\n",
    "X-Zammad-Ticket-ID: 88\n",
    "X-Discourse-Post-Id: 9\n",
    "X-OTRS-Loop: yes\n",
])
def test_inbox_rule_and_ticket_system_mail_is_automatic(header):
    assert detect_automatic(parse(_mail(header))) is not None


@pytest.mark.parametrize("subject", [
    "Otomatik yan\u0131t: Re: Merhaba", "Răspuns automat: Re: Bună", "Allan o'r swyddfa: Re: Helo",
    "Freagra uathoibríoch: Re: Dia duit", "رد تلقائي: Re: مرحبا", "خودکار جواب: Re: سلام", "Poza biurem: Re: Cześć",
    "Absent du bureau : Re : Bonjour", "Automatyczna odpowiedź: Re: Cześć", "Fora do escritório: Re: Oi",
    "Buiten kantoor: Re: Hoi", "Fuori ufficio: Re: Ciao",
])
def test_out_of_office_subjects_in_the_services_languages_are_automatic(subject):
    raw = _mail("").replace(b"Subject: Re: hello", f"Subject: {subject}".encode())
    assert detect_automatic(parse(raw)) is not None


@pytest.mark.parametrize("subject", ["On holiday next week - can we talk after?", "Away with the fairies today",
                                     "Re: absent-minded again"])
def test_a_persons_subject_about_being_away_is_not_automatic(subject):
    raw = _mail("").replace(b"Subject: Re: hello", f"Subject: {subject}".encode())
    assert detect_automatic(parse(raw)) is None


@pytest.mark.parametrize("hidden", [
    '<div style="display: none; max-height: 0">Quill Sterling, Head of Finance</div>',
    '<span style="font-size:0px;color:#fff">Quill Sterling, Head of Finance</span>',
    '<div class="preheader">Quill Sterling, Head of Finance</div>',
    '<table hidden><tr><td>Quill Sterling, Head of Finance</td></tr></table>',
    '<div style="mso-hide:all"><p>Quill Sterling<p>Head of Finance</div>',
])
def test_html_a_reader_never_saw_is_never_rendered(hidden):
    text = html_to_text(f"<html><body>{hidden}<p>The walk helped today.</p><p>See you soon</p></body></html>")
    assert "Quill" not in text and "Finance" not in text
    assert text == "The walk helped today.\n\nSee you soon"


def test_flowed_text_is_unwrapped_so_a_number_split_by_a_soft_break_reads_whole():
    raw = (b"From: Sol <sol@example.com>\nTo: support+tok@relay.example\nSubject: hi\n"
           b"Content-Type: text/plain; charset=utf-8; format=flowed\n\n"
           b"My old number was 07700 \n900 417, not that it matters.\n\n-- \nSol\n")
    text = parse(raw).text
    assert "07700 900 417" in text
    assert "-- \nSol" in text


def test_unflow_keeps_quote_depth_and_the_signature_separator():
    assert unflow("> one \n> two\n-- \nsig") == "> one two\n-- \nsig"
    assert unflow("a \nb", delete_space=True) == "ab"


def test_a_multipart_with_a_lost_boundary_is_never_read_as_raw_mime():
    raw = (b'From: Sol <sol@example.com>\nTo: support+tok@relay.example\nSubject: hi\n'
           b'Content-Type: multipart/alternative; boundary="declared"\n\n'
           b'--actual77\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n'
           b'VGhlIHdhbGsgaGVscGVkIHRvZGF5Lg==\n--actual77\nContent-Type: text/html\n\n<p>x</p>\n--actual77--\n')
    inbound = parse(raw)
    assert LOST_STRUCTURE in inbound.defects
    assert "Content-Type" not in inbound.text and "VGhl" not in inbound.text
    assert inbound.text == "The walk helped today."


def test_a_lost_boundary_with_nothing_recoverable_gives_no_text():
    raw = (b'From: Sol <sol@example.com>\nTo: support+tok@relay.example\nSubject: hi\n'
           b'Content-Type: multipart/mixed; boundary="declared"\n\nContent-Type: text/plain\n\nVGhlIHdhbGs=\n')
    inbound = parse(raw)
    assert LOST_STRUCTURE in inbound.defects
    assert inbound.text == ""
