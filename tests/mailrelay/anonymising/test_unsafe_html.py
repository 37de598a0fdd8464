"""HTML parts reach the reader as text rebuilt into plain paragraphs; what could fetch, run or track is named."""
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher.mailrelay.anonymising.anonymise import Anonymised, Parties, anonymise
from matcher.mailrelay.anonymising.scrub import Identity
from matcher.mailrelay.anonymising.unsafe_html import unsafe_parts
from matcher.mailrelay.reading.parse import parse

PARTIES = Parties(Identity(names=("Asha Patel",), emails=("asha@example.com",)),
                  Identity(names=("Robin Lee",), emails=("robin@example.org",)), ("Robin",))
# Long enough that the signature reader never takes the message itself for a sign-off.
OPENING = "<p>Thank you for your message yesterday, it meant a lot to me and I read it twice.</p>"


def reader_copy(html: str) -> Anonymised:
    """Return what the reader receives for an HTML-only message from Asha."""
    raw = ("From: Asha <asha@example.com>\r\nTo: support+tok@relay.example\r\nSubject: hi\r\n"
           "MIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + OPENING + html)
    return anonymise(parse(raw.encode()), PARTIES)


def html_removals(copy: Anonymised) -> tuple[str, ...]:
    """Return the removals noted for the HTML part, without the "HTML: " prefix."""
    return tuple(r.removeprefix("HTML: ") for r in copy.removals if r.startswith("HTML: "))


def test_simple_formatting_reaches_the_reader_as_its_words_in_plain_paragraphs():
    copy = reader_copy("<p>Hello <b>there</b>, <em>how</em> are <u>you</u>?</p><ul><li>one</li></ul>")
    assert "Hello there, how are you?" in copy.text
    assert "<p>Hello there, how are you?</p>" in copy.html
    assert "<b>" not in copy.html and "<ul>" not in copy.html
    assert html_removals(copy) == ()


def test_table_reaches_the_reader_as_its_cells():
    copy = reader_copy('<table><tbody><tr><th colspan="2">Week</th></tr><tr><td>1</td><td>2</td></tr></tbody></table>')
    assert "Week\n1 2" in copy.text
    assert "<table" not in copy.html and "colspan" not in copy.html


def test_remote_image_never_reaches_the_reader_and_is_named():
    copy = reader_copy('<p>Look<img src="https://img.example.com/baby.jpg" alt="baby"></p>')
    assert "<img" not in copy.html and "img.example.com" not in copy.html
    assert html_removals(copy) == ("remote image",)


@pytest.mark.parametrize(
    "pixel",
    ['<img src="http://t.example.com/o.gif" width="1" height="1">',
     '<img src="https://t.example.com/o.gif" style="display: none">',
     '<img src="//t.example.com/o.gif" width="0" height="0" />',
     '<img src="https://t.example.com/o.gif" style="width:1px;height:1px">'],
)
def test_tracking_pixel_never_reaches_the_reader_and_is_named(pixel):
    copy = reader_copy(f"<p>Hi</p>{pixel}")
    assert "t.example.com" not in copy.html and "<img" not in copy.html
    assert html_removals(copy) == ("tracking pixel",)


def test_embedded_and_inline_images_are_named_too():
    copy = reader_copy('<img src="data:image/png;base64,AAAA"><img src="cid:part1">text')
    assert "base64" not in copy.html and "cid:" not in copy.html
    assert html_removals(copy) == ("embedded image", "inline image")


def test_script_and_style_never_reach_the_reader():
    copy = reader_copy("<style>p{color:red}</style><script>alert(1)</script><p>kept</p>")
    assert copy.text.endswith("kept")
    assert "alert" not in copy.html and "color:red" not in copy.html
    assert set(html_removals(copy)) == {"stylesheet", "script"}


@pytest.mark.parametrize(
    ("html", "reason"),
    [('<iframe src="https://example.com">x</iframe>', "embedded page"),
     ('<form action="https://example.com"><input name="q"></form>', "form"),
     ('<object data="https://example.com/x.swf"></object>', "embedded object"),
     ('<meta http-equiv="refresh" content="0;url=https://example.com">', "page instructions"),
     ('<link rel="stylesheet" href="https://example.com/s.css">', "external stylesheet")],
)
def test_frames_forms_objects_and_meta_never_reach_the_reader(html, reason):
    copy = reader_copy(f"{html}<p>kept</p>")
    assert copy.text.endswith("kept")
    assert "https://example.com" not in copy.html
    assert reason in html_removals(copy)


def test_event_handlers_and_remote_styles_never_reach_the_reader():
    copy = reader_copy('<p onclick="steal()" style="background:url(https://t.example.com/x)">hi</p>')
    assert "steal" not in copy.html and "t.example.com" not in copy.html
    assert set(html_removals(copy)) == {"event handler", "remote styling"}


def test_remote_background_image_never_reaches_the_reader():
    copy = reader_copy('<table background="https://t.example.com/bg.png"><tr><td>x</td></tr></table>')
    assert "bg.png" not in copy.html
    assert "remote image" in html_removals(copy)


def test_web_link_reaches_the_reader_as_its_words_and_address_not_as_a_link():
    copy = reader_copy('<p>This page helped me: <a href="https://example.org/help" target="_blank">help</a>.</p>')
    assert "help <https://example.org/help>" in copy.text
    assert "href" not in copy.html and "target" not in copy.html
    assert html_removals(copy) == ()


@pytest.mark.parametrize(
    "href", ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,<b>x</b>", "vbscript:x", "/relative",
             "file:///etc/passwd", "tel:07700900123"],
)
def test_unsafe_link_reaches_the_reader_as_its_words_only(href):
    copy = reader_copy(f'<p>Have a look: <a href="{href}">click</a>.</p>')
    assert copy.text.endswith("Have a look: click.")
    assert html_removals(copy) == ("unsafe link",)


def test_whole_document_reaches_the_reader_as_its_body_text():
    copy = reader_copy("<html><head><title>Secret</title></head><body><div>Body</div></body></html>")
    assert copy.text.endswith("Body")
    assert "Secret" not in copy.html


def test_comments_never_reach_the_reader():
    copy = reader_copy("<!--[if mso]><img src='https://t.example.com/x'><![endif]--><p>a</p>")
    assert "t.example.com" not in copy.html and "mso" not in copy.html


_DANGERS = st.sampled_from(
    ['<img src="https://t.example.com/p.gif">', '<img src=x onerror="alert(1)">', "<script>alert(1)</script>",
     '<a href="javascript:alert(1)">x</a>', '<iframe src="https://example.com"></iframe>',
     '<div style="background:url(https://t.example.com/x)">d</div>', "<svg onload=alert(1)></svg>",
     '<p onmouseover="x()">p</p>', "<style>@import url(https://t.example.com/s.css);</style>"]
)
_SAFE = st.sampled_from(["<p>hello</p>", "<b>bold</b>", "plain text", "<br>", "<li>item</li>", "&amp; more"])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(_DANGERS, _SAFE), max_size=12))
def test_nothing_that_fetches_runs_or_tracks_reaches_the_reader(parts):
    received = reader_copy("".join(parts)).html.lower()
    for danger in ("<img", "<script", "<iframe", "<svg", "<style", "javascript:", "onerror", "onload",
                   "onmouseover", "url(", "t.example.com"):
        assert danger not in received


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_any_input_gives_the_reader_plain_paragraphs_without_raising(text):
    received = reader_copy(text).html
    assert "<script" not in received.lower()
    assert isinstance(unsafe_parts(text), tuple)
