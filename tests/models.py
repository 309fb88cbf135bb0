"""Test models. Numbers are illustrative, chosen to exercise every feature of the engine."""

import sirisk as sr


def rich_programme(horizon_months=30, control_size=25, size=40, effect_hr=1.4):
    """A six-state programme using every feature of the trajectory model."""
    states = [
        sr.State("sick_pay", benefit=True),
        sr.State("jobafklaring", benefit=True),
        sr.State("employed"),
        sr.State("education"),
        sr.State("cash_benefit", benefit=True),
        sr.State("outside", absorbing=True),
    ]
    transitions = [
        sr.Transition("sick_pay", "employed", (0.12, 0.08, 0.05), band_starts=(0, 2, 4)),
        sr.Transition("sick_pay", "employed", (0.05,), subgroup="young"),
        sr.Transition("sick_pay", "education", (0.02,)),
        sr.Transition("sick_pay", "education", (0.10, 0.04), band_starts=(0, 3), subgroup="young"),
        sr.Transition("jobafklaring", "employed", (0.06, 0.03), band_starts=(0, 6)),
        sr.Transition("jobafklaring", "cash_benefit", (0.0, 0.05), band_starts=(0, 4)),
        sr.Transition("employed", "sick_pay", (0.03,)),
        sr.Transition("employed", "cash_benefit", (0.01,)),
        sr.Transition("education", "employed", (0.04,)),
        sr.Transition("education", "cash_benefit", (0.05,)),
        sr.Transition("cash_benefit", "employed", (0.05,)),
        sr.Transition("cash_benefit", "outside", (0.01,)),
    ]
    cohort = sr.Cohort(intake=[6, 8, 0, 10, 8, 8],
                       subgroups=[sr.Subgroup("adult", 0.7, "sick_pay", entry_duration_months=1),
                                  sr.Subgroup("young", 0.3, "cash_benefit", entry_duration_months=2,
                                              entry_benefit_clock_months=9)])
    cohort = sr.Cohort(intake=tuple(round(v * size / 40) for v in cohort.intake), subgroups=cohort.subgroups)
    return sr.Programme(
        name="rich",
        states=states,
        transitions=transitions,
        rules=[sr.Rule("sick_pay", "jobafklaring", after_months=5)],
        cohort=cohort,
        effects=[sr.Effect("work", ["sick_pay->employed", "jobafklaring->employed", "cash_benefit->employed"],
                           hazard_ratio=effect_hr, lock_in_months=2, lock_in_hazard_ratio=0.6,
                           ramp_up_months=3, full_effect_months=8, fade_out_months=4),
                 sr.Effect("school", ["sick_pay->education"], hazard_ratio=0.8)],
        benefit_clock=sr.BenefitClock(band_edges_months=(1, 6, 12), reset_after_months_off=3),
        measures=[sr.Sustained("work_or_school_3", ("employed", "education"), months=3, start_within_months=18),
                  sr.Sustained("ever_employed", "employed"),
                  sr.InStatesAt("off_benefit_12", "off_benefit", month=12),
                  sr.InStatesAt("employed_6", ["employed"], month=6),
                  sr.MonthsIn("employed_months_24", "employed", within_months=24),
                  sr.MonthsIn("benefit_months_12", "on_benefit", within_months=12)],
        horizon_months=horizon_months,
        control_size=control_size,
    )

