"""A simulation of a portfolio's paths: everything the money layer needs per draw, saved and loaded as netCDF.

A :class:`Simulation` is the expensive half of a run, made once by
:func:`sirisk.simulate_portfolio` and settled any number of times by
:func:`sirisk.settle` under different contract terms. It holds, per deal,
the :class:`~sirisk.money.records.DealRecords` of its draws (enrolment and
person measures per arm, savings per holder by month, costs per arm, the
per-draw money scale factors), the sampled uncertain inputs, the seed and
versions, and the canonical spec of what it fixed of each deal (programme
and budget) with its fingerprint, so that settling a changed programme is
refused by name.

A file holds one netCDF group per deal (an ``xarray.DataTree``); loading it
gives back the same arrays, bit for bit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import xarray as xr

from .._files import file_for_writing, write_atomically
from ..errors import SpecError
from ..money.records import ArmRecords, DealRecords
from . import fingerprint as fp

__all__ = ["Simulation", "open_simulation"]

FORMAT = "sirisk.Simulation/1"


@dataclass(frozen=True, eq=False)
class Simulation:
    """Simulated paths of a portfolio's deals for a range of draws, ready to be settled.

    Attributes
    ----------
    portfolio : str
        Name of the portfolio simulated.
    draw : int64 array
        The global indices of the draws held (a range: ``draw[0]`` to ``draw[-1]``).
    total_draws : int
        Draws of the run the inputs were sampled for.
    deals : mapping of programme name to DealRecords
    specs : mapping of programme name to str
        What the simulation fixed of each deal (programme and budget), as canonical JSON.
    inputs : mapping of str to float64 array
        The sampled uncertain inputs (``"programme/path"``; shocks by name), one value per draw.
    sampling_method : str or None
    uncertainty : str or None
        The uncertainty sampled, as canonical JSON (None: none).
    attrs : mapping of str to str
        Seed (``seed_entropy``, ``seed_spawn_key``) and library versions.
    monthly_arm_budgets : bool
        Each arm's cost by month was kept on request (``budget_cost`` in the settled results).
    input_labels : mapping of str to str
        The uncertain inputs' labels (``Uncertainty.labels``), for figures and tables.

    Settling keeps, in the simulation, the monthly series of the results
    that depend on it alone (each holder's budget effect, and the
    programme costs under each set of cost terms), as read-only arrays
    that every results Dataset settled from it shares: the second settle
    does not write them again, and kept results do not hold copies.

    Examples
    --------
    >>> import sirisk as sr
    >>> from sirisk.scenarios import load
    >>> portfolio, uncertainty, _ = load("dsi2021")
    >>> sim = sr.simulate_portfolio(portfolio, draws=40, rng=7, uncertainty=uncertainty)
    >>> sim.n_draws, list(sim.deals)
    (40, ['holbaek', 'svendborg', 'guldborgsund'])
    >>> results = sr.settle(portfolio, sim)
    >>> results.sizes["draw"]
    40
    """

    portfolio: str
    draw: np.ndarray
    total_draws: int
    deals: Mapping[str, DealRecords]
    specs: Mapping[str, str]
    inputs: Mapping[str, np.ndarray]
    sampling_method: str | None
    uncertainty: str | None
    attrs: Mapping[str, str]
    monthly_arm_budgets: bool = False
    input_labels: Mapping[str, str] = field(default_factory=dict)
    shared: dict = field(default_factory=dict, repr=False, compare=False)  # see above

    @property
    def n_draws(self) -> int:
        return len(self.draw)

    @property
    def nbytes(self) -> int:
        """Memory held by the arrays, in bytes."""
        return sum(r.nbytes for r in self.deals.values()) + sum(v.nbytes for v in self.inputs.values())

    def fingerprint(self, programme: str) -> str:
        """Hash of what the simulation fixed of one deal (its programme and budget)."""
        return fp.fingerprint(self.specs[programme])

    def __repr__(self) -> str:
        first, last = (int(self.draw[0]), int(self.draw[-1])) if self.n_draws else (0, -1)
        return (f"<sirisk.Simulation of {self.portfolio!r}: {len(self.deals)} programmes "
                f"({', '.join(self.deals)}), draws {first}..{last} of {self.total_draws:,}, "
                f"seed {self.attrs.get('seed_entropy')}, {self.nbytes / 1e6:,.0f} MB>")

    # -- matching a portfolio -------------------------------------------------
    def records_for(self, portfolio) -> list[DealRecords]:
        """Each deal's records, in the portfolio's order, after checking that the deal is the one simulated.

        Only design terms (contract, investor terms, guarantee, programme
        costs) may differ from the simulated deals; a changed programme or
        budget is refused with one error naming the first field that
        differs. A portfolio may settle a subset of the simulated deals.
        """
        out = []
        for deal in portfolio.deals:
            if deal.name not in self.deals:
                raise SpecError(f"settle: programme {deal.name!r} is not in the simulation, which holds "
                                f"{', '.join(self.deals)}; simulate it first")
            spec = fp.simulated_spec(deal)
            found = fp.first_difference(self.specs[deal.name], spec)
            if found is not None:
                path, was, now = found
                raise SpecError(f"settle: {deal.name}/{path} is {now!r}; the simulation was run with {was!r} "
                                f"(fingerprint {self.fingerprint(deal.name)}): the programme and budget are fixed "
                                "by a simulation, only contract, investor, guarantee and cost terms may change; "
                                "simulate again")
            records = self.deals[deal.name]
            for path in records.scales:
                if path not in deal.money_paths:
                    raise SpecError(f"settle: {deal.name}/{path} has sampled values in the simulation, but the "
                                    f"deal has no such parameter (its mechanisms changed?); it has "
                                    f"{', '.join(deal.money_paths)}")
            out.append(records)
        return out

    # -- pieces -----------------------------------------------------------------
    def rows(self, lo: int, hi: int) -> Simulation:
        """The simulation of positions ``lo`` to ``hi - 1`` of its draws (views, no copies)."""
        return Simulation(self.portfolio, self.draw[lo:hi], self.total_draws,
                          {k: r.rows(lo, hi) for k, r in self.deals.items()}, self.specs,
                          {k: v[lo:hi] for k, v in self.inputs.items()}, self.sampling_method, self.uncertainty,
                          self.attrs, self.monthly_arm_budgets, self.input_labels)

    @staticmethod
    def concat(parts: Sequence[Simulation]) -> Simulation:
        """Join simulations of consecutive ranges of draws of one run into one.

        The parts must come from the same portfolio, seed and inputs, and
        their draws must follow each other; the result equals, bit for bit,
        the simulation of all their draws at once.
        """
        parts = list(parts)
        if not parts or not all(isinstance(p, Simulation) for p in parts):
            raise SpecError("Simulation.concat: give a non-empty sequence of Simulation objects")
        parts.sort(key=lambda p: int(p.draw[0]))
        first = parts[0]
        for p in parts[1:]:
            for attr in ("portfolio", "total_draws", "specs", "sampling_method", "uncertainty", "attrs",
                         "monthly_arm_budgets", "input_labels"):
                if getattr(p, attr) != getattr(first, attr):
                    raise SpecError(f"Simulation.concat: the parts differ in {attr}; join parts of one run only")
        for a, b in zip(parts, parts[1:]):
            if int(b.draw[0]) != int(a.draw[-1]) + 1:
                raise SpecError(f"Simulation.concat: draws {int(a.draw[-1])} and {int(b.draw[0])} do not follow "
                                "each other; give consecutive ranges of draws")

        def join(arrays):
            widest = max(a.shape[1] for a in arrays) if arrays[0].ndim > 1 else None
            if widest is None or all(a.shape[1] == widest for a in arrays):
                return np.concatenate(arrays)
            # Person slots: a part whose cohort was smaller is padded with empty slots (-1).
            padded = []
            for a in arrays:
                pad = [(0, 0)] * a.ndim
                pad[1] = (0, widest - a.shape[1])
                padded.append(np.pad(a, pad, constant_values=-1))
            return np.concatenate(padded)

        deals = {}
        for name in first.deals:
            recs = [p.deals[name] for p in parts]
            shared = join([r.arms["treated"].entry_month for r in recs])
            arms = {}
            for arm in recs[0].arm_names:
                entry = shared if arm in ("treated", "counterfactual") else join([r.arms[arm].entry_month for r in recs])
                arms[arm] = ArmRecords(entry, join([r.arms[arm].measures for r in recs]))
            opt = {f: (None if getattr(recs[0], f) is None else np.concatenate([getattr(r, f) for r in recs]))
                   for f in ("saving", "saving_pv", "cost_pv", "arm_cost")}
            scales = {k: np.concatenate([r.scales[k] for r in recs]) for k in recs[0].scales}
            deals[name] = DealRecords(arms, recs[0].holders, scales=scales, **opt)
        return Simulation(first.portfolio, np.concatenate([p.draw for p in parts]), first.total_draws, deals,
                          first.specs, {k: np.concatenate([p.inputs[k] for p in parts]) for k in first.inputs},
                          first.sampling_method, first.uncertainty, first.attrs, first.monthly_arm_budgets,
                          first.input_labels)

    # -- files ------------------------------------------------------------------
    def to_datatree(self) -> xr.DataTree:
        """The simulation as an ``xarray.DataTree``: the inputs at the root, one group per deal."""
        root = xr.Dataset(coords={"draw": self.draw}, attrs={
            "sirisk_format": FORMAT, "portfolio": self.portfolio, "total_draws": self.total_draws,
            "deals": list(self.deals), "monthly_arm_budgets": int(self.monthly_arm_budgets),
            **({"sampling_method": self.sampling_method} if self.sampling_method else {}),
            **({"uncertainty": self.uncertainty} if self.uncertainty else {}), **dict(self.attrs)})
        if self.inputs:
            names = list(self.inputs)
            root["input_value"] = (("draw", "input"), np.stack([self.inputs[n] for n in names], axis=1))
            root = root.assign_coords(input=names, input_label=("input", [self.input_labels.get(n, n) for n in names]))
        tree = {"/": root}
        for name, r in self.deals.items():
            arms = r.arm_names
            ds = xr.Dataset(coords={"draw": self.draw, "holder": list(r.holders), "arm": list(arms)},
                            attrs={"spec": self.specs[name], "fingerprint": self.fingerprint(name),
                                   "counterfactual_enrolment": "treated"})
            ds["entry_month"] = (("draw", "person"), r.arms["treated"].entry_month)
            if "control" in r.arms:
                ds["control_entry_month"] = (("draw", "person"), r.arms["control"].entry_month)
            for arm in arms:
                ds[f"{arm}_measure"] = (("draw", "person", "measure"), r.arms[arm].measures)
            ds["saving"] = (("draw", "month", "holder"), r.saving)
            ds["saving_pv"] = (("draw", "holder"), r.saving_pv)
            ds["cost_pv"] = (("draw", "holder", "arm"), r.cost_pv)
            if r.arm_cost is not None:
                ds["arm_cost"] = (("draw", "arm", "month", "holder"), r.arm_cost)
            if r.scales:
                paths = list(r.scales)
                ds["scale_value"] = (("draw", "scale"), np.stack([r.scales[p] for p in paths], axis=1))
                ds = ds.assign_coords(scale=paths)
            tree[f"/{name}"] = ds
        return xr.DataTree.from_dict(tree)

    def to_netcdf(self, path) -> None:
        """Save to a netCDF file (one group per deal; integers compressed). Written whole or not at all."""
        tree = self.to_datatree()
        encoding = {}
        for node in tree.subtree:
            group = node.path
            encoding[group] = {name: {"zlib": True, "complevel": 1} for name, v in node.dataset.data_vars.items()
                               if np.issubdtype(v.dtype, np.integer)}
        path = file_for_writing(path, "simulation file")
        write_atomically(path, lambda tmp: tree.to_netcdf(tmp, engine="netcdf4", encoding=encoding))


def open_simulation(path) -> Simulation:
    """Load a simulation saved with :meth:`Simulation.to_netcdf`.

    Examples
    --------
    >>> import sirisk as sr, tempfile, os
    >>> from sirisk.scenarios import load
    >>> portfolio, uncertainty, _ = load("dsi2021")
    >>> sim = sr.simulate_portfolio(portfolio, draws=20, rng=3, uncertainty=uncertainty)
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     sim.to_netcdf(os.path.join(folder, "sim.nc"))
    ...     back = sr.open_simulation(os.path.join(folder, "sim.nc"))
    >>> sr.settle(portfolio, back).identical(sr.settle(portfolio, sim))
    True
    """
    path = Path(path)
    try:
        tree = xr.open_datatree(path, engine="netcdf4")
    except (OSError, ValueError) as err:
        raise SpecError(f"{path}: cannot read a simulation: {err}") from None
    with tree:
        root = tree.to_dataset()
        if root.attrs.get("sirisk_format") != FORMAT:
            raise SpecError(f"{path}: not a sirisk simulation file (sirisk_format is "
                            f"{root.attrs.get('sirisk_format')!r}; expected {FORMAT!r})")
        names = list(np.atleast_1d(root.attrs["deals"]))
        deals, specs = {}, {}
        for name in names:
            ds = tree[name].to_dataset().load()
            arms = [str(a) for a in ds.arm.values]
            entry = ds.entry_month.values
            people = {}
            for arm in arms:
                e = ds.control_entry_month.values if arm == "control" else entry
                people[arm] = ArmRecords(e, ds[f"{arm}_measure"].values)
            scales = {}
            if "scale_value" in ds:
                scales = {str(p): ds.scale_value.values[:, k].copy() for k, p in enumerate(ds.scale.values)}
            deals[name] = DealRecords(people, tuple(str(h) for h in ds.holder.values), ds.saving.values,
                                      ds.saving_pv.values, ds.cost_pv.values,
                                      ds.arm_cost.values if "arm_cost" in ds else None, scales)
            specs[name] = ds.attrs["spec"]
        root = root.load()
        inputs, labels = {}, {}
        if "input_value" in root:
            inputs = {str(n): root.input_value.values[:, k].copy() for k, n in enumerate(root.input.values)}
            if "input_label" in root.coords:
                labels = {str(n): str(t) for n, t in zip(root.input.values, root.input_label.values) if str(n) != str(t)}
        known = {"sirisk_format", "portfolio", "total_draws", "deals", "sampling_method", "uncertainty",
                 "monthly_arm_budgets"}
        return Simulation(str(root.attrs["portfolio"]), root.draw.values.astype(np.int64),
                          int(root.attrs["total_draws"]), deals, specs, inputs, root.attrs.get("sampling_method"),
                          root.attrs.get("uncertainty"), {k: str(v) for k, v in root.attrs.items() if k not in known},
                          bool(root.attrs.get("monthly_arm_budgets", 0)), labels)

