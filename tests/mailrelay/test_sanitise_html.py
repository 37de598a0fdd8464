"""HTML parts keep simple formatting and lose anything that fetches, runs or tracks."""
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher.mailrelay.anonymising.unsafe_html import sanitise_html


def test_simple_formatting_survives():
    html = "<p>Hello <b>there</b>, <em>how</em> are <u>you</u>?</p><ul><li>one</li></ul><blockquote>q</blockquote>"
    assert sanitise_html(html) == sanitise_html(html)
    assert sanitise_html(html).html == html
    assert sanitise_html(html).removed == ()


def test_table_keeps_its_cells_and_spans():
    html = '<table><tbody><tr><th colspan="2">Week</th></tr><tr><td>1</td><td>2</td></tr></tbody></table>'
    assert sanitise_html(html).html == html


def test_remote_image_is_removed_and_named():
    clean = sanitise_html('<p>Look<img src="https://img.example.com/baby.jpg" alt="baby"></p>')
    assert clean.html == "<p>Look</p>"
    assert clean.removed == ("remote image",)


@pytest.mark.parametrize(
    "pixel",
    ['<img src="http://t.example.com/o.gif" width="1" height="1">',
     '<img src="https://t.example.com/o.gif" style="display: none">',
     '<img src="//t.example.com/o.gif" width="0" height="0" />',
     '<img src="https://t.example.com/o.gif" style="width:1px;height:1px">'],
)
def test_tracking_pixel_is_removed_and_named(pixel):
    clean = sanitise_html(f"<p>Hi</p>{pixel}")
    assert clean.html == "<p>Hi</p>"
    assert clean.removed == ("tracking pixel",)


def test_embedded_and_inline_images_are_removed_too():
    clean = sanitise_html('<img src="data:image/png;base64,AAAA"><img src="cid:part1">text')
    assert clean.html == "text"
    assert clean.removed == ("embedded image", "inline image")


def test_script_style_and_their_contents_are_removed():
    clean = sanitise_html("<style>p{color:red}</style><script>alert(1)</script><p>kept</p>")
    assert clean.html == "<p>kept</p>"
    assert set(clean.removed) == {"stylesheet", "script"}


@pytest.mark.parametrize(
    ("html", "reason"),
    [('<iframe src="https://example.com">x</iframe>', "embedded page"),
     ('<form action="https://example.com"><input name="q"></form>', "form"),
     ('<object data="https://example.com/x.swf"></object>', "embedded object"),
     ('<meta http-equiv="refresh" content="0;url=https://example.com">', "page instructions"),
     ('<link rel="stylesheet" href="https://example.com/s.css">', "external stylesheet")],
)
def test_frames_forms_objects_and_meta_are_removed(html, reason):
    clean = sanitise_html(f"{html}<p>kept</p>")
    assert clean.html == "<p>kept</p>"
    assert reason in clean.removed


def test_event_handlers_and_styles_are_stripped_from_kept_tags():
    clean = sanitise_html('<p onclick="steal()" style="background:url(https://t.example.com/x)">hi</p>')
    assert clean.html == "<p>hi</p>"
    assert set(clean.removed) == {"event handler", "remote styling"}


def test_remote_background_image_is_removed():
    clean = sanitise_html('<table background="https://t.example.com/bg.png"><tr><td>x</td></tr></table>')
    assert "background" not in clean.html
    assert "remote image" in clean.removed


def test_web_and_mailto_links_keep_href_and_gain_rel():
    html = '<a href="https://example.org/help" target="_blank">help</a> <a href="mailto:x@example.org">m</a>'
    clean = sanitise_html(html)
    assert clean.html == (
        '<a href="https://example.org/help" rel="noopener noreferrer">help</a> '
        '<a href="mailto:x@example.org" rel="noopener noreferrer">m</a>'
    )


@pytest.mark.parametrize(
    "href", ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,<b>x</b>", "vbscript:x", "/relative",
             "file:///etc/passwd", "tel:07700900123"],
)
def test_unsafe_link_loses_its_href(href):
    clean = sanitise_html(f'<a href="{href}">click</a>')
    assert clean.html == '<a rel="noopener noreferrer">click</a>'
    assert clean.removed == ("unsafe link",)


def test_whole_document_keeps_only_the_body_text():
    clean = sanitise_html("<html><head><title>Secret</title></head><body><div>Body</div></body></html>")
    assert clean.html == "<div>Body</div>"


def test_comments_are_removed():
    assert sanitise_html("<!--[if mso]><img src='https://t.example.com/x'><![endif]--><p>a</p>").html == "<p>a</p>"


_DANGERS = st.sampled_from(
    ['<img src="https://t.example.com/p.gif">', '<img src=x onerror="alert(1)">', "<script>alert(1)</script>",
     '<a href="javascript:alert(1)">x</a>', '<iframe src="https://example.com"></iframe>',
     '<div style="background:url(https://t.example.com/x)">d</div>', "<svg onload=alert(1)></svg>",
     '<p onmouseover="x()">p</p>', "<style>@import url(https://t.example.com/s.css);</style>"]
)
_SAFE = st.sampled_from(["<p>hello</p>", "<b>bold</b>", "plain text", "<br>", "<li>item</li>", "&amp; more"])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(_DANGERS, _SAFE), max_size=12))
def test_nothing_that_fetches_runs_or_tracks_survives(parts):
    clean = sanitise_html("".join(parts)).html.lower()
    for danger in ("<img", "<script", "<iframe", "<svg", "<style", "javascript:", "onerror", "onload",
                   "onmouseover", "url(", "t.example.com"):
        assert danger not in clean


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_any_input_gives_html_without_raising(text):
    clean = sanitise_html(text)
    assert "<script" not in clean.html.lower()
    assert sanitise_html(clean.html).html == clean.html
