"""States of a participant's monthly path through the benefit system."""

from __future__ import annotations

from dataclasses import dataclass

from .. import _checks

__all__ = ["State"]


@dataclass(frozen=True)
class State:
    """A labour-market or benefit state a participant occupies for whole months.

    Parameters
    ----------
    name : str
        Identifier, e.g. ``"sick_pay"``; used as a coordinate in results.
    benefit : bool
        Whether a month in this state is a month on public benefit. Benefit
        months advance the public-benefit clock that drives the state refund.
    absorbing : bool
        Once entered, never left (e.g. ``"outside"`` the labour force for
        good). An absorbing state may have no transitions out.
    description : str
        Free text shown in scenario descriptions.

    Examples
    --------
    >>> State("sick_pay", benefit=True)
    State(name='sick_pay', benefit=True, absorbing=False, description='')
    >>> State("2nd")
    Traceback (most recent call last):
    ...
    sirisk.errors.SpecError: state: name is '2nd'; a name must start with a letter or '_' and contain only letters (of any alphabet), digits and '_' (no spaces, '-' or '/')
    """

    name: str
    benefit: bool = False
    absorbing: bool = False
    description: str = ""

    def __post_init__(self):
        _checks.name("state", "name", self.name)
        for field in ("benefit", "absorbing"):
            if not isinstance(getattr(self, field), bool):
                raise _checks.fail(f"state {self.name!r}", field, getattr(self, field), "must be True or False")
