# ruff: noqa: RUF001 - Turkish and Arabic test text
"""Anonymising shapes the relay was never shown: structure over word lists (issue 13, classes 1 to 11)."""
import base64

import pytest

from matcher.mailrelay.anonymising.anonymise import Parties, anonymise
from matcher.mailrelay.anonymising.contact_offers import find_contact_offers
from matcher.mailrelay.anonymising.names import header_names, quoted_header_names
from matcher.mailrelay.anonymising.quotes import strip_quoted_history
from matcher.mailrelay.anonymising.scrub import Identity, scrub_text
from matcher.mailrelay.anonymising.signatures import strip_signature
from matcher.mailrelay.reading.parse import parse

SENDER = Identity(names=("Perpetua Holloway-Vance",), emails=("perpetua.hv@example.com",), phones=("07700 900561",))
READER = Identity(names=("Idris Calloway",), emails=("idris@example.org",))
ALLOWED = ("Juniper", "Sable", "Matcher")


def _scrub(text: str, **kwargs) -> str:
    return scrub_text(text, (SENDER, READER), ALLOWED, "GB", **kwargs).text


# ----- class 1: quoted history by structure, in any language --------------------------------------

@pytest.mark.parametrize("labels", [
    ("Feladó", "Elküldve", "Címzett", "Tárgy"), ("Kimden", "Gönderildi", "Kime", "Konu"),
    ("Oddi wrth", "Anfonwyd", "At", "Pwnc"), ("من", "تاريخ الإرسال", "إلى", "الموضوع"),
    ("Od", "Odesláno", "Komu", "Předmět"),
])
def test_a_quoted_header_block_in_any_language_ends_the_new_text(labels):
    frm, sent, to, subject = labels
    text = (f"Thank you, that helped.\n\n{frm}: Sable <support+x@relay.example>\n{sent}: 3 November 2026 10:02\n"
            f"{to}: Perpetua Holloway-Vance <perpetua.hv@example.com>\n{subject}: hello\n\nEarlier words")
    assert strip_quoted_history(text).text == "Thank you, that helped."


def test_a_header_block_naming_only_pseudonyms_is_recognised_by_the_party_names():
    text = "Lovely.\n\nVon: Sable\nGesendet: Dienstag\nAn: Juniper\nBetreff: Hallo\n\nold"
    assert strip_quoted_history(text, known=("Sable", "Juniper")).text == "Lovely."


def test_a_list_of_labelled_lines_is_the_writers_own_text():
    text = "Plan for Saturday:\nTime: 10:00\nPlace: the park by the pond\nBring: a flask\n\nSee you!"
    assert strip_quoted_history(text).text == text


@pytest.mark.parametrize("attribution", [
    "{date} tarihinde Sable <support+x@relay.example> şunu yazdı:",
    "Sable <support+x@relay.example> ezt írta (időpont: {date}):",
    "Dne {date} Sable <support+x@relay.example> napsal(a):",
])
def test_an_attribution_line_naming_an_address_is_history_in_any_language(attribution):
    text = f"Thank you.\n\n{attribution.format(date='3 Nov 2026 10:02')}\n> earlier\n> words"
    assert strip_quoted_history(text).text == "Thank you."


def test_a_block_reproducing_an_earlier_message_of_the_thread_is_history_without_any_marker():
    earlier = ("I hope the nights are getting a little easier now that the baby is feeding better.\n"
               "Do tell me how the appointment with the health visitor goes on Thursday.")
    text = ("Yes, much easier, thank you!\n\n"
            "I hope the nights are getting a little easier now\nthat the baby is feeding better. Do tell me how\n"
            "the appointment with the health visitor goes on\nThursday.")
    assert strip_quoted_history(text, earlier=[earlier]).text == "Yes, much easier, thank you!"


# ----- class 2: signatures by position and shape, and learned -------------------------------------

def test_everything_after_a_sign_off_but_the_name_is_a_signature_even_without_a_phone():
    text = ("See you next week.\n\nPozdrawiam,\nPerpetua\nStarsza Specjalistka\nBiuro Rachunkowe Jaskier\n"
            "ul. Wymarzona 3\n61-100 Poznań")
    assert strip_signature(text).text == "See you next week.\n\nPozdrawiam,\nPerpetua"


def test_a_sign_off_in_an_unlisted_language_is_found_by_its_shape():
    text = "Köszönöm a levelet.\n\nÜdv,\nPerpetua\nPénzügyi referens\nKitalált Kft."
    assert strip_signature(text).text == "Köszönöm a levelet.\n\nÜdv,\nPerpetua"


def test_a_postscript_after_the_signature_is_kept():
    text = "See you.\n\nKind regards,\nPerpetua\nSenior Buyer\nHollin Works Ltd\n\nP.S. The baby says hi."
    assert strip_signature(text).text == "See you.\n\nKind regards,\nPerpetua\n\nP.S. The baby says hi."


def test_a_bare_double_dash_far_from_the_end_starts_a_signature():
    tail = "\n".join(f"Line {n} of the office's footer" for n in range(20))
    text = f"See you.\n\n--\nPerpetua Holloway-Vance\nSenior Buyer\nHollin Works Ltd\n\n{tail}"
    assert strip_signature(text).text == "See you."


def test_a_last_paragraph_of_title_and_organisation_lines_is_a_signature():
    text = "The walk helped.\n\nPerpetua Holloway-Vance\nProject Architect\nFernhill Studio"
    assert strip_signature(text).text == "The walk helped."


def test_a_signature_the_sender_repeats_is_learned_from_their_earlier_messages():
    signature = "Perpetua\nQuartermaster of Small Things\nThe Blue Door Collective"
    earlier = [f"First message.\n\n{signature}", f"Second message.\n\n{signature}"]
    trimmed = strip_signature(f"Third message.\n\n{signature}", own_earlier=earlier)
    assert trimmed.text == "Third message.\n\nPerpetua"


# ----- class 3: details not on file ---------------------------------------------------------------

@pytest.mark.parametrize(("text", "gone"), [
    ("I work at Fennick & Daughters Solicitors now.", "Fennick"),
    ("Cofion,\n\n22 Heol y Gwenith, Caerfyrddin SA31 9ZZ", "Gwenith"),
    ("Our flat is at 7 Bóthar na Coille, Gaillimh H91 A2B3.", "Coille"),
    ("We moved to 88 rue des Mésanges, Québec G1R 2B5.", "Mésanges"),
    ("It's 41 Wattle Grove, Katoomba NSW 2780 now.", "Wattle"),
    ("Address: 5 Rimu Terrace, Dunedin 9016", "Rimu"),
    ("Ich wohne in der Kastanienallee 12, 10435 Berlin.", "Kastanienallee"),
    ("She is at Szpital Wymyślony in town.", "Wymyślony"),
])
def test_employers_and_postal_addresses_of_every_region_are_removed(text, gone):
    assert gone not in _scrub(text)


def test_names_from_every_address_header_are_learned():
    raw = (b"From: Perpetua <perpetua.hv@example.com>\nTo: Sable <support+x@relay.example>\n"
           b"Cc: Hortense Quayle <hq@example.net>\nSubject: hi\n\nhi")
    assert header_names(parse(raw).headers) == ("Perpetua", "Sable", "Hortense Quayle")


def test_names_in_quoted_headers_are_learned_and_removed_from_the_new_text():
    text = "Hortense says hello.\n\nKimden: Hortense Quayle <hq@example.net>\nKonu: hi"
    assert quoted_header_names(text) == ("Hortense Quayle",)
    assert "Quayle" not in _scrub("Mrs Quayle and Hortense Quayle say hello.", other_names=("Hortense Quayle",))


@pytest.mark.parametrize("text", [
    "My sister Marisol Dunmore-Achterberg stayed.", "My partner's mum, Wilhelmina van Oosterhout, came round.",
    "meine Schwester Ottilie Brandstätter war da.", "fy chwaer Angharad Llewelyn came with me.",
])
def test_other_peoples_full_names_are_removed_by_their_shape(text):
    scrubbed = _scrub(text)
    assert not any(word in scrubbed for word in ("Dunmore", "Achterberg", "Oosterhout", "Brandstätter", "Llewelyn"))


def test_a_compound_surname_around_a_known_part_goes_whole():
    assert _scrub("Her daughter is Achterberg-Vance too.") == "Her daughter is [name removed] too."
    assert _scrub("The Vance de Bruin side.") == "The [name removed] side."


# ----- class 4: numbers and addresses in unusual shapes -------------------------------------------

@pytest.mark.parametrize("text", [
    "my old one was oh seven seven double oh nine double oh five six one",
    "write to perpetua.hv at examplepost",
    "key 9F3A1C7E next to perpetua.hv@example.com",
    "I'm perpetuaholloway on Wordspin",
    "https://photos.example.net/share?who=Perpetua%20Holloway-Vance",
    "https://photos.example.net/s/" + base64.urlsafe_b64encode(b"perpetua.hv@example.com").decode(),
])
def test_identifiers_in_unusual_shapes_are_removed(text):
    scrubbed = _scrub(text)
    assert not any(part in scrubbed.lower() for part in ("double", "perpetua", "9f3a1c7e", "holloway", "share?"))


# ----- class 6, 7: attachment names, over-blanking ------------------------------------------------

def _message(body: str, extra: str = "") -> bytes:
    return (f"From: Perpetua Holloway-Vance | Fernhill NHS Trust <perpetua.hv@example.com>\n"
            f"To: support+x@relay.example\nSubject: hi\n{extra}\n{body}").encode()


def test_the_attachment_note_gives_the_files_kind_never_its_name():
    raw = (b"From: Perpetua <perpetua.hv@example.com>\nTo: support+x@relay.example\nSubject: hi\n"
           b"MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=B\n\n--B\nContent-Type: text/plain\n\n"
           b"A photo of the walk.\n--B\nContent-Type: image/jpeg\nContent-Disposition: attachment; "
           b"filename=\"Hortense Quayle birthday.JPG\"\nContent-Transfer-Encoding: base64\n\n/9j/\n--B--\n")
    copy = anonymise(parse(raw), Parties(SENDER, READER, ALLOWED))
    assert "Quayle" not in copy.text and "birthday" not in copy.text
    assert "(photo-1.jpg)" in copy.text


def test_common_words_of_a_display_name_stay_and_the_senders_name_becomes_their_pseudonym():
    from matcher.mailrelay.anonymising.identities import with_message_details

    inbound = parse(_message("I'm Perpetua Holloway-Vance. The NHS Trust team was kind to us."))
    sender = with_message_details(SENDER, inbound, "Juniper", "relay.example")
    copy = anonymise(inbound, Parties(sender, READER, ALLOWED, sender_pseudonym="Juniper"))
    assert copy.text == "I'm Juniper. The NHS Trust team was kind to us."


# ----- class 10, 11: over-holding, and holding when unsure ----------------------------------------

@pytest.mark.parametrize("text", ["You can email me any time.", "Drop me a line whenever you like.",
                                  "Email me at any time, day or night.", "Feel free to email me about anything."])
def test_an_invitation_to_keep_writing_by_email_is_not_a_contact_offer(text):
    assert find_contact_offers(text) == []


def test_an_unrecognised_header_block_left_in_the_copy_is_a_doubt_with_its_reason():
    body = "Hi.\n\nSahibi: bilinmiyor\nTarih: salı\nKonu: merhaba\n\nold words"
    copy = anonymise(parse(_message(body)), Parties(SENDER, READER, ALLOWED))
    assert copy.doubts and "header-like" in copy.doubts[0]


def test_a_lost_boundary_is_a_doubt():
    raw = _message("--other\nContent-Type: text/plain\n\nhello\n--other--\n",
                   'MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="declared"\n')
    copy = anonymise(parse(raw), Parties(SENDER, READER, ALLOWED))
    assert any("structure" in doubt for doubt in copy.doubts)
