import pytest
from hypothesis import given
from hypothesis import strategies as st

from shequ.core.accounts.errors import InvalidInput
from shequ.core.accounts.identity import (
    normalize,
    normalize_email,
    normalize_phone,
    parse_identifier,
)


@pytest.mark.parametrize(
    "raw",
    ["13812345678", "+8613812345678", "+86 138 1234 5678", "138-1234-5678", "008613812345678"],
)
def test_mobile_numbers_normalise_to_plus86(raw):
    assert normalize_phone(raw) == "+8613812345678"


@pytest.mark.parametrize(
    "raw",
    ["", "1381234567", "138123456789", "23812345678", "12812345678", "+1 13812345678", "abc"],
)
def test_bad_mobile_numbers_are_refused_with_the_field(raw):
    with pytest.raises(InvalidInput) as err:
        normalize_phone(raw, "phone")
    assert err.value.field == "phone"


def test_email_is_lower_cased_and_stripped():
    assert normalize_email("  Li.Ming@Example.COM ") == "li.ming@example.com"


@pytest.mark.parametrize(
    "raw", ["", "li", "li@", "@example.com", "li@example", "li ming@example.com", "a@b@c.com"]
)
def test_bad_emails_are_refused(raw):
    with pytest.raises(InvalidInput):
        normalize_email(raw)


def test_email_longer_than_the_column_is_refused():
    with pytest.raises(InvalidInput):
        normalize_email("a" * 60 + "@" + "b" * 130 + ".com")


def test_unknown_kind_is_refused_on_the_kind_field():
    with pytest.raises(InvalidInput) as err:
        normalize("wechat_openid", "o123")
    assert err.value.field == "kind"


def test_identifier_kind_is_guessed():
    assert parse_identifier("LI@example.com") == ("email", "li@example.com")
    assert parse_identifier("138 1234 5678") == ("phone", "+8613812345678")


mobiles = st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True)


@given(
    mobiles,
    st.sampled_from(["", "+86", "86", "0086", "+86 "]),
    st.sampled_from(["", " ", "-"]),
)
def test_any_spelling_of_a_mobile_normalises_to_one_value(number, prefix, sep):
    spelled = prefix + sep.join([number[:3], number[3:7], number[7:]])
    normalised = normalize_phone(spelled)
    assert normalised == "+86" + number
    assert normalize_phone(normalised) == normalised  # idempotent
