"""What a simulation fixes of a deal, and the first place where a deal departs from it.

A simulation fixes each deal's programme (states, hazards, effects, cohort,
horizon, measures: everything a path depends on) and its budget (the
engine weighs occupancy by each holder's cost, and the savings are
discounted with the budget's rate). Contract terms, investor terms, the
guarantee and the programme's costs act only at settlement. The simulated
part is kept as canonical JSON; its hash is the fingerprint, and on a
mismatch the two JSON trees are walked to name the first field that
differs.

Examples
--------
>>> import dataclasses
>>> from sirisk.scenarios import load
>>> deal = load("dsi2021")[0].deals[0]
>>> changed = dataclasses.replace(deal, programme=dataclasses.replace(deal.programme, horizon_months=130))
>>> first_difference(simulated_spec(deal), simulated_spec(changed))
('programme.horizon_months', 120, 130)
"""

from __future__ import annotations

import hashlib
import json

__all__ = ["simulated_spec", "fingerprint", "first_difference", "SIMULATED_PARTS"]

SIMULATED_PARTS = ("programme", "budget")


def simulated_spec(deal) -> str:
    """Canonical JSON of the parts of ``deal`` that a simulation fixes (programme and budget)."""
    from ..io.scenario_file import plain

    return json.dumps({part: plain(getattr(deal, part)) for part in SIMULATED_PARTS}, sort_keys=True,
                      separators=(",", ":"))


def fingerprint(spec: str) -> str:
    """A short hash of a canonical spec."""
    return hashlib.sha256(spec.encode()).hexdigest()[:16]


_ABSENT = "(default)"


def _walk(a, b, path: str):
    if isinstance(a, dict) and isinstance(b, dict):
        for key in list(a) + [k for k in b if k not in a]:
            found = _walk(a.get(key, _ABSENT), b.get(key, _ABSENT), f"{path}.{key}" if path else key)
            if found:
                return found
        return None
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for k, (x, y) in enumerate(zip(a, b)):
            found = _walk(x, y, f"{path}[{k}]")
            if found:
                return found
        return None
    if a != b:
        return path, a, b
    return None


def first_difference(spec_a: str, spec_b: str) -> tuple[str, object, object] | None:
    """``(field path, value in a, value in b)`` of the first field where two canonical specs differ, or None."""
    if spec_a == spec_b:
        return None
    return _walk(json.loads(spec_a), json.loads(spec_b), "")
