"""parse(): every real-world shape in the corpus, and garbage that must never raise."""
import re
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matcher.mailrelay.reading.auth import authentication_results
from matcher.mailrelay.reading.parse import Inbound, html_to_text, parse
from tests.mailrelay.mailfixtures import MAIL_DIR, fixture_names, identities, load_eml

SAM = "support+3f9c2a7e5b1d4086a2c4e6f8091b3d5e@relay.example"
KIT = "support+8d41e0c6a9f2437bb5e1c0d9f6a28e17@relay.example"
ROBIN = "support+c07b5e92f1a64d38a9e2b4d6f8013c5a@relay.example"
MOJIBAKE = ("\ufffd", "Ã", "â€", "Â£", "=C3", "=E2")

# fixture -> (from address, decoded subject, phrases the text must contain)
HUMAN_REPLIES = {
    "gmail_reply.eml": (
        "marigold.thistlewaite@example.com", "Re: Introducing you to Sam, your peer supporter",
        ["getting in touch — it means", "On Tue, 3 Nov 2026 at 10:02", "> Hello Kit,"]),
    "outlook_reply.eml": (
        "percival.dunnock-fairweather@example.org", "RE: Introducing you to Sam, your peer supporter",
        ["Shall we say Tuesday 10 November?", "Sent: 04 November 2026 21:40", "Tel: +44 7700 900214"]),
    "outlook_html_only.eml": (
        "e.crumblewick@example.net", "RE: The appointment",
        ["I’m so glad", "Writing down one good thing each evening", "Stationers – 07700 900318"]),
    "iphone_reply.eml": (
        "ottilie.brackenbury@example.com", "Re: A hard week",
        ["I’ll be thinking of you", "Sent from my iPhone", "> On 4 Nov 2026, at 19:22"]),
    "thunderbird_reply.eml": (
        "ambrose.quillfeather@example.org", "Re: Sleep",
        ["On 06/11/2026 22:05, Kit (via matcher) wrote:", "\n-- \nAmbrose Quillfeather"]),
    "android_reply.eml": (
        "philippa.gorsemoor@example.net", "RE: Re: Introducing you to Sam, your peer supporter",
        ["Sent from my Galaxy", "-------- Original message --------"]),
    "german_reply.eml": (
        "hildegard.wunderlichkeit@example.net", "AW: Wie geht es dir? – Grüße",
        ["Größere Ausflüge", "Am Mo., 2. Nov. 2026 um 18:45 Uhr schrieb"]),
    "french_reply.eml": (
        "seraphine.boisdormant@example.org", "Re\u00a0: Comment ça va ?",
        ["Ça va un peu mieux", "a écrit :", "> Bonjour Séraphine,"]),
    "spanish_reply.eml": (
        "remedios.inventadez@example.com", "Re: ¿Cómo ha ido la semana?", ["el bebé", "escribió:"]),
    "dutch_reply.eml": (
        "gerbrecht.vanverzinsel@example.net", "Re: Hoe gaat het?", ["Op di 3 nov. 2026 om 10:02 schreef"]),
    "signature_dashes.eml": (
        "barnaby.fictwell@example.org", "Re: Going back to work", ["\n-- \nBarnaby Fictwell\nSenior Hedge Surveyor"]),
    "signature_no_dashes.eml": (
        "clementine.madeupson@example.com", "Re: Tonight",
        ["Kind regards,\nClementine\n\nClementine Madeupson\nHead of Pretend Logistics"]),
    "html_tracking_pixel.eml": (
        "drusilla.nonesuch@example.net", "Re: Photos", ["Dear Robin,", "[image: My garden in spring]"]),
    "base64_body.eml": (
        "lysander.pocklethorpe@example.com", "The park 🌻", ["a quick one 🌻 — we made it"]),
    "quoted_printable.eml": (
        "winifred.grumbleton@example.org", "Thank you",
        ["yesterday’s call", "isn’t a straight line, and a bad day", "£45 – I think"]),
    "iso_8859_1.eml": (
        "anais.fauxbourg@example.net", "Le café", ["allée au café", "coûtait £3", "Anaïs"]),
    "windows_1252.eml": (
        "cuthbert.mumblecombe@example.com", "“One day at a time”",
        ["“One day at a time” — that’s", "hated it…", "€20"]),
    "forwarded_inline.eml": (
        "rosalind.peppercorn@example.org", "Fwd: Fwd: Parent and baby group",
        ["---------- Forwarded message ---------", "07700 900123"]),
    "forwarded_attachment.eml": (
        "mungo.fiddlesticks@example.com", "FW: Our meet-up", ["the other dad in my group"]),
    "vcard_attachment.eml": (
        "gwendolyn.hollowquill@example.net", "My details", ["easier to text", "Sent from my iPhone"]),
    "calendar_invite.eml": (
        "ignatius.puddlecombe@example.org", "Invitation: Catch-up call @ Tue 24 Nov 2026 19:00 - 19:30 (GMT)",
        ["You have been invited"]),
    "spoof_stranger.eml": (
        "mallory.interloper@example.net", "Re: Introducing you to Sam, your peer supporter", ["it's Kit"]),
    "reply_to_differs.eml": (
        "tabitha.larkspur@example.com", "Re: Next week", ["use my other address"]),
}


@pytest.mark.parametrize("name", fixture_names())
def test_every_fixture_parses_into_an_inbound(name):
    inbound = parse(load_eml(name))
    assert isinstance(inbound, Inbound)
    assert inbound.headers
    if not name.startswith("malformed_"):
        assert inbound.defects == (), inbound.defects
        assert not inbound.is_malformed


def test_corpus_is_large_and_documented():
    names = fixture_names()
    readme = (MAIL_DIR / "README.md").read_text(encoding="utf-8")
    assert len(names) >= 25
    assert sorted(identities()) == names
    assert all(f"`{name}`" in readme for name in names)


@pytest.mark.parametrize("name", fixture_names())
def test_identities_listed_for_a_fixture_are_fictional_and_really_in_it(name):
    inbound = parse(load_eml(name))
    decoded = [inbound.text, inbound.html or "", *(value for _, value in inbound.headers)]
    decoded += [attachment.payload.decode("utf-8", "replace") for attachment in inbound.attachments]
    people = identities()[name]
    for value in people["names"] + people["emails"] + people["phones"] + people["employers"]:
        assert value in "\n".join(decoded)
    assert all(re.fullmatch(r"(07700|\+44 7700) 900\d{3}", phone) for phone in people["phones"])
    assert all(re.search(r"@example\.(com|org|net)\Z", email) for email in people["emails"])


@pytest.mark.parametrize("name", sorted(HUMAN_REPLIES))
def test_reply_is_decoded_without_garbled_characters(name):
    from_address, subject, phrases = HUMAN_REPLIES[name]
    inbound = parse(load_eml(name))
    assert inbound.from_address == from_address
    assert inbound.subject == subject
    for phrase in phrases:
        assert phrase in inbound.text
    assert not any(garble in inbound.text + inbound.subject + inbound.from_name for garble in MOJIBAKE)
    assert "\r" not in inbound.text


def test_gmail_reply_threading_and_routing_fields():
    inbound = parse(load_eml("gmail_reply.eml"))
    assert inbound.message_id == "CAF4xq9Zk1mT7vR2pQw8nYd3sLb0eHj6uGc5oNf1aVt+Q@mail.example.com"
    assert inbound.in_reply_to == ("relay.7f3a9c21e5b04d8e@relay.example",)
    assert inbound.references == ("relay.7f3a9c21e5b04d8e@relay.example",)
    assert inbound.to == (SAM,)
    assert inbound.delivered_to == (SAM,)
    assert inbound.return_path == "marigold.thistlewaite@example.com"
    assert inbound.from_name == "Marigold Thistlewaite"
    assert inbound.date == datetime(2026, 11, 3, 10, 14, 52, tzinfo=UTC)
    assert 'class="gmail_quote"' in inbound.html
    assert inbound.mime_types == ("multipart/alternative", "text/plain", "text/html")


def test_delivered_to_and_x_original_to_are_kept_in_header_order():
    inbound = parse(load_eml("outlook_reply.eml"))
    assert inbound.delivered_to == (KIT, KIT)


def test_dates_are_aware_utc():
    inbound = parse(load_eml("german_reply.eml"))
    assert inbound.date == datetime(2026, 11, 3, 6, 57, 49, tzinfo=UTC)
    assert parse(b"From: a@example.com\nDate: Tue, 3 Nov 2026 10:00:00 -0000\n\nx").date.tzinfo is UTC


def test_html_only_word_message_renders_without_styles_or_office_markup():
    inbound = parse(load_eml("outlook_html_only.eml"))
    assert inbound.html is not None
    for leftover in ("font-family", "mso", "WordDocument", "<", "&nbsp;"):
        assert leftover not in inbound.text


def test_tracking_pixel_and_remote_images_leave_no_trace_but_links_keep_their_address():
    text = parse(load_eml("html_tracking_pixel.eml")).text
    assert "track.example.net" not in text
    assert "images.example.net" not in text
    assert "display:none" not in text
    assert "leaflet about sleep <https://www.example.org/peer-support/leaflet.pdf>" in text


def test_empty_plain_part_beside_html_gives_way_to_the_html():
    raw = (
        b"From: a@example.com\nContent-Type: multipart/alternative; boundary=X\n\n--X\nContent-Type: text/plain\n\n"
        b"\n--X\nContent-Type: text/html\n\n<p>Real words</p>\n--X--\n"
    )
    assert parse(raw).text == "Real words"


def test_reply_to_and_cc_are_read_separately_from_from():
    inbound = parse(load_eml("reply_to_differs.eml"))
    assert inbound.reply_to == ("tabitha.l.private@example.org",)
    assert inbound.to == (ROBIN,)
    assert inbound.cc == (ROBIN,)


def test_spoof_keeps_the_real_address_not_the_borrowed_display_name():
    inbound = parse(load_eml("spoof_stranger.eml"))
    assert inbound.from_address == "mallory.interloper@example.net"
    assert inbound.from_name == "Marigold Thistlewaite"
    assert inbound.sender == "mallory.interloper@example.net"


def test_vcard_attachment_is_found_and_recognised():
    attachments = parse(load_eml("vcard_attachment.eml")).attachments
    assert [attachment.filename for attachment in attachments] == ["Gwendolyn Hollowquill.vcf"]
    card = attachments[0]
    assert card.is_vcard and not card.is_calendar
    assert card.content_type == "text/x-vcard"
    assert b"TEL;type=CELL" in card.payload
    assert card.size == len(card.payload)


def test_calendar_invite_is_found_inside_the_alternative_and_as_a_file():
    attachments = parse(load_eml("calendar_invite.eml")).attachments
    assert [attachment.content_type for attachment in attachments] == ["text/calendar", "application/ics"]
    assert all(attachment.is_calendar and attachment.filename == "invite.ics" for attachment in attachments)
    assert all(b"METHOD:REQUEST" in attachment.payload for attachment in attachments)


def test_forwarded_message_attachment_is_kept_whole_and_parses_again():
    attachments = parse(load_eml("forwarded_attachment.eml")).attachments
    assert [attachment.content_type for attachment in attachments] == ["message/rfc822"]
    forwarded = parse(attachments[0].payload)
    assert forwarded.from_address == "perpetua.snodgrass@example.org"
    assert "07700 900246" in forwarded.text


def test_delivery_report_parts_are_kept_for_classify():
    inbound = parse(load_eml("bounce_dsn.eml"))
    assert inbound.return_path == ""
    status = [attachment for attachment in inbound.attachments if attachment.content_type == "message/delivery-status"]
    assert b"Final-Recipient: rfc822; lettice.nowhere@example.org" in status[0].payload
    assert "text/rfc822-headers" in inbound.mime_types


def test_message_without_from_is_malformed():
    inbound = parse(load_eml("malformed_no_from.eml"))
    assert inbound.is_malformed
    assert "no From header" in inbound.defects
    assert "Oswin" in inbound.text


@pytest.mark.parametrize(
    "from_lines",
    [
        b"From: a@example.com\nFrom: b@example.org\n",
        b"From: a@example.com, b@example.org\n",
        b"From: Just A Name\n",
        b"From: <>\n",
    ],
)
def test_from_that_is_not_exactly_one_address_is_malformed(from_lines):
    inbound = parse(from_lines + b"To: x@example.net\n\nhello")
    assert inbound.is_malformed
    assert inbound.defects


def test_missing_closing_boundary_still_yields_the_text():
    inbound = parse(load_eml("malformed_missing_boundary_end.eml"))
    assert inbound.text.startswith("The weekend was better than I feared.")
    assert any("boundary" in defect for defect in inbound.defects)


def test_damaged_base64_is_recovered_as_far_as_possible():
    inbound = parse(load_eml("malformed_broken_base64.eml"))
    assert inbound.text.startswith("I think the new medication is helping.")
    assert any("base64" in defect for defect in inbound.defects)
    assert [attachment.filename for attachment in inbound.attachments] == ["photo.jpg"]


def test_unknown_charset_falls_back_to_utf8():
    inbound = parse(load_eml("malformed_bad_charset.eml"))
    assert "café on Friday? I'll bring the crème brûlée" in inbound.text
    assert inbound.subject == "Café on Friday"
    assert any("utf-8lol" in defect for defect in inbound.defects)


def test_raw_8bit_headers_are_read_as_utf8_or_windows_1252():
    inbound = parse(load_eml("malformed_8bit_header.eml"))
    assert inbound.subject == "Grüße aus dem Café"
    assert inbound.from_name == "Zéphyrine Octetton"
    assert inbound.from_address == "zephyrine.octetton@example.net"
    assert any("8-bit" in defect for defect in inbound.defects)


def test_truncated_message_keeps_text_and_partial_attachment():
    inbound = parse(load_eml("malformed_truncated.eml"))
    assert "two photos from our walk" in inbound.text
    assert [attachment.filename for attachment in inbound.attachments] == ["river.png"]
    assert inbound.defects


def test_encoded_words_split_inside_a_character_are_joined_first():
    # "é" is C3 A9 in UTF-8; some clients put the two bytes in separate encoded words.
    inbound = parse(b"From: a@example.com\nSubject: =?utf-8?q?caf=C3?= =?utf-8?q?=A9?= ok\n\nx")
    assert inbound.subject == "café ok"


def test_encoded_line_breaks_cannot_reach_a_decoded_header():
    inbound = parse(
        b"From: =?utf-8?q?Eve=0ABcc=3A_x=40example=2Eorg?= <a@example.com>\nSubject: =?utf-8?q?a=0D=0Ab?=\n\nx"
    )
    assert inbound.subject == "a  b"
    assert "\n" not in inbound.from_name
    assert all("\n" not in value and "\r" not in value for _, value in inbound.headers)


def test_null_and_absent_return_path_differ():
    assert parse(b"Return-Path: <>\nFrom: a@example.com\n\nx").return_path == ""
    assert parse(b"From: a@example.com\n\nx").return_path is None


def test_header_lookup_ignores_case_and_keeps_order():
    inbound = parse(b"From: a@example.com\nX-Thing: one\nx-thing: two\n\nx")
    assert inbound.header("X-THING") == "one"
    assert inbound.header_all("x-Thing") == ["one", "two"]
    assert inbound.header("Missing") is None


def test_attachment_filename_cannot_climb_directories():
    raw = (
        b"From: a@example.com\nContent-Type: multipart/mixed; boundary=X\n\n--X\n"
        b"Content-Type: text/plain\n\nhi\n--X\nContent-Type: application/pdf\n"
        b'Content-Disposition: attachment; filename="../../etc/passwd"\n\nzz\n--X--\n'
    )
    assert parse(raw).attachments[0].filename == "passwd"


def test_deeply_nested_multiparts_keep_the_headers():
    nesting = b"".join(b"Content-Type: multipart/mixed; boundary=b%d\n\n--b%d\n" % (i, i) for i in range(3000))
    inbound = parse(b"From: a@example.com\nSubject: deep\n" + nesting + b"\nhello\n")
    assert inbound.from_address == "a@example.com"
    assert inbound.defects


def test_authentication_results_only_trusts_our_own_authserv_id():
    inbound = parse(load_eml("spoof_stranger.eml"))
    ours = {"dkim": "none", "spf": "softfail", "dmarc": "fail"}
    assert authentication_results(inbound, "mx.relay.example") == ours
    assert authentication_results(inbound, "MX.Relay.Example") == ours
    assert authentication_results(inbound, "mx.example.net")["dmarc"] == "pass"
    assert authentication_results(inbound, "relay.example") == {}


def test_authentication_results_reads_comments_quotes_versions_and_several_signatures():
    inbound = parse(
        b"From: a@example.com\n"
        b"Authentication-Results: mx.relay.example 1; (a comment; dmarc=pass)\n"
        b' dkim=fail header.d="x;y" (bad; signature); dkim=pass header.d=example.com;\n'
        b"  spf=pass smtp.mailfrom=example.com; dmarc/1=fail header.from=example.com\n"
        b"Authentication-Results: mx.relay.example.attacker.example; dmarc=pass\n"
        b"Authentication-Results: mx.relay.example; none\n\nx"
    )
    assert authentication_results(inbound, "mx.relay.example") == {"dkim": "pass", "spf": "pass", "dmarc": "fail"}


def test_html_to_text_renders_structure():
    text = html_to_text(
        "<html><head><title>t</title><style>p{color:red}</style></head><body>"
        "<p>Hello &amp; welcome</p><ul><li>one</li><li>two</li></ul><ol><li>first</li></ol>"
        "line<br>break<blockquote><p>quoted</p><blockquote>deeper</blockquote></blockquote>"
        "<script>alert(1)</script><pre>  keep\n  spacing</pre></body></html>"
    )
    assert text == (
        "Hello & welcome\n\n- one\n- two\n1. first\nline\nbreak\n\n> quoted\n>\n> > deeper\n\n  keep\n  spacing"
    )


def test_html_to_text_survives_markup_that_breaks_html_parser():
    assert "hi" in html_to_text("<![foo bar]> hi <p>there")


# --- garbage in, never an exception out ------------------------------------------------------

def _mutations():
    name = st.sampled_from(fixture_names())
    truncated = st.tuples(name, st.floats(0, 1)).map(lambda pair: _cut(load_eml(pair[0]), pair[1]))
    flipped = st.tuples(name, st.lists(st.tuples(st.floats(0, 1), st.integers(0, 255)), min_size=1, max_size=20)).map(
        lambda pair: _flip(load_eml(pair[0]), pair[1])
    )
    injected = st.tuples(name, st.sampled_from(_HOSTILE_LINES), st.floats(0, 1)).map(
        lambda triple: _inject(load_eml(triple[0]), triple[1], triple[2])
    )
    return st.one_of(truncated, flipped, injected)


_HOSTILE_LINES = [
    b"From: \r\n", b"From: <@>\n", b"Content-Type: multipart/mixed\n", b'Content-Type: multipart/mixed; boundary=""\n',
    b"Content-Transfer-Encoding: base64\n", b"Content-Transfer-Encoding: x-uuencode\n", b"Date: Feb 31 99999 25:61\n",
    b"Subject: =?utf-8?b?////?= =?x?q?=ZZ?=\n", b'Authentication-Results: (((("\n',
    b"Content-Type: text/plain; charset=rot13\n", b"Content-Type: text/plain; charset*=''%ff%fe\n",
    b"Content-Disposition: attachment; filename*0*=utf-8''%E2%82; filename*1=x\n", b"\n\n--\n--\n",
    b"Return-Path: <<<>\n", b"In-Reply-To: <<>><\n", b"\x00\xff\xfe: \x80\n", b"Content-Type: message/rfc822\n",
    b"Content-Type: message/delivery-status\n", b"Content-Type: text/html\n\n<![if x]><![foo bar]><a href=",
]


def _cut(raw: bytes, fraction: float) -> bytes:
    return raw[: int(len(raw) * fraction)]


def _flip(raw: bytes, changes: list[tuple[float, int]]) -> bytes:
    mutable = bytearray(raw)
    for fraction, value in changes:
        mutable[min(int(len(mutable) * fraction), len(mutable) - 1)] = value
    return bytes(mutable)


def _inject(raw: bytes, line: bytes, fraction: float) -> bytes:
    position = int(len(raw) * fraction)
    return raw[:position] + line + raw[position:]


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=4000))
def test_parse_never_raises_on_random_bytes(raw):
    assert isinstance(parse(raw), Inbound)


@settings(deadline=None, max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(_mutations())
def test_parse_never_raises_on_damaged_fixtures(raw):
    inbound = parse(raw)
    assert isinstance(inbound, Inbound)
    assert isinstance(inbound.text, str) and "\x00" not in inbound.text


@settings(deadline=None)
@given(st.text(max_size=2000))
def test_html_to_text_never_raises(markup):
    assert isinstance(html_to_text(markup), str)


@pytest.mark.parametrize("field", ["Cc", "Reply-To", "Return-Path"])
def test_a_header_nested_past_the_parser_depth_costs_that_header_not_the_message(field):
    # Thousands of group openers ("x:x:...") drive the stdlib address parser past Python's recursion limit.
    hostile = "x:" * 5000 + "a@example.com"
    raw = (f"From: Kit <kit@example.com>\r\nTo: {SAM}\r\n{field}: {hostile}\r\nSubject: Thursday\r\n"
           "Message-ID: <deep@example.com>\r\n\r\nSee you on Thursday at the cafe.\r\n").encode()
    inbound = parse(raw)
    assert inbound.from_address == "kit@example.com"
    assert "See you on Thursday" in inbound.text
    assert not any("could not be read at all" in defect for defect in inbound.defects)
