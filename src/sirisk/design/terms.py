"""Design terms by path: read and change a portfolio's contract, investor, guarantee and cost terms.

A term path names one programme and a field, as the specs spell it:
``"holbaek/contract.mechanisms[0].payment"``,
``"holbaek/investor.return_cap_per_year"``, ``"svendborg/guarantee.cap"``,
``"holbaek/contract.mechanisms[0].prices.job"`` (a rate card's price).
``contract.mechanisms[k].scale`` multiplies all of mechanism ``k``'s
amounts at once (a rate card's prices, a threshold's payments and
fallback, a fee, a gain share's share): 1 is the portfolio as given.
``"*/..."`` sets the same term in every programme.

Only terms that act at settlement can be design terms: the contract,
investor terms, guarantee and programme costs. The programme and budget
are fixed by a simulation (:mod:`sirisk.analysis.fingerprint`); naming one
is refused.

Examples
--------
>>> from sirisk.scenarios import load
>>> portfolio = load("dsi2021")[0]
>>> term_value(portfolio, "holbaek/contract.mechanisms[0].payment")
27870000.0
>>> cheaper = with_terms(portfolio, {"holbaek/contract.mechanisms[0].scale": 0.5})
>>> term_value(cheaper, "holbaek/contract.mechanisms[0].payment")
13935000.0
>>> with_terms(portfolio, {"holbaek/programme.horizon_months": 60})
Traceback (most recent call last):
...
sirisk.errors.SpecError: term 'holbaek/programme.horizon_months': programme is fixed by the simulation (its paths depend on it); design terms are under contract, investor, guarantee or costs
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping

import numpy as np

from ..errors import SpecError
from ..money.contract import FixedFee, GainShare, RateCard, Threshold
from ..money.deal import Portfolio
from ..money.renamed import RENAMED_FIELDS, renamed_hint

__all__ = ["TermPath", "parse_term", "term_value", "is_integer_term", "with_terms", "DESIGN_ROOTS", "FIXED_ROOTS"]

DESIGN_ROOTS = ("contract", "investor", "guarantee", "costs")
FIXED_ROOTS = {"programme": "its paths depend on it", "budget": "the engine weighs the paths by it"}
_STEP = re.compile(r"\.?([^\W\d]\w*)|\[(\d+)\]")


@dataclasses.dataclass(frozen=True)
class TermPath:
    """A parsed term path: the programme (or ``"*"``) and the steps into its deal."""

    text: str
    programme: str
    steps: tuple[str | int, ...]

    @property
    def field(self) -> str:
        return self.text.split("/", 1)[1]

    def programmes(self, portfolio: Portfolio) -> list[str]:
        return [d.name for d in portfolio.deals] if self.programme == "*" else [self.programme]


def parse_term(path: str, portfolio: Portfolio) -> TermPath:
    """Check a term path against a portfolio; one error names the path and the rule."""
    where = f"term {path!r}"
    if not isinstance(path, str) or "/" not in path:
        raise SpecError(f"{where}: name a term 'programme/field', e.g. 'holbaek/contract.mechanisms[0].scale'")
    programme, field = path.split("/", 1)
    names = [d.name for d in portfolio.deals]
    if programme != "*" and programme not in names:
        raise SpecError(f"{where}: programme is {programme!r}; must be one of {tuple(names)} or '*' (all)")
    steps, pos = [], 0
    while pos < len(field):
        m = _STEP.match(field, pos)
        if not m or (m.group(1) and pos > 0 and not field[pos] == "."):
            raise SpecError(f"{where}: cannot read {field[pos:]!r}; write fields as a.b[0].c")
        steps.append(m.group(1) if m.group(1) else int(m.group(2)))
        pos = m.end()
    if not steps or not isinstance(steps[0], str):
        raise SpecError(f"{where}: name a field, e.g. 'contract.mechanisms[0].scale'")
    root = steps[0]
    if root in FIXED_ROOTS:
        raise SpecError(f"{where}: {root} is fixed by the simulation ({FIXED_ROOTS[root]}); design terms are "
                        f"under {', '.join(DESIGN_ROOTS[:-1])} or {DESIGN_ROOTS[-1]}")
    if root not in DESIGN_ROOTS:
        raise SpecError(f"{where}: {root!r} is not a part of a deal with design terms; use one of "
                        f"{', '.join(DESIGN_ROOTS)}")
    term = TermPath(path, programme, tuple(steps))
    for name in term.programmes(portfolio):  # the term exists in every programme it names (None: not set yet)
        _get(portfolio.deals[names.index(name)], term.steps, f"term {name + '/' + field!r}", allow_none=True)
    return term


def _fields(obj) -> list[str]:
    return [f.name for f in dataclasses.fields(obj) if f.init]


def _scaled(mechanism, factor: float):
    """A mechanism with all its amounts times ``factor``."""
    if isinstance(mechanism, RateCard):
        return dataclasses.replace(mechanism, prices=tuple((n, p * factor) for n, p in mechanism.prices))
    if isinstance(mechanism, Threshold):
        return dataclasses.replace(mechanism, payment=mechanism.payment * factor,
                                   fallback_payment=None if mechanism.fallback_payment is None
                                   else mechanism.fallback_payment * factor)
    if isinstance(mechanism, GainShare):
        return dataclasses.replace(mechanism, share=mechanism.share * factor)
    if isinstance(mechanism, FixedFee):
        return dataclasses.replace(mechanism, amount=mechanism.amount * factor)
    raise SpecError(f"{type(mechanism).__name__} has no amounts to scale")  # pragma: no cover - all four above


def _get(obj, steps, where, allow_none: bool = False):
    for k, step in enumerate(steps):
        rest = steps[k + 1:]
        if isinstance(step, int):
            if not isinstance(obj, tuple) or not 0 <= step < len(obj):
                size = len(obj) if isinstance(obj, tuple) else 0
                raise SpecError(f"{where}: index [{step}] is out of range; there are {size}")
            obj = obj[step]
        elif step == "scale" and isinstance(obj, (RateCard, Threshold, GainShare, FixedFee)) and not rest:
            return 1.0
        elif isinstance(obj, RateCard) and step == "prices":
            if len(rest) != 1 or not isinstance(rest[0], str):
                raise SpecError(f"{where}: name a price by its outcome, e.g. prices.{obj.outcomes[0]}")
            prices = dict(obj.prices)
            if rest[0] not in prices:
                raise SpecError(f"{where}: the rate card prices {tuple(prices)}; {rest[0]!r} is not one of them")
            return prices[rest[0]]
        elif obj is None:
            raise SpecError(f"{where}: the deal has no {steps[k - 1] if k else 'such part'} (it is None)")
        elif dataclasses.is_dataclass(obj):
            if step not in _fields(obj):
                hint = renamed_hint(step)
                if hint and RENAMED_FIELDS[step] in _fields(obj):
                    raise SpecError(f"{where}: {hint}")
                extra = ", scale" if isinstance(obj, (RateCard, Threshold, GainShare, FixedFee)) else ""
                raise SpecError(f"{where}: {type(obj).__name__} has no field {step!r}; it has "
                                f"{', '.join(_fields(obj))}{extra}")
            obj = getattr(obj, step)
        else:
            raise SpecError(f"{where}: {step!r} reaches into a {type(obj).__name__}, which has no fields")
    if obj is None and allow_none:
        return None
    if isinstance(obj, bool) or not isinstance(obj, (int, float)):
        if obj is None:
            raise SpecError(f"{where}: the term is not set (None); give the deal a value for it first")
        raise SpecError(f"{where}: is a {type(obj).__name__}, not a number; a design term is a number")
    return obj


def _set(obj, steps, value, where):
    step, rest = steps[0], steps[1:]
    if isinstance(step, int):
        items = list(obj)
        items[step] = _set(items[step], rest, value, where)
        return tuple(items)
    if step == "scale" and not rest and isinstance(obj, (RateCard, Threshold, GainShare, FixedFee)):
        return _scaled(obj, value)
    if isinstance(obj, RateCard) and step == "prices":
        return dataclasses.replace(obj, prices=tuple((n, value if n == rest[0] else p) for n, p in obj.prices))
    if not rest:
        return dataclasses.replace(obj, **{step: value})
    return dataclasses.replace(obj, **{step: _set(getattr(obj, step), rest, value, where)})


def term_value(portfolio: Portfolio, path: str | TermPath):
    """The value of a term in ``portfolio`` (a ``"*/"`` term: the first programme's; None: not set)."""
    term = path if isinstance(path, TermPath) else parse_term(path, portfolio)
    name = term.programmes(portfolio)[0]
    deal = next(d for d in portfolio.deals if d.name == name)
    return _get(deal, term.steps, f"term {term.text!r}", allow_none=True)


def _hint(deal, steps) -> str:
    """The declared type of the field a path ends in ("" inside a sequence or a price)."""
    *parents, last = steps
    if not isinstance(last, str) or last == "scale":
        return ""
    obj = deal
    for step in parents:
        obj = obj[step] if isinstance(step, int) else getattr(obj, step)
    if isinstance(obj, RateCard) and last != "prices" and parents and parents[-1] == "prices":
        return ""
    fields = {f.name: f for f in dataclasses.fields(obj)} if dataclasses.is_dataclass(obj) else {}
    return str(fields[last].type) if last in fields else ""


def is_integer_term(portfolio: Portfolio, path: str | TermPath) -> bool:
    """A term that holds whole numbers (months, counts), set or not."""
    term = path if isinstance(path, TermPath) else parse_term(path, portfolio)
    value = term_value(portfolio, term)
    if value is not None:
        return isinstance(value, int)
    deal = next(d for d in portfolio.deals if d.name == term.programmes(portfolio)[0])
    return _hint(deal, term.steps).startswith("int")


def with_terms(portfolio: Portfolio, values: Mapping[str | TermPath, float]) -> Portfolio:
    """``portfolio`` with the given terms set (validated as any spec is; whole-number terms are rounded)."""
    deals = {d.name: d for d in portfolio.deals}
    for path, value in values.items():
        term = path if isinstance(path, TermPath) else parse_term(path, portfolio)
        if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) \
                or not np.isfinite(value):
            raise SpecError(f"term {term.text!r}: value is {value!r}; a design term is a finite number")
        integer = is_integer_term(portfolio, term)
        for name in term.programmes(portfolio):
            where = f"term {name + '/' + term.field!r}"
            v = int(round(value)) if integer else float(value)
            try:
                deals[name] = _set(deals[name], term.steps, v, where)
            except SpecError as err:
                raise SpecError(f"{where} = {v!r}: {err}") from None
    try:
        return dataclasses.replace(portfolio, deals=tuple(deals[d.name] for d in portfolio.deals))
    except SpecError as err:
        raise SpecError(f"terms {', '.join(str(getattr(p, 'text', p)) for p in values)}: {err}") from None

