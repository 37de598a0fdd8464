"""One message by two routes is one message: the transport fingerprint."""
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher.mailrelay.reading.fingerprint import transport_fingerprint

MESSAGE = (b"From: Asha <asha@example.com>\nTo: r+k1@relay.example.org\nSubject: Nights\n"
           b"Message-ID: <m1@example.com>\nDate: Mon, 1 Dec 2031 09:00:00 +0000\n\n"
           b"Hi Sam,\nthe nights are long.  \n\nAsha\n")
TRACE = [b"Received: from mx.example.net by relay.example.org; Mon, 1 Dec 2031 09:00:01 +0000\n",
         b"Received: from [192.0.2.1]\n\tby mx.example.net with ESMTPS\n",
         b"Return-Path: <asha@example.com>\n", b"Delivered-To: r+k1@relay.example.org\n",
         b"X-Original-To: r+k1@relay.example.org\n"]


def _route(message: bytes, trace: list[bytes], crlf: bool, mbox: bool, trailing: bytes) -> bytes:
    """Return the message as a route might hand it over."""
    head, _, body = message.partition(b"\n\n")
    lines = b"".join(trace) + head + b"\n\n" + body.rstrip(b"\n") + trailing
    if mbox:
        lines = b"From asha@example.com Mon Dec  1 09:00:02 2031\n" + lines
    return lines.replace(b"\n", b"\r\n") if crlf else lines


@settings(max_examples=200)
@given(trace=st.lists(st.sampled_from(TRACE), max_size=4), crlf=st.booleans(), mbox=st.booleans(),
       trailing=st.sampled_from([b"", b"\n", b"\n\n", b" \n"]))
def test_routes_that_change_only_transport_give_one_fingerprint(trace, crlf, mbox, trailing):
    assert transport_fingerprint(_route(MESSAGE, trace, crlf, mbox, trailing)) == transport_fingerprint(MESSAGE)


def test_a_changed_word_or_header_of_the_writer_is_another_message():
    assert transport_fingerprint(MESSAGE.replace(b"long", b"short")) != transport_fingerprint(MESSAGE)
    assert transport_fingerprint(MESSAGE.replace(b"Nights", b"Days")) != transport_fingerprint(MESSAGE)


def test_a_header_named_like_a_trace_header_inside_the_body_is_kept():
    moved = MESSAGE + b"Received: this line is the writer's own text\n"
    assert transport_fingerprint(moved) != transport_fingerprint(MESSAGE)


def test_a_message_with_no_body_or_no_headers_still_has_a_fingerprint():
    assert transport_fingerprint(b"") != transport_fingerprint(b"Subject: x\n")
    assert len(transport_fingerprint(b"\r\n\r\n")) == 64
