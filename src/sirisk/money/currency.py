"""The currency a deal's amounts are in: its code, and how summaries and figures name a million of it.

Amounts carry no currency in their names (``payment``, ``cap``, ...): a deal
states its ``currency`` once, as an ISO 4217 code, and every output's
``units`` attribute, the summary table and the figures use it.

Examples
--------
>>> currency_code("deal 'x'", "GBP")
'GBP'
>>> millions_label("DKK"), millions_label("GBP")
('mio. kr.', 'm GBP')
>>> currency_code("deal 'x'", "kr")
Traceback (most recent call last):
...
sirisk.errors.SpecError: deal 'x': currency is 'kr'; must be a three-letter ISO 4217 code in capitals, such as 'DKK', 'EUR', 'GBP'
"""

from __future__ import annotations

import re

from .. import _checks

__all__ = ["DEFAULT_CURRENCY", "currency_code", "millions_label"]

DEFAULT_CURRENCY = "DKK"
_CODE = re.compile(r"^[A-Z]{3}$")

# How the people who read these figures write a million of their currency.
_MILLIONS = {"DKK": "mio. kr.", "NOK": "mio. kr.", "SEK": "mkr"}


def currency_code(where: str, value) -> str:
    """Check an ISO 4217 code: three capital letters (the list of codes itself is not checked)."""
    if not isinstance(value, str) or not _CODE.match(value):
        raise _checks.fail(where, "currency", value,
                           "must be a three-letter ISO 4217 code in capitals, such as 'DKK', 'EUR', 'GBP'")
    return value


def millions_label(currency: str) -> str:
    """The unit label of amounts shown in millions of ``currency``."""
    return _MILLIONS.get(currency, f"m {currency}")
