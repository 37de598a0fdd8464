"""Quoted history and signatures are cut from replies before they are relayed."""
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher.mailrelay.anonymising.quotes import strip_quoted_history, strip_signature

REPLY = "Thank you, that really helped.\nI slept better last night."


def test_gmail_attribution_and_quote_below_are_removed():
    attribution = "On Mon, 4 Mar 2024 at 10:15, Jane Doe <jane.doe@example.com> wrote:"
    text = f"{REPLY}\n\n{attribution}\n> How are you?\n>\n> J"
    trimmed = strip_quoted_history(text)
    assert trimmed.text == REPLY
    assert trimmed.removed == ("quoted earlier message",)


def test_gmail_attribution_wrapped_over_two_lines_is_removed():
    text = f"{REPLY}\n\nOn Mon, 4 Mar 2024 at 10:15, Jane Doe <\njane.doe@example.com> wrote:\n\nHow are you?"
    assert strip_quoted_history(text).text == REPLY


def test_outlook_header_block_and_everything_below_is_removed():
    text = (
        f"{REPLY}\n\n________________________________\nFrom: Jane Doe <jane.doe@example.com>\n"
        "Sent: Monday, March 4, 2024 10:15 AM\nTo: support+abc@relay.example\nSubject: Re: hello\n\n"
        "How are you?\n07700 900123"
    )
    trimmed = strip_quoted_history(text)
    assert trimmed.text == REPLY
    assert "quoted earlier message" in trimmed.removed


def test_outlook_header_block_without_separator_is_removed():
    text = f"{REPLY}\n\n*From:* Jane Doe <jane.doe@example.com>\n*Sent:* 4 March 2024 10:15\n*To:* Support\n\nOld"
    assert strip_quoted_history(text).text == REPLY


def test_original_message_separator_cuts_the_rest():
    text = f"{REPLY}\n\n-----Original Message-----\nFrom: Jane Doe\nOld text"
    assert strip_quoted_history(text).text == REPLY


def test_apple_mail_attribution_is_removed():
    text = f"{REPLY}\n\nOn 4 Mar 2024, at 10:15, Jane Doe <jane.doe@example.com> wrote:\n\nOld text"
    assert strip_quoted_history(text).text == REPLY


@pytest.mark.parametrize(
    "marker",
    ["Begin forwarded message:", "---------- Forwarded message ---------",
     "---------- Weitergeleitete Nachricht ---------", "Début du message réexpédié :"],
)
def test_forwarded_message_is_removed_and_named(marker):
    trimmed = strip_quoted_history(f"{REPLY}\n\n{marker}\nFrom: Jane Doe <jane.doe@example.com>\nOld")
    assert trimmed.text == REPLY
    assert trimmed.removed == ("forwarded message",)


@pytest.mark.parametrize(
    "attribution",
    [
        "Am 04.03.2024 um 10:15 schrieb Jane Doe <jane.doe@example.com>:",
        "Le lun. 4 mars 2024 à 10:15, Jane Doe <jane.doe@example.com> a écrit :",
        "El lun, 4 mar 2024 a las 10:15, Jane Doe (<jane.doe@example.com>) escribió:",
        "Op ma 4 mrt. 2024 om 10:15 schreef Jane Doe <jane.doe@example.com>:",
        "Il giorno lun 4 mar 2024 alle ore 10:15 Jane Doe <jane.doe@example.com> ha scritto:",
        "Em seg., 4 de mar. de 2024 às 10:15, Jane Doe <jane.doe@example.com> escreveu:",
        "W dniu 4.03.2024 o 10:15, Jane Doe pisze:",
        "pon., 4 mar 2024 o 10:15 Jane Doe <jane.doe@example.com> napisał(a):",
        "Den 4 mars 2024 kl. 10:15 skrev Jane Doe <jane.doe@example.com>:",
    ],
)
def test_attribution_in_other_languages_is_removed(attribution):
    assert strip_quoted_history(f"{REPLY}\n\n{attribution}\n\nAlter Text").text == REPLY


@pytest.mark.parametrize(
    "header",
    [
        "Von: Jane Doe <jane.doe@example.com>\nGesendet: Montag, 4. März 2024 10:15\nAn: Hilfe\nBetreff: Hallo",
        "De : Jane Doe <jane.doe@example.com>\nEnvoyé : lundi 4 mars 2024 10:15\nÀ : Aide\nObjet : Bonjour",
        "De: Jane Doe <jane.doe@example.com>\nEnviado: lunes, 4 de marzo de 2024 10:15\nPara: Ayuda\nAsunto: Hola",
        "Van: Jane Doe <jane.doe@example.com>\nVerzonden: maandag 4 maart 2024 10:15\nAan: Hulp\nOnderwerp: Hoi",
        "Da: Jane Doe <jane.doe@example.com>\nInviato: lunedì 4 marzo 2024 10:15\nA: Aiuto\nOggetto: Ciao",
        "De: Jane Doe <jane.doe@example.com>\nEnviado: segunda, 4 de março de 2024 10:15\nPara: Ajuda\nAssunto: Olá",
        "Od: Jane Doe <jane.doe@example.com>\nWysłano: poniedziałek, 4 marca 2024 10:15\nDo: Pomoc\nTemat: Cześć",
        "Från: Jane Doe <jane.doe@example.com>\nSkickat: den 4 mars 2024 10:15\nTill: Hjälp\nÄmne: Hej",
    ],
)
def test_outlook_header_block_in_other_languages_is_removed(header):
    assert strip_quoted_history(f"{REPLY}\n\n{header}\n\nOld text").text == REPLY


def test_inline_answers_between_quotes_are_kept():
    text = (
        "On Mon, 4 Mar 2024, Jane <jane.doe@example.com> wrote:\n"
        "> How was the appointment?\nIt went well.\n> And the baby?\nFeeding much better."
    )
    assert strip_quoted_history(text).text == "It went well.\nFeeding much better."


def test_bottom_posted_reply_is_kept():
    text = "On 4 Mar 2024, at 10:15, Jane Doe wrote:\n> How are you?\n\nMuch better, thank you."
    assert strip_quoted_history(text).text == "Much better, thank you."


def test_diary_sentence_that_ends_in_wrote_is_not_taken_for_an_attribution():
    text = "On day 3 in hospital I wrote:\nI want to go home.\nAnd now I am home."
    trimmed = strip_quoted_history(text)
    assert trimmed.text == text
    assert trimmed.removed == ()


def test_message_without_history_is_unchanged():
    assert strip_quoted_history(REPLY) == strip_quoted_history(REPLY + "\n\n")
    assert strip_quoted_history(REPLY).removed == ()


def test_windows_line_endings_are_understood():
    text = REPLY.replace("\n", "\r\n") + "\r\n\r\n-----Original Message-----\r\nOld"
    assert strip_quoted_history(text).text == REPLY


def test_signature_block_with_job_title_and_phone_is_removed():
    text = "See you next week.\n\nBest wishes,\nJane Doe\nSenior Analyst | Example Ltd\nM: 07700 900123"
    trimmed = strip_signature(text, ["Jane Doe"])
    assert trimmed.text == "See you next week.\n\nBest wishes,"
    assert trimmed.removed == ("signature",)


def test_one_word_sign_off_stays_above_a_removed_phone_line():
    text = "See you next week.\n\nThanks,\nJane\nMobile: 07700 900123"
    assert strip_signature(text).text == "See you next week.\n\nThanks,\nJane"


def test_signature_without_a_closing_word_is_removed_when_it_holds_contact_details():
    text = "See you next week.\n\nJane Doe\nExample Widgets Ltd\n12 Acacia Avenue, Exampletown SW1A 1AA"
    assert strip_signature(text).text == "See you next week."


def test_history_then_signature_leave_only_the_reply():
    text = (f"{REPLY}\n\nKind regards,\nJane Doe\nT: 07700 900123\n\n"
            "On Mon, 4 Mar 2024 at 10:15, Mary Roe <mary.roe@example.org> wrote:\n> hello")
    trimmed = strip_signature(strip_quoted_history(text).text)
    assert trimmed.text == f"{REPLY}\n\nKind regards,"


def test_everything_after_signature_dashes_is_removed():
    text = "See you next week.\n-- \nJane Doe\nwww.example.com"
    assert strip_signature(text).text == "See you next week."


@pytest.mark.parametrize(
    "line",
    ["Sent from my iPhone", "Sent from my Galaxy", "Sent from Outlook for Android", "Get Outlook for iOS",
     "Von meinem iPhone gesendet", "Envoyé de mon iPhone"],
)
def test_sent_from_my_phone_line_is_removed(line):
    trimmed = strip_signature(f"See you next week.\n\n{line}")
    assert trimmed.text == "See you next week."
    assert trimmed.removed == ("'sent from my phone' line",)


def test_corporate_disclaimer_is_removed():
    text = "See you.\n\nThis email and any attachments are confidential and intended for the addressee."
    assert strip_signature(text).text == "See you."


@pytest.mark.parametrize(
    "ending",
    [
        "Love, Jane",
        "Take care of yourself.\nJane x",
        "I am doing well thanks to the NHS.\nSee you soon",
        "My new number is 07700 900123 if you ever need it.",
        "Sent with love from all of us",
        "We went to the park on Saturday.\nIt was lovely.",
    ],
)
def test_ordinary_last_paragraph_is_kept(ending):
    text = f"Hello,\n\n{ending}"
    assert strip_signature(text, ["Jane Doe"]) == strip_signature(text)
    assert strip_signature(text).text == text


_WORDS = st.sampled_from(
    ["today", "was", "hard", "but", "the", "baby", "slept", "and", "I", "walked", "to", "park", "felt", "calm"]
)
_SENTENCES = st.lists(_WORDS, min_size=1, max_size=12).map(lambda words: " ".join(words).capitalize() + ".")
_HISTORY = st.sampled_from(
    [
        "On Tue, 5 Mar 2024 at 09:00, Mary Roe <mary.roe@example.org> wrote:\n> hello\n> 07700 900456",
        "From: Mary Roe <mary.roe@example.org>\nSent: 5 March 2024 09:00\nTo: Support\nSubject: hi\n\nhello",
        "-----Original Message-----\nhello from Mary Roe",
        "Am 05.03.2024 um 09:00 schrieb Mary Roe <mary.roe@example.org>:\n\nhallo",
    ]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_SENTENCES, min_size=1, max_size=6), _HISTORY)
def test_reply_above_any_history_survives_and_history_goes(sentences, history):
    reply = "\n".join(sentences)
    trimmed = strip_quoted_history(f"{reply}\n\n{history}")
    assert trimmed.text == reply
    assert "Mary" not in trimmed.text
    assert strip_quoted_history(trimmed.text) == (type(trimmed))(trimmed.text, ())


@settings(max_examples=200, deadline=None)
@given(
    st.lists(_SENTENCES, min_size=1, max_size=6),
    st.sampled_from(["", "Love, Anwen", "Thanks,\nAnwen", "Anwen x", "Take care", "Best,\nAnwen Brackwater"]),
)
def test_ordinary_paragraphs_and_a_short_sign_off_are_never_cut(sentences, sign_off):
    text = "\n".join(sentences) + (f"\n\n{sign_off}" if sign_off else "")
    assert strip_signature(text, ["Anwen Brackwater"]) == strip_signature(text)
    assert strip_signature(text).text == text
