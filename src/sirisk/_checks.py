"""Small validators shared by the spec classes.

Each raises :class:`~sirisk.errors.SpecError` with a message of the form
``"<where>: <field> is <value>; <rule>"``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from numbers import Integral, Real

from .errors import SpecError

_NAME = re.compile(r"^[^\W\d]\w*$")  # a letter (any alphabet: Holbæk, Køge) or '_', then letters, digits, '_'


def fail(where: str, field: str, value, rule: str) -> SpecError:
    """Build the error for ``field`` = ``value`` at ``where`` breaking ``rule``."""
    prefix = f"{where}: " if where else ""
    return SpecError(f"{prefix}{field} is {value!r}; {rule}")


def name(where: str, field: str, value) -> str:
    """An identifier-like name (used as an xarray coordinate and in parameter paths); letters of any alphabet.

    Examples
    --------
    >>> name("programme", "name", "holbæk")
    'holbæk'
    >>> name("programme", "name", "holbæk kommune")
    Traceback (most recent call last):
    ...
    sirisk.errors.SpecError: programme: name is 'holbæk kommune'; a name must start with a letter or '_' and contain only letters (of any alphabet), digits and '_' (no spaces, '-' or '/')
    """
    if not isinstance(value, str) or not _NAME.match(value):
        raise fail(where, field, value, "a name must start with a letter or '_' and contain only letters (of any "
                                        "alphabet), digits and '_' (no spaces, '-' or '/')")
    return value


def integer(where: str, field: str, value, *, minimum: int | None = None, maximum: int | None = None) -> int:
    """An integer (bools are refused) within optional bounds."""
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise fail(where, field, value, "must be an integer")
    value = int(value)
    if minimum is not None and value < minimum:
        raise fail(where, field, value, f"must be at least {minimum}")
    if maximum is not None and value > maximum:
        raise fail(where, field, value, f"must be at most {maximum}")
    return value


def real(where: str, field: str, value, *, low: float | None = None, high: float | None = None,
         low_open: bool = False, high_open: bool = False) -> float:
    """A finite real number within optional (open or closed) bounds."""
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(float(value)):
        raise fail(where, field, value, "must be a finite number")
    value = float(value)
    if low is not None and (value < low or (low_open and value == low)):
        raise fail(where, field, value, f"must be {'>' if low_open else '>='} {low:g}")
    if high is not None and (value > high or (high_open and value == high)):
        raise fail(where, field, value, f"must be {'<' if high_open else '<='} {high:g}")
    return value


def probability(where: str, field: str, value) -> float:
    """A monthly probability in [0, 1]."""
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(float(value)) \
            or not 0.0 <= float(value) <= 1.0:
        raise fail(where, field, value, "a monthly probability must lie in [0, 1]")
    return float(value)


def unique_names(where: str, field: str, names: Iterable[str]) -> None:
    """Refuse duplicated names."""
    seen: set[str] = set()
    for n in names:
        if n in seen:
            raise fail(where, field, n, "names must be unique")
        seen.add(n)


def as_tuple(where: str, field: str, value) -> tuple:
    """Accept any non-string iterable and freeze it as a tuple."""
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise fail(where, field, value, "must be a sequence")
    return tuple(value)


def items(where: str, field: str, value, cls, *, non_empty: str | None = None) -> tuple:
    """A sequence whose items are all ``cls`` instances; ``non_empty`` is the rule if it must not be empty."""
    value = as_tuple(where, field, value)
    if non_empty and not value:
        raise fail(where, field, value, non_empty)
    for item in value:
        if not isinstance(item, cls):
            raise fail(where, field, item, f"each must be a {cls.__name__}")
    return value
