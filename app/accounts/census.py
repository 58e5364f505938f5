"""PESEL numbers: the checksum, and the keyed hash that is all the census ever stores.

A PESEL has eleven digits: the birth date (the month carries the century), a serial number,
and a check digit. The number itself is never written to the database or to a log; only
HMAC-SHA-256 under the configured PESEL_HMAC_KEY, so a copy of the database without the key
cannot be turned back into numbers by trying all of them.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import date

from flask import current_app

_WEIGHTS = (1, 3, 7, 9, 1, 3, 7, 9, 1, 3)
# Month offsets that encode the century of birth.
_CENTURIES = {80: 1800, 0: 1900, 20: 2000, 40: 2100, 60: 2200}


def normalise_pesel(text: str) -> str:
    """The digits as typed, without surrounding or inner spaces."""
    return "".join(str(text).split())


def pesel_birth_date(pesel: str) -> date | None:
    """The birth date a PESEL encodes, or None when it is not a real date."""
    year, month, day = int(pesel[0:2]), int(pesel[2:4]), int(pesel[4:6])
    for offset, century in _CENTURIES.items():
        if offset < month <= offset + 12:
            try:
                return date(century + year, month - offset, day)
            except ValueError:
                return None
    return None


def check_digit(first_ten: str) -> int:
    """The eleventh digit of a PESEL that starts with these ten."""
    total = sum(int(digit) * weight for digit, weight in zip(first_ten, _WEIGHTS, strict=True))
    return (10 - total % 10) % 10


def build_pesel(born: date, serial: int) -> str:
    """A well-formed PESEL for this birth date and four-digit serial (whose last digit is odd
    for men, even for women). For synthetic test and demo data: it need not belong to anyone."""
    if not 0 <= serial <= 9999:
        raise ValueError("the serial has four digits")
    offset = next(offset for offset, century in _CENTURIES.items()
                  if century <= born.year < century + 100)
    first_ten = f"{born.year % 100:02d}{born.month + offset:02d}{born.day:02d}{serial:04d}"
    return first_ten + str(check_digit(first_ten))


def is_valid_pesel(text: str) -> bool:
    """Eleven digits, a real birth date and the right check digit."""
    pesel = normalise_pesel(text)
    if len(pesel) != 11 or not pesel.isascii() or not pesel.isdigit():
        return False
    if check_digit(pesel[:10]) != int(pesel[10]):
        return False
    return pesel_birth_date(pesel) is not None


def pesel_hash(text: str, key: str | bytes | None = None) -> str:
    """HMAC-SHA-256 of the normalised PESEL, hex; the key defaults to PESEL_HMAC_KEY."""
    if key is None:
        key = current_app.config["PESEL_HMAC_KEY"]
    if isinstance(key, str):
        key = key.encode()
    return hmac.new(key, normalise_pesel(text).encode(), hashlib.sha256).hexdigest()
