"""Scenario files: a portfolio, its uncertainty and run settings as TOML.

A file can say everything the Python API can. ``[run]`` holds run settings,
``[portfolio]`` and ``[uncertainty]`` the scenario, and an optional
``[calibrate]`` table what ``sirisk calibrate`` solves (``vary``,
``target``, ``subject_to``, ``tolerance``, ``max_calls``; see
:func:`sirisk.calibrate`), which ``sirisk run`` ignores, and optional
``[[provenance]]`` tables say where each number comes from (``sirisk export``
writes them and ``sirisk describe FILE`` prints them, so that an edited
scenario still says where its numbers come from). Tables map onto the spec
classes field by field (the field names are the keyword arguments of
``sirisk.Programme``, ``sirisk.Deal``, ...). Where several classes fit (person
measures, payment mechanisms, distributions) a table names its class with
``type``. Moves are written ``"source->target"``, rate-card prices as a table
``{outcome = price}``, and a value left out takes its default.

Errors name the file, the key path, the value and the rule, in one line.

Examples
--------
>>> from sirisk.scenarios import load
>>> portfolio, uncertainty, _ = load("dsi2021")
>>> text = dumps(portfolio, uncertainty, {"draws": 1000, "seed": 7})
>>> loads(text) == (portfolio, uncertainty, {"draws": 1000, "seed": 7})
True
"""

from __future__ import annotations

import dataclasses
import tomllib
from pathlib import Path

import tomli_w

from .. import model as m
from .. import money as mo
from .. import uncertainty as un
from .._files import write_atomically
from ..errors import SpecError
from ..money.renamed import RENAMED_FIELDS, renamed_hint

__all__ = ["dumps", "loads", "dump", "load", "plain", "read", "reads", "Scenario", "RUN_KEYS", "CALIBRATE_KEYS"]

RUN_KEYS = {"draws": int, "seed": int, "batch_size": int, "threads": int}
CALIBRATE_KEYS = ("vary", "target", "subject_to", "tolerance", "max_calls")
SECTIONS = ("run", "portfolio", "uncertainty", "calibrate", "provenance")

_POLY = {cls.__name__: cls for cls in (
    m.Sustained, m.InStatesAt, m.MonthsIn, m.EntriesInto, mo.RateCard, mo.Threshold, mo.GainShare, mo.FixedFee,
    un.Fixed, un.Uniform, un.Triangular, un.PERT, un.Normal, un.TruncatedNormal, un.LogNormal, un.Beta, un.Gamma,
    un.Poisson, un.NegativeBinomial, un.Empirical, un.Truncated)}
_ANY = object()  # "a table that names its class with `type`"

# What each nested field holds: a class, or _ANY for polymorphic tables.
_NESTED = {
    (mo.Portfolio, "deals"): mo.Deal,
    (mo.Deal, "programme"): m.Programme, (mo.Deal, "budget"): mo.Budget, (mo.Deal, "costs"): mo.ProgrammeCosts,
    (mo.Deal, "contract"): mo.Contract, (mo.Deal, "investor"): mo.InvestorTerms, (mo.Deal, "guarantee"): mo.Guarantee,
    (m.Programme, "states"): m.State, (m.Programme, "transitions"): m.Transition, (m.Programme, "rules"): m.Rule,
    (m.Programme, "cohort"): m.Cohort, (m.Programme, "effects"): m.Effect,
    (m.Programme, "benefit_clock"): m.BenefitClock, (m.Programme, "measures"): _ANY,
    (m.Cohort, "subgroups"): m.Subgroup,
    (mo.Budget, "flows"): mo.StateFlow, (mo.Budget, "refund"): mo.RefundStaircase,
    (mo.Contract, "outcomes"): mo.Outcome, (mo.Contract, "mechanisms"): _ANY,
    (mo.Threshold, "baseline"): mo.Baseline, (mo.GainShare, "baseline"): mo.Baseline,
    (mo.InvestorTerms, "principal_floor_steps"): mo.FloorSteps, (mo.InvestorTerms, "tranches"): mo.Tranche,
    (un.Uncertainty, "copula"): un.GaussianCopula, (un.Uncertainty, "shocks"): un.SharedShock,
    (un.SharedShock, "distribution"): _ANY, (un.Truncated, "distribution"): _ANY,
}


# -- writing --------------------------------------------------------------------

def _plain(value):
    if dataclasses.is_dataclass(value):
        return _table(value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def _table(obj) -> dict:
    out = {}
    if type(obj).__name__ in _POLY:
        out["type"] = type(obj).__name__
    for f in dataclasses.fields(obj):
        if not f.init:
            continue
        value = getattr(obj, f.name)
        if value is None:
            continue  # TOML has no null: a key left out takes its default
        if isinstance(obj, m.Effect) and f.name == "transitions":
            value = [f"{a}->{b}" for a, b in value]
        elif isinstance(obj, mo.RateCard) and f.name == "prices":
            value = dict(value)
        elif isinstance(obj, un.Uncertainty) and f.name == "parameters":
            value = {k: _table(d) for k, d in value.items()}
        out[f.name] = _plain(value)
    return out


def plain(spec) -> dict:
    """A spec as plain data (dicts, lists, numbers, strings), as a scenario file writes it.

    Examples
    --------
    >>> from sirisk import Outcome
    >>> plain(Outcome("job", "job3", by_month=24))
    {'name': 'job', 'measure': 'job3', 'by_month': 24, 'at_least': 1}
    """
    return _table(spec)


def _calibrate_table(spec) -> dict:
    out = {"vary": {k: list(v) for k, v in spec.vary.items()},
           "target": {k: _plain(v) for k, v in spec.target.items()}}
    if spec.subject_to:
        out["subject_to"] = {k: _plain(v) for k, v in spec.subject_to.items()}
    out["tolerance"] = spec.tolerance
    out["max_calls"] = spec.max_calls
    return out


def dumps(portfolio, uncertainty=None, run: dict | None = None, calibrate=None, provenance=None) -> str:
    """TOML text for a portfolio, its uncertainty, run settings, and optionally a calibration spec and a provenance."""
    doc = {}
    if run:
        doc["run"] = dict(run)
    doc["portfolio"] = _table(portfolio)
    if uncertainty is not None:
        doc["uncertainty"] = _table(uncertainty)
    if calibrate is not None:
        doc["calibrate"] = _calibrate_table(calibrate)
    if provenance is not None:
        from ..scenarios.provenance import Provenance

        if not isinstance(provenance, Provenance):
            raise SpecError(f"provenance is a {type(provenance).__name__}; must be a sirisk.scenarios.provenance."
                            "Provenance (sirisk.scenarios.provenance_of(name) gives a built-in one)")
        doc["provenance"] = [{k: _plain(v) for k, v in row.items()} for row in provenance.to_plain()]
    return tomli_w.dumps(doc)


def dump(path, portfolio, uncertainty=None, run: dict | None = None, calibrate=None, provenance=None) -> None:
    """Write a scenario file (whole or not at all)."""
    text = dumps(portfolio, uncertainty, run, calibrate, provenance)
    write_atomically(path, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))


# -- reading --------------------------------------------------------------------

class _FileError(SpecError):
    pass


def _fail(where: str, message: str):
    raise _FileError(f"{where}: {message}")


def _build(cls, table, where: str):
    if cls is _ANY:
        if not isinstance(table, dict) or "type" not in table:
            _fail(where, f"value is {table!r}; give a table with type = one of {sorted(_POLY)}")
        name = table["type"]
        if name not in _POLY:
            _fail(f"{where}.type", f"value is {name!r}; must be one of {sorted(_POLY)}")
        cls, table = _POLY[name], {k: v for k, v in table.items() if k != "type"}
    if not isinstance(table, dict):
        _fail(where, f"value is {table!r}; must be a table of {cls.__name__} fields")
    fields = {f.name: f for f in dataclasses.fields(cls) if f.init}
    kwargs = {}
    for key, value in table.items():
        path = f"{where}.{key}"
        if key not in fields:
            hint = renamed_hint(key)
            _fail(path, hint if hint and RENAMED_FIELDS[key] in fields
                  else f"unknown key; {cls.__name__} takes {', '.join(fields)}")
        nested = _NESTED.get((cls, key))
        if nested is not None:
            if isinstance(value, list):
                value = tuple(_build(nested, v, f"{path}[{i}]") for i, v in enumerate(value))
            else:
                value = _build(nested, value, path)
        elif cls is un.Uncertainty and key == "parameters":
            if not isinstance(value, dict):
                _fail(path, f"value is {value!r}; must be a table of 'programme/path' = distribution")
            value = {k: _build(_ANY, v, f'{path}."{k}"') for k, v in value.items()}
        elif cls is mo.RateCard and key == "prices" and isinstance(value, dict):
            value = tuple(value.items())
        elif isinstance(value, list):
            value = tuple(tuple(v) if isinstance(v, list) else v for v in value)
        kwargs[key] = value
    missing = [n for n, f in fields.items()
               if n not in kwargs and f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING]
    if missing:
        _fail(where, f"missing key {missing[0]!r}; {cls.__name__} needs {', '.join(missing)}")
    try:
        return cls(**kwargs)
    except _FileError:
        raise
    except SpecError as err:
        _fail(where, str(err))
    except (TypeError, ValueError) as err:
        _fail(where, f"{cls.__name__}: {err}")


@dataclasses.dataclass(frozen=True)
class Scenario:
    """What a scenario file holds: the portfolio, its uncertainty, run settings, and what to calibrate."""

    portfolio: mo.Portfolio
    uncertainty: un.Uncertainty | None
    run: dict
    calibrate: object | None = None  # a sirisk.design.calibrate.CalibrationSpec
    provenance: object | None = None  # a sirisk.scenarios.provenance.Provenance


def _calibrate_spec(table, portfolio, source):
    from ..design.calibrate import CalibrationSpec

    where = f"{source}: calibrate"
    if not isinstance(table, dict):
        raise SpecError(f"{where}: must be a table with {', '.join(CALIBRATE_KEYS)}")
    for key in table:
        if key not in CALIBRATE_KEYS:
            raise SpecError(f"{where}.{key}: unknown key; calibrate takes {', '.join(CALIBRATE_KEYS)}")
    for key in ("vary", "target"):
        if key not in table:
            raise SpecError(f"{where}: missing key {key!r}; calibrate needs vary and target")
    for key in ("vary", "target", "subject_to"):
        if key in table and not isinstance(table[key], dict):
            raise SpecError(f"{where}.{key}: value is {table[key]!r}; must be a table of paths")
    spec = CalibrationSpec(vary={k: tuple(v) if isinstance(v, list) else v for k, v in table["vary"].items()},
                           target=table["target"], subject_to=table.get("subject_to", {}),
                           tolerance=table.get("tolerance", 1e-4), max_calls=table.get("max_calls", 400))
    try:
        return spec.check(portfolio)
    except SpecError as err:
        raise SpecError(f"{where}: {err}") from None


def reads(text: str, source: str = "<text>") -> Scenario:
    """A :class:`Scenario` from TOML text; errors name ``source`` and the key path."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise SpecError(f"{source}: not valid TOML: {err}") from None
    for key in doc:
        if key not in SECTIONS:
            raise SpecError(f"{source}: {key}: unknown section; a scenario file has {', '.join(SECTIONS[:-1])} "
                            f"and {SECTIONS[-1]}")
    if "portfolio" not in doc:
        raise SpecError(f"{source}: portfolio: missing section; a scenario file needs a portfolio")
    run = doc.get("run", {})
    for key, value in run.items():
        if key not in RUN_KEYS:
            raise SpecError(f"{source}: run.{key}: unknown key; run takes {', '.join(RUN_KEYS)}")
        if isinstance(value, bool) or not isinstance(value, RUN_KEYS[key]) or value < (0 if key == "seed" else 1):
            raise SpecError(f"{source}: run.{key}: value is {value!r}; must be a whole number of at least "
                            f"{0 if key == 'seed' else 1}")
    try:
        portfolio = _build(mo.Portfolio, doc["portfolio"], "portfolio")
        uncertainty = _build(un.Uncertainty, doc["uncertainty"], "uncertainty") if "uncertainty" in doc else None
    except _FileError as err:
        raise SpecError(f"{source}: {err}") from None
    calibrate = _calibrate_spec(doc["calibrate"], portfolio, source) if "calibrate" in doc else None
    provenance = None
    if "provenance" in doc:
        from ..scenarios.provenance import Provenance

        provenance = Provenance.from_plain(doc["provenance"], where=f"{source}: provenance")
    return Scenario(portfolio, uncertainty, run, calibrate, provenance)


def loads(text: str, source: str = "<text>"):
    """``(portfolio, uncertainty or None, run settings)`` from TOML text; errors name ``source`` and the key path."""
    s = reads(text, source)
    return s.portfolio, s.uncertainty, s.run


def read(path) -> Scenario:
    """Read a scenario file, ``[calibrate]`` table included."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise SpecError(f"{path}: is not UTF-8 text (byte 0x{err.object[err.start]:02x} at position {err.start}); "
                        "a scenario file is TOML, saved as UTF-8") from None
    except OSError as err:
        raise SpecError(f"{path}: cannot read the file: {err.strerror}") from None
    return reads(text, source=str(path))


def load(path):
    """Read a scenario file: ``(portfolio, uncertainty or None, run settings)``."""
    s = read(path)
    return s.portfolio, s.uncertainty, s.run
