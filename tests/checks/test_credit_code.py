from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backend.checks.credit_code import ALPHABET, check_credit_code, make_credit_code
from backend.checks.errors import CheckFailed

# Codes printed on the business licences of large companies; they were not produced by our own
# make_credit_code, so they check the algorithm independently (including letter check chars).
PUBLISHED = ["914403001922038216", "9144030071526726XG", "91330100716105852F", "91110000802100433B"]


def code_of(value: str) -> str:
    with pytest.raises(CheckFailed) as info:
        check_credit_code(value)
    return info.value.code


@pytest.mark.parametrize("value", PUBLISHED)
def test_published_codes_pass(value: str) -> None:
    assert check_credit_code(value) == value
    assert make_credit_code(value[:17]) == value


def test_generated_code_passes_and_is_normalised() -> None:
    code = make_credit_code("91150600MA0N000" + "00")
    assert len(code) == 18
    assert check_credit_code(" " + code.lower() + " ") == code


def test_wrong_check_char() -> None:
    code = PUBLISHED[0]
    assert code_of(code[:-1] + "7") == "credit_code_check_char"


@pytest.mark.parametrize("letter", ["I", "O", "Z", "S", "V"])
def test_forbidden_letters(letter: str) -> None:
    code = make_credit_code("91150600MA0N00000")
    assert code_of(code[:10] + letter + code[11:]) == "credit_code_charset"


@pytest.mark.parametrize("value", ["", "91150600MA0N0000", "91150600MA0N000000X"])
def test_length(value: str) -> None:
    assert code_of(value) == "credit_code_format"


def test_region_must_be_digits() -> None:
    # The region is checked before the check char, so any last character shows the region error.
    assert code_of("9115060AMA0N000000") == "credit_code_region"


@pytest.mark.parametrize("authority", ["0", "B", "X"])
def test_registration_authority(authority: str) -> None:
    assert code_of(authority + "1150600MA0N000000") == "credit_code_format"


def test_make_rejects_bad_prefix() -> None:
    with pytest.raises(CheckFailed) as info:
        make_credit_code("91150600MA0N0000")
    assert info.value.code == "credit_code_format"
    with pytest.raises(CheckFailed) as info:
        make_credit_code("91150600MA0N0000I")
    assert info.value.code == "credit_code_charset"


prefixes = st.builds(
    lambda a, b, region, body: a + b + region + body,
    st.sampled_from("123456789ANY"),
    st.sampled_from(ALPHABET),
    st.from_regex(r"[0-9]{6}", fullmatch=True),
    st.text(alphabet=ALPHABET, min_size=9, max_size=9),
)


@given(prefixes)
def test_generated_codes_always_pass(prefix: str) -> None:
    code = make_credit_code(prefix)
    assert check_credit_code(code) == code


@given(prefixes, st.sampled_from(ALPHABET))
def test_any_other_check_char_fails(prefix: str, replacement: str) -> None:
    code = make_credit_code(prefix)
    if replacement != code[-1]:
        assert code_of(prefix + replacement) == "credit_code_check_char"


@given(prefixes, st.integers(0, 16), st.integers(1, 30))
def test_any_single_substitution_is_caught(prefix: str, position: int, shift: int) -> None:
    code = make_credit_code(prefix)
    replaced = ALPHABET[(ALPHABET.index(code[position]) + shift) % 31]
    with pytest.raises(CheckFailed):
        check_credit_code(code[:position] + replaced + code[position + 1 :])
