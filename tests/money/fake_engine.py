"""A hand-made engine result, so money tests can use exact occupancy and person records."""

import numpy as np
import xarray as xr

import sirisk as sr

ARMS = ("treated", "counterfactual", "control")


def tiny_programme(horizon=12, measures=None, control_size=4, intake=(4, 4)):
    """Two states: 'benefit' (refunded benefit) and 'work'; measures as given."""
    return sr.Programme(
        name="tiny",
        states=[sr.State("benefit", benefit=True), sr.State("work")],
        transitions=[sr.Transition("benefit", "work", (0.1,)), sr.Transition("work", "benefit", (0.05,))],
        cohort=sr.Cohort(intake, [sr.Subgroup("all", 1.0, "benefit")]),
        measures=measures or [sr.Sustained("job", "work"), sr.InStatesAt("self", "off_benefit", month=3)],
        horizon_months=horizon,
        control_size=control_size,
    )


def fake_engine(programme, occupancy=None, measure=None, entry_month=None):
    """Dataset shaped like ``sirisk.simulate``'s: occupancy [D, A, T, S, B], measure [D, A, N, Q], entry [D, A, N]."""
    T, S, B = programme.horizon_months, len(programme.states), programme.benefit_clock.n_bands
    Q = len(programme.measures)
    if entry_month is None:
        entry_month = np.full((1, 3, 1), -1)
    entry_month = np.asarray(entry_month)
    D, A, N = entry_month.shape
    occupancy = np.zeros((D, A, T, S, B), dtype=np.int32) if occupancy is None else np.asarray(occupancy)
    measure = np.full((D, A, N, Q), -1) if measure is None else np.asarray(measure)
    return xr.Dataset(
        {"occupancy": (("draw", "arm", "month", "state", "clock_band"), occupancy),
         "person_measure": (("draw", "arm", "participant", "measure"), measure.astype(np.int16)),
         "entry_month": (("draw", "arm", "participant"), entry_month.astype(np.int16))},
        coords={"arm": list(ARMS[:A]), "state": list(programme.state_names)},
    )
