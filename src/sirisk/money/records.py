"""What the money layer reads of a deal: the typed seam between the paths and the money.

A :class:`DealRecords` holds, for a range of draws of one deal, everything
that contract terms act on: who enrolled when in each arm, what each person
achieved (the engine's person measures, or achievement months observed in a
contract that has run), each holder's budget saving by month, and the
per-draw money scale factors sampled with the paths. The engine stage
(:func:`sirisk.simulate_portfolio`) builds one per deal from a simulation;
:class:`sirisk.Measured` builds one from observed results. Money
(:func:`sirisk.money.flows.deal_flows`) never sees anything else, so every
design term can change without touching the paths.

Arrays have the draws on axis 0: slicing ``[lo:hi]`` along it is a
contiguous view, which is what :meth:`DealRecords.rows` returns.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

__all__ = ["ArmRecords", "DealRecords", "ARM_NAMES"]

ARM_NAMES = ("treated", "counterfactual", "control")


@dataclass(frozen=True, eq=False)
class ArmRecords:
    """The people of one arm for a range of draws.

    Parameters
    ----------
    entry_month : int16 [draw, person]
        Calendar month each person enrolled; -1 for a slot nobody filled.
    measures : int16 [draw, person, measure], optional
        The engine's person measures (months since enrolment when a measure
        fired, or a count of months; -1 if not), in the programme's order of
        measures. Outcomes are read from them by the contract's definitions.
    achieved : mapping of outcome name to int16 [draw, person], optional
        Calendar month each person achieved each outcome (-1: not), as
        observed. Give ``measures`` or ``achieved``, not both.
    events : mapping of outcome name to int16 [draw, person], optional
        With ``achieved``: for outcomes on a count measure, the count per
        person in its window, as observed.
    """

    entry_month: np.ndarray
    measures: np.ndarray | None = None
    achieved: Mapping[str, np.ndarray] | None = None
    events: Mapping[str, np.ndarray] | None = None

    def rows(self, lo: int, hi: int) -> ArmRecords:
        def cut(observed):
            return None if observed is None else {k: v[lo:hi] for k, v in observed.items()}
        return ArmRecords(self.entry_month[lo:hi], None if self.measures is None else self.measures[lo:hi],
                          cut(self.achieved), cut(self.events))

    @property
    def nbytes(self) -> int:
        return (self.entry_month.nbytes + (0 if self.measures is None else self.measures.nbytes)
                + sum(v.nbytes for v in (self.achieved or {}).values())
                + sum(v.nbytes for v in (self.events or {}).values()))


@dataclass(frozen=True, eq=False)
class DealRecords:
    """Everything the money layer reads of one deal, for a range of draws.

    Parameters
    ----------
    arms : mapping of arm name to ArmRecords
        ``"treated"`` always; ``"counterfactual"`` and ``"control"`` where
        simulated or measured.
    holders : tuple of str
        The budget's holders, in the order of the last axis of the savings.
    saving : float64 [draw, month, holder], optional
        Budget saving (counterfactual cost - treated cost), nominal, in the deal's currency.
    saving_pv : float64 [draw, holder], optional
        Its present value at the contract start.
    cost_pv : float64 [draw, holder, arm], optional
        Each arm's cost per holder, present value (arms in ``ARM_NAMES`` order
        of the arms present).
    arm_cost : float64 [draw, arm, month, holder], optional
        Each arm's cost by month, where kept (a control-group gain share
        needs the control and treated arms').
    scales : mapping of money path to float64 [draw]
        Per-draw scale factors of ``costs.scale`` and
        ``contract.mechanisms[k].scale`` (sampled or given with the paths).
    programme_cost : float64 [draw, month], optional
        Capital drawn by month, where known (measured); otherwise it is
        worked out from the deal's ``ProgrammeCosts`` and the enrolments.
    saving_is_measured : bool
        The saving is the one a contract measured (observed): it stands for
        the saving under any baseline. A simulated saving is the true one
        (the counterfactual's); a control-group baseline measures its own.
    """

    arms: Mapping[str, ArmRecords]
    holders: tuple[str, ...]
    saving: np.ndarray | None = None
    saving_pv: np.ndarray | None = None
    cost_pv: np.ndarray | None = None
    arm_cost: np.ndarray | None = None
    scales: Mapping[str, np.ndarray] = field(default_factory=dict)
    programme_cost: np.ndarray | None = None
    saving_is_measured: bool = False

    @property
    def arm_names(self) -> tuple[str, ...]:
        return tuple(a for a in ARM_NAMES if a in self.arms)

    @property
    def n_draws(self) -> int:
        return self.arms["treated"].entry_month.shape[0]

    def rows(self, lo: int, hi: int) -> DealRecords:
        """The records of draws ``lo`` to ``hi - 1`` (positions, not draw indices): views, no copies."""
        def cut(a):
            return None if a is None else a[lo:hi]

        return DealRecords({name: arm.rows(lo, hi) for name, arm in self.arms.items()}, self.holders, cut(self.saving), cut(self.saving_pv), cut(self.cost_pv),
                           cut(self.arm_cost), {k: v[lo:hi] for k, v in self.scales.items()},
                           cut(self.programme_cost), self.saving_is_measured)

    @property
    def nbytes(self) -> int:
        seen, total = set(), 0
        for arm in self.arms.values():
            for a in (arm.entry_month, arm.measures, *(arm.achieved or {}).values()):
                if a is not None and id(a) not in seen:
                    seen.add(id(a))
                    total += a.nbytes
        for a in (self.saving, self.saving_pv, self.cost_pv, self.arm_cost, self.programme_cost,
                  *self.scales.values()):
            total += 0 if a is None else a.nbytes
        return total
