"""The memory budget of reading one message: text parts are cut, as sent, before they are decoded."""
import quopri
import tracemalloc

from matcher.mailrelay.reading.budget import PART_CUT, cut_single_part_body
from matcher.mailrelay.reading.parse import parse

LINES = "".join(f"Line {n} of a very long letter, written over many nights.\n" for n in range(180_000)).encode()
HEAD = b"From: Asha <asha@example.com>\nTo: support+abc@relay.example\nSubject: A long letter\nMIME-Version: 1.0\n"


def _single(encoding: str, body: bytes) -> bytes:
    return HEAD + f"Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: {encoding}\n\n".encode() + body


def _multipart(body: bytes) -> bytes:
    return (HEAD + b'Content-Type: multipart/mixed; boundary="b1"\n\n--b1\n'
            b"Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n"
            + body + b"\n--b1\nContent-Type: image/png\nContent-Disposition: attachment; filename=a.png\n"
            b"Content-Transfer-Encoding: base64\n\niVBORw0KGgo=\n--b1--\n")


def _peak_megabytes(raw: bytes) -> tuple[float, object]:
    tracemalloc.start()
    try:
        inbound = parse(raw)
        return tracemalloc.get_traced_memory()[1] / 2**20, inbound
    finally:
        tracemalloc.stop()


def test_reading_a_ten_megabyte_plain_body_holds_a_bounded_amount_of_memory():
    raw = _single("8bit", LINES)
    assert len(raw) > 10 * 2**20
    peak, inbound = _peak_megabytes(raw)
    assert peak < 30, f"reading held {peak:.0f} MB"  # the whole body was read before: over 100 MB
    assert PART_CUT in inbound.defects
    assert inbound.text.startswith("Line 0 of") and len(inbound.text) <= 2**20


def test_a_long_quoted_printable_part_of_a_multipart_message_is_cut_before_decoding():
    raw = _multipart(quopri.encodestring(LINES.replace(b"nights", "nights \u00e9".encode())))
    peak, inbound = _peak_megabytes(raw)
    assert PART_CUT in inbound.defects
    assert len(inbound.text) <= 2**20 and "nights \u00e9" in inbound.text
    assert [a.filename for a in inbound.attachments] == ["a.png"]  # the rest of the message is still read
    assert peak < 150


def test_a_short_message_is_not_cut():
    raw = _single("8bit", b"Hello Sam\n")
    assert cut_single_part_body(raw) is None
    assert PART_CUT not in parse(raw).defects


def test_a_body_cut_before_parsing_ends_at_a_line_end_and_keeps_the_headers():
    cut = cut_single_part_body(_single("8bit", LINES), limit=1000)
    assert cut.startswith(HEAD) and cut.endswith(b"\n") and len(cut) < len(HEAD) + 1200
