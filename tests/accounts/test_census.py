"""PESEL checksums and the keyed hash that replaces every number on the census."""

from datetime import date

import pytest

from app.accounts.census import is_valid_pesel, pesel_birth_date, pesel_hash


@pytest.mark.parametrize("pesel", ["44051401359", "02070803628", "90090515836", " 4405140 1359 "])
def test_real_pesels_are_valid(pesel):
    assert is_valid_pesel(pesel)


@pytest.mark.parametrize("pesel", [
    "44051401358",  # wrong check digit
    "4405140135",  # too short
    "440514013590",  # too long
    "4405140135a",
    "44053201357",  # no 32nd day (checksum right, date wrong)
    "",
    "٤٤٠٥١٤٠١٣٥٩",  # Arabic-Indic digits are digits to Python, not to PESEL
])
def test_bad_pesels_are_refused(pesel):
    assert not is_valid_pesel(pesel)


def test_the_month_carries_the_century():
    assert pesel_birth_date("02270803628") == date(2002, 7, 8)
    assert pesel_birth_date("02070803628") == date(1902, 7, 8)
    assert pesel_birth_date("02870803628") == date(1802, 7, 8)


def test_the_hash_is_keyed_and_ignores_spaces(app):
    with app.app_context():
        plain = pesel_hash("44051401359")
        assert plain == pesel_hash(" 44051 401359")
        assert "44051401359" not in plain and len(plain) == 64
        assert pesel_hash("44051401359", key="another key") != plain
