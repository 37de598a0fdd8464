"""A held message can be edited in a box its size, reads the sender's pseudonym, and its actions stand apart."""
import re

from sqlalchemy import select

from matcher.extensions import db
from matcher.mailrelay.ingest import receive
from matcher.mailrelay.models import InboundMessage

LONG_BODY = "\n".join(f"Line {n} of a long message about the nights." for n in range(1, 21)) + "\n\nLove,\nPriya Sharma"


def _held(make_pairing, mail_writer):
    _pairing, requester_writes_to, _ = make_pairing(
        {"pseudonym": "Asha", "name": "Priya Sharma", "email": "asha@example.com"},
        {"pseudonym": "Sam", "email": "sam@example.org"}, moderation="review_all")
    receive(mail_writer("asha@example.com", requester_writes_to, LONG_BODY), "pipe")
    return db.session.scalar(select(InboundMessage))


def test_held_message_edit_box_fits_the_message_and_names_the_pseudonym(client, signed_in, make_pairing, mail_writer):
    message = _held(make_pairing, mail_writer)
    # The sender's own name is written as their pseudonym in the held copy (the anonymiser does it).
    assert "Priya" not in message.clean_text and "Asha" in message.clean_text
    page = client.get("/console/held").get_data(as_text=True)
    assert "Priya" not in page
    assert "From Asha, the requester" in page
    box = re.search(rf'<textarea class="message-edit" id="edit-{message.id}"[^>]*rows="(\d+)"', page)
    assert box and int(box.group(1)) >= message.clean_text.count("\n") + 1
    hint = re.search(rf'id="edit-{message.id}-hint">(.*?)</p>', page, re.S).group(1)
    assert "Asha" in hint


def test_release_return_and_discard_are_separate_labelled_sections(client, signed_in, make_pairing, mail_writer):
    message = _held(make_pairing, mail_writer)
    page = client.get("/console/held").get_data(as_text=True)
    headings = re.findall(rf'<h4 id="(release|return|discard)-{message.id}">', page)
    assert headings == ["release", "return", "discard"]
    discard = page[page.index(f'id="discard-{message.id}"'):].split("</section>")[0]
    assert "You will be asked to confirm" in discard and 'action="/console/messages' not in discard
