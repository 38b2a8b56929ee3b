"""Personal data: masks for display, encryption at rest, keyed lookup hashes, mobile numbers."""

from __future__ import annotations

import datetime as dt

import pytest
from cryptography.fernet import InvalidToken
from hypothesis import given
from hypothesis import strategies as st

from gonghui.members import idcard, privacy

ID = "110101199003071234"


def test_mask_id_keeps_the_first_four_and_last_four_characters():
    assert privacy.mask_id(ID) == "1101**********1234"


def test_mask_id_keeps_an_x_check_character_visible():
    assert privacy.mask_id("11010119900307123X") == "1101**********123X"


@given(
    birth=st.dates(min_value=dt.date(1920, 1, 1), max_value=dt.date(2010, 12, 31)),
    sequence=st.integers(0, 999),
)
def test_a_masked_id_never_shows_the_birth_date_or_sequence(birth, sequence):
    number = idcard.make("430121", birth, sequence)

    masked = privacy.mask_id(number)

    assert len(masked) == 18
    assert masked[4:14] == "*" * 10
    assert f"{birth:%Y%m%d}" not in masked


def test_mask_id_of_nothing_is_empty_and_of_a_short_value_is_all_stars():
    assert privacy.mask_id("") == ""
    assert privacy.mask_id("1234567") == "*******"


def test_mask_mobile_keeps_the_first_three_and_last_four_digits():
    assert privacy.mask_mobile("13812345678") == "138****5678"


def test_mask_mobile_of_nothing_is_empty_and_of_a_short_value_is_all_stars():
    assert privacy.mask_mobile("") == ""
    assert privacy.mask_mobile("12345") == "*****"


def test_encrypt_then_decrypt_gives_the_number_back():
    token = privacy.encrypt(ID)

    assert ID not in token
    assert privacy.decrypt(token) == ID


def test_encrypting_the_same_number_twice_gives_different_tokens():
    assert privacy.encrypt(ID) != privacy.encrypt(ID)


def test_a_token_cannot_be_decrypted_with_another_field_key(settings):
    settings.GONGHUI_FIELD_KEY = "key-one"
    token = privacy.encrypt(ID)
    settings.GONGHUI_FIELD_KEY = "key-two"

    with pytest.raises(InvalidToken):
        privacy.decrypt(token)


def test_lookup_hash_is_stable_and_tells_numbers_apart():
    other = "110101199003071242"

    assert privacy.lookup_hash(ID) == privacy.lookup_hash(ID)
    assert privacy.lookup_hash(ID) != privacy.lookup_hash(other)
    assert ID not in privacy.lookup_hash(ID)


def test_lookup_hash_is_keyed_by_the_field_key(settings):
    settings.GONGHUI_FIELD_KEY = "key-one"
    first = privacy.lookup_hash(ID)
    settings.GONGHUI_FIELD_KEY = "key-two"
    second = privacy.lookup_hash(ID)
    settings.GONGHUI_FIELD_KEY = "key-one"

    assert first != second
    assert privacy.lookup_hash(ID) == first


@pytest.mark.parametrize(
    "raw",
    [
        "13812345678",
        "+8613812345678",
        "+86 138 1234 5678",
        "8613812345678",
        "138-1234-5678",
        " 138 1234 5678 ",
        "+86-138-1234-5678",
    ],
)
def test_mobile_numbers_are_normalised_to_11_digits(raw):
    assert privacy.normalise_mobile(raw) == "13812345678"
    assert privacy.is_mobile(privacy.normalise_mobile(raw))


def test_normalising_nothing_gives_an_empty_string():
    assert privacy.normalise_mobile(None) == ""
    assert privacy.normalise_mobile("") == ""


@pytest.mark.parametrize(
    "value", ["12812345678", "1381234567", "138123456789", "010-12345678", "23812345678", ""]
)
def test_only_mainland_mobile_numbers_are_mobiles(value):
    assert not privacy.is_mobile(privacy.normalise_mobile(value))
