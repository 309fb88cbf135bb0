"""The engine's array layouts, named once: measure kinds and the slots of an effect's parameters.

Lowering writes these layouts, the kernel and its tallies read them, and the
plain-Python reference reads them independently; each imports the names
from here, so a layout is changed in one place. (Numba reads module-level
integers as compile-time constants: naming them costs nothing.)

Examples
--------
>>> from sirisk import Sustained, MonthsIn
>>> Sustained("job", "employed").kind == SUSTAINED, MonthsIn("m", "employed", within_months=12).kind in COUNTING
(True, True)
>>> EFFECT_FIELDS[HAZARD_RATIO], len(EFFECT_FIELDS) == EFFECT_SLOTS
('hazard_ratio', True)
"""

from __future__ import annotations

from ..model.measures import COUNTING, COUNTS_FROM, ENTRIES_INTO, IN_STATES_AT, MONTHS_IN, SUSTAINED

__all__ = ["SUSTAINED", "IN_STATES_AT", "MONTHS_IN", "ENTRIES_INTO", "COUNTING", "COUNTS_FROM", "EFFECT_FIELDS",
           "EFFECT_SLOTS", "HAZARD_RATIO", "LOCK_IN_HAZARD_RATIO", "LOCK_IN_MONTHS", "RAMP_UP_MONTHS",
           "FULL_EFFECT_MONTHS", "FADE_OUT_MONTHS"]

# DrawInputs.effect_params[draw, effect, slot]: one draw's parameters of each effect.
EFFECT_FIELDS = ("hazard_ratio", "lock_in_hazard_ratio", "lock_in_months", "ramp_up_months",
                 "full_effect_months", "fade_out_months")
HAZARD_RATIO, LOCK_IN_HAZARD_RATIO, LOCK_IN_MONTHS, RAMP_UP_MONTHS, FULL_EFFECT_MONTHS, FADE_OUT_MONTHS = range(6)
EFFECT_SLOTS = len(EFFECT_FIELDS)
