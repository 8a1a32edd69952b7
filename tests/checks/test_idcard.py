from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backend.checks.errors import CheckFailed
from backend.checks.idcard import IdCard, check_id_card, make_id_card, mask_id_card
from backend.checks.regions import PROVINCE_PREFIXES

TODAY = date(2025, 6, 15)
CHECK_CHARS = "0123456789X"


def code_of(value: str, **kwargs: object) -> str:
    with pytest.raises(CheckFailed) as info:
        check_id_card(value, today=TODAY, **kwargs)  # type: ignore[arg-type]
    return info.value.code


def test_valid_number_is_parsed() -> None:
    number = make_id_card("15060219850317123")
    card = check_id_card(number, today=TODAY)
    assert card == IdCard(number=number, region_code="150602", birth_date=date(1985, 3, 17), sex="M")


def test_sex_follows_seventeenth_digit() -> None:
    assert check_id_card(make_id_card("15060219850317121"), today=TODAY).sex == "M"
    assert check_id_card(make_id_card("15060219850317122"), today=TODAY).sex == "F"


def test_known_check_char_values() -> None:
    # Worked example from GB 11643-1999 explanations: 11010519491231002 -> X.
    assert make_id_card("11010519491231002") == "11010519491231002X"
    assert make_id_card("44052418800101001") == "440524188001010014"


def test_lowercase_x_and_spaces_are_normalised() -> None:
    number = "11010519491231002X"
    card = check_id_card(" 110105 19491231 002x ", today=TODAY)
    assert card.number == number


def test_wrong_check_digit() -> None:
    number = make_id_card("15060219850317123")
    wrong = "0" if number[-1] != "0" else "1"
    assert code_of(number[:-1] + wrong) == "id_card_check_digit"


@pytest.mark.parametrize(
    "value",
    [
        "",
        "1506021985031712",
        "1506021985031712345",
        "15060219850317123Y",
        "X50602198503171234",
        "１５0602198503171234",
    ],
)
def test_format(value: str) -> None:
    assert code_of(value) == "id_card_format"


@pytest.mark.parametrize("prefix", ["00", "16", "24", "38", "47", "55", "66", "70", "72", "80", "83", "99"])
def test_region(prefix: str) -> None:
    assert code_of(make_id_card(prefix + "060219850317123")) == "id_card_region"


@pytest.mark.parametrize("prefix", ["71", "81", "82", "11", "65"])
def test_edge_regions_accepted(prefix: str) -> None:
    assert check_id_card(make_id_card(prefix + "060219850317123"), today=TODAY).region_code.startswith(prefix)


@pytest.mark.parametrize("birth", ["19850230", "19851301", "19850001", "19850100", "19010229"])
def test_impossible_birth_date(birth: str) -> None:
    assert code_of(make_id_card("150602" + birth + "123")) == "id_card_birth_date"


def test_leap_day_birth_is_fine() -> None:
    assert check_id_card(make_id_card("15060219880229123"), today=TODAY).birth_date == date(1988, 2, 29)


def test_future_birth_date() -> None:
    tomorrow = (TODAY + timedelta(days=1)).strftime("%Y%m%d")
    assert code_of(make_id_card("150602" + tomorrow + "123")) == "id_card_birth_date"


def test_birth_before_1900() -> None:
    assert code_of(make_id_card("15060218991231123"), min_age_years=0) == "id_card_birth_date"


def test_under_18() -> None:
    # Turns 18 tomorrow.
    assert code_of(make_id_card("15060220070616123")) == "id_card_age"
    assert check_id_card(make_id_card("15060220070615123"), today=TODAY).birth_date == date(2007, 6, 15)


def test_min_age_is_configurable() -> None:
    number = make_id_card("15060220100101123")
    assert check_id_card(number, today=TODAY, min_age_years=0).birth_date.year == 2010
    assert code_of(number) == "id_card_age"


def test_over_100() -> None:
    # Born 1924-06-15: 101 today. Born a day later: still 100, which is allowed.
    assert code_of(make_id_card("15060219240615123")) == "id_card_age"
    assert check_id_card(make_id_card("15060219240616123"), today=TODAY).birth_date.year == 1924


def test_default_today_is_real_today() -> None:
    assert check_id_card(make_id_card("15060219850317123")).birth_date == date(1985, 3, 17)


def test_make_id_card_rejects_bad_prefix() -> None:
    with pytest.raises(CheckFailed) as info:
        make_id_card("1506021985031712X")
    assert info.value.code == "id_card_format"


def test_mask() -> None:
    assert mask_id_card("15010219900101123X") == "150102********123X"
    assert mask_id_card("15010219900101123x") == "150102********123X"
    assert mask_id_card("12345") == "*****"


def test_messages_are_bilingual_and_fieldless() -> None:
    with pytest.raises(CheckFailed) as info:
        check_id_card("123", today=TODAY)
    error = info.value
    assert "身份证" in error.message_zh and "ID card" in error.message_en
    assert isinstance(error, ValueError)


@st.composite
def id_prefixes(draw: st.DrawFn) -> str:
    region = draw(st.sampled_from(sorted(PROVINCE_PREFIXES))) + draw(
        st.from_regex(r"[0-9]{4}", fullmatch=True)
    )
    birth = draw(st.dates(min_value=date(1925, 6, 16), max_value=date(2007, 6, 15)))
    sequence = draw(st.from_regex(r"[0-9]{3}", fullmatch=True))
    return region + birth.strftime("%Y%m%d") + sequence


@given(id_prefixes())
def test_generated_numbers_always_pass(prefix: str) -> None:
    number = make_id_card(prefix)
    card = check_id_card(number, today=TODAY)
    assert card.number == number
    assert card.region_code == prefix[:6]


@given(id_prefixes(), st.sampled_from(CHECK_CHARS))
def test_any_other_check_char_fails(prefix: str, replacement: str) -> None:
    number = make_id_card(prefix)
    if replacement == number[-1]:
        return
    assert code_of(prefix + replacement) == "id_card_check_digit"


@given(id_prefixes(), st.integers(0, 16), st.integers(1, 9))
def test_any_single_digit_typo_is_caught(prefix: str, position: int, delta: int) -> None:
    number = make_id_card(prefix)
    digit = (int(number[position]) + delta) % 10
    typo = number[:position] + str(digit) + number[position + 1 :]
    with pytest.raises(CheckFailed):
        check_id_card(typo, today=TODAY)
