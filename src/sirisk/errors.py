"""Errors raised by sirisk.

Every error about user input is a :class:`SpecError`. Its message names the
field, the value and the rule, so that the user can fix the input without
reading sirisk's source.
"""

from __future__ import annotations

__all__ = ["SpecError"]


class SpecError(ValueError):
    """An input (spec, parameter array, option) breaks a rule.

    Examples
    --------
    >>> raise SpecError("transition sick_pay->employed: probability 1.2; must lie in [0, 1]")
    Traceback (most recent call last):
    ...
    sirisk.errors.SpecError: transition sick_pay->employed: probability 1.2; must lie in [0, 1]
    """
