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
                  sr.MonthsIn("benefit_months_12", "on_benefit", within_months=12),
                  sr.EntriesInto("sick_pay_entries_18", "sick_pay", within_months=18),
                  sr.EntriesInto("benefit_entries", "on_benefit", within_months=30)],
        horizon_months=horizon_months,
        control_size=control_size,
    )



def rich_deal(programme=None, mechanisms=None, guarantee_cap=5e6, **investor):
    """The rich programme with a budget, costs, a contract using every mechanism, investor terms, guarantee."""
    p = programme or rich_programme()
    budget = sr.Budget([
        sr.StateFlow("sick_pay", "municipality", 19_000, refundable=True, label="sygedagpenge"),
        sr.StateFlow("jobafklaring", "municipality", 15_500, refundable=True, label="ressourceforloebsydelse"),
        sr.StateFlow("cash_benefit", "municipality", 11_700, refundable=True, label="kontanthjaelp"),
        sr.StateFlow("employed", "municipality", -7_000, label="municipal_tax"),
        sr.StateFlow("employed", "state", -9_000, label="state_tax"),
    ])
    contract = sr.Contract(
        outcomes=[sr.Outcome("job", "work_or_school_3"), sr.Outcome("self_support", "off_benefit_12"),
                  sr.Outcome("work_months", "employed_months_24", at_least=6)],
        mechanisms=mechanisms or [
            sr.RateCard({"job": 60_000, "self_support": 40_000}, person_cap=80_000),
            sr.Threshold("job", threshold=0.05, payment=300_000, cohorts=((0, 2), (3, 5)),
                         measure_months=(18, 24), baseline=sr.Baseline("control_group"), fallback_month=28),
            sr.GainShare(0.2, holder="municipality", pay_every_months=6),
            sr.FixedFee(2_000, lag_months=1),
        ],
        cap=3e6,
    )
    terms = dict(commitment=2e6, return_cap_per_year=0.15, principal_floor_share=0.5)
    terms.update(investor)
    return sr.Deal(
        programme=p, budget=budget,
        costs=sr.ProgrammeCosts(per_enrolment=5_000, per_participant_month=3_000, service_months=6,
                                fixed_per_month=20_000, fixed_months=12),
        contract=contract, investor=sr.InvestorTerms(**terms),
        guarantee=sr.Guarantee(cap=guarantee_cap, surplus_share=0.1),
    )


def fee_deal(lag_months=12, cost=100_000.0, fee=100_000.0, people=10, return_cap=None, effect=False,
             fees=None, horizon_months=36):
    """A deal whose money is known in closed form: everyone enrols in month 0, a fee per enrolment.

    The investor pays ``cost`` per person in month 0 and receives ``fee`` per person ``lag_months``
    later, whatever the paths: its IRR is (fee / cost)^(12 / lag) - 1 a year in every draw. With
    ``effect``, the treated leave benefit at once and the counterfactual never does (hazard 1e-12 a
    month, times 1e15 under the effect), so the municipality's saving is the same in every draw.
    """
    states = [sr.State("benefit", benefit=True), sr.State("work")]
    effects = [sr.Effect("push", ["benefit->work"], hazard_ratio=1e15)] if effect else []
    p = sr.Programme("fees", states=states, transitions=[sr.Transition("benefit", "work", (1e-12,))],
                     cohort=sr.Cohort([people], [sr.Subgroup("all", 1.0, "benefit")]),
                     horizon_months=horizon_months, effects=effects, measures=[sr.Sustained("enrolled", "benefit")])
    budget = sr.Budget([sr.StateFlow("benefit", "municipality", 10_000.0)], discount_rate_per_year=0.0)
    mechanisms = fees or [sr.FixedFee(fee, lag_months=lag_months)]
    contract = sr.Contract([sr.Outcome("enrolled", "enrolled")], mechanisms)
    investor = sr.InvestorTerms(commitment=people * cost, return_cap_per_year=return_cap,
                                hurdle_rate_per_year=0.05)
    return sr.Deal(p, budget, sr.ProgrammeCosts(per_enrolment=cost), contract, investor)
