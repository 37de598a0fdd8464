"""The learned reader reads one message the same however it was typed, in any offered language and script.

Each test writes the same words two ways a person would type them and checks that the
reader's features cannot tell the two apart (or, for a folded reading added beside the
plain one, that both share it). Pure: no app, no model weights.
"""
import time
import zlib

import pytest

from matcher.safeguarding.learned.features import BUCKETS, buckets, scored_windows
from matcher.safeguarding.learned.normalise import bare_word, folded_word, plain_words


def _same(first: str, second: str) -> bool:
    return buckets(first, "requester") == buckets(second, "requester")


def test_gurmukhi_words_keep_their_vowel_signs():
    # Python's \w leaves out combining marks: the reader used to cut "ਸ਼ਾਮ" into "ਸ" and "ਮ".
    assert plain_words("ਸ਼ਾਮ ਨੂੰ ਟਿਊਬਵੈੱਲ ਵਾਲੇ ਖੂਹ") == ["ਸ਼ਾਮ", "ਨੂੰ", "ਟਿਊਬਵੈੱਲ", "ਵਾਲੇ", "ਖੂਹ"]


def test_a_short_gurmukhi_message_counts_its_words_not_its_letters():
    five_words = "ਮੈਂ ਹੁਣ ਜੀਣਾ ਨਹੀਂ ਚਾਹੁੰਦੀ"
    assert scored_windows(five_words) == []  # under six words: left to the rules, as in English
    assert scored_windows(five_words + " ਬਿਲਕੁਲ") != []


@pytest.mark.parametrize(("first", "second"), [
    ("أريد أن أموت", "اريد ان اموت"),                  # alef with hamza / bare alef
    # ta marbuta and ha, alef maqsura and ya
    ("لا أستطيع النوم منذ ثلاثة أيام يا حبيبتي", "لا استطيع النوم منذ ثلاثه ايام يا حبيبتى"),
    ("میں بہت تھک گئی ہوں", "ميں بہت تھك گئي ہوں"),      # Persian/Urdu yeh and keheh / Arabic ya and kaf
    ("نہیں سو سکی تین دن سے", "نهیں سو سکی تین دن سے"),   # heh goal / heh
    ("مـــوت", "موت"),                                 # tatweel
    ("لم أنم منذ ٣ أيام", "لم أنم منذ 3 أيام"),           # Arabic-Indic digits
    ("۴ روز است نخوابیده‌ام", "4 روز است نخوابیدهام"),     # Persian digits, zero-width non-joiner
])
def test_arabic_script_variants_read_the_same(first, second):
    assert _same(first, second)


@pytest.mark.parametrize(("first", "second"), [
    ("I'm sooooo tired!!!!!!", "im sooo tired!!"),
    ("\uff29\uff2d \uff24\uff2f\uff2e\uff25", "im done"),  # full-width letters (NFKC)
    ("I\u2019M DONE", "im done"),
])
def test_elongation_width_case_and_punctuation_runs_read_the_same(first, second):
    assert _same(first, second)


@pytest.mark.parametrize(("accented", "typed"), [
    ("Je suis épuisée, je veux mourir", "je suis epuisee je veux mourir"),
    ("Chcę umrzeć, już nie mogę", "chce umrzec juz nie moge"),
    ("Dw i ddim eisiau byw, mae'n ŵyr i", "dw i ddim eisiau byw maen wyr i"),
])
def test_text_typed_without_accents_has_every_feature_of_the_accented_text(accented, typed):
    assert buckets(typed, "requester") <= buckets(accented, "requester")


@pytest.mark.parametrize(("mutated", "radical"), [
    ("mabi", "babi"), ("fabi", "babi"), ("phlentyn", "plentyn"), ("mhlentyn", "plentyn"), ("nhad", "tad"),
    ("nghariad", "cariad"), ("chariad", "cariad"), ("lyfr", "llyfr"), ("henw", "enw"),
])
def test_welsh_mutations_share_a_folded_reading(mutated, radical):
    assert folded_word(mutated) == folded_word(radical)
    folded_unigram = zlib.crc32(("\x04" + folded_word(radical)).encode()) % BUCKETS
    assert folded_unigram in buckets(f"fy {mutated}", "requester") & buckets(radical, "requester")


def test_inflected_polish_shares_beginnings():
    chciałam, chcę = buckets("chciałam umrzeć dzisiaj", "requester"), buckets("chcę umrzeć dzisiaj", "requester")
    neither = buckets("poszłam do sklepu dzisiaj", "requester")
    assert len(chciałam & chcę) > len(chciałam & neither)


def test_gurmukhi_and_shahmukhi_are_left_as_written():
    assert bare_word("ਜੀਣਾ") == "ਜੀਣਾ" and bare_word("ਨਹੀਂ") == "ਨਹੀਂ"
    assert plain_words("میں جینا نہیں چاہندی") == ["ميں", "جينا", "نهيں", "چاهندي"]


@pytest.mark.parametrize("unit", ["ـ", "o", "!", "é", "\u200c", "ਾ", "٣"])
def test_normalising_runs_of_one_character_takes_linear_time(unit):
    def seconds(size: int) -> float:
        started = time.perf_counter()
        buckets(unit * size, "requester")
        return time.perf_counter() - started

    seconds(1000)
    small, large = min(seconds(5_000) for _ in range(3)), min(seconds(20_000) for _ in range(3))
    assert large < 8 * small + 0.05
