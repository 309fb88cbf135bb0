"""Fields renamed when amounts lost their currency in the name: an old name gets an error with the new one.

Amounts are in the deal's ``currency`` (``Deal.currency``, default "DKK"), so
no field says ``_dkk``. Scenario files and term paths written before the
rename fail with one error that names the old field and its new name.

Examples
--------
>>> renamed_hint("payment_dkk")
"payment_dkk was renamed to 'payment' (amounts are in the deal's currency)"
>>> renamed_hint("payment") is None
True
"""

from __future__ import annotations

__all__ = ["RENAMED_FIELDS", "renamed_hint"]

RENAMED_FIELDS = {
    "cap_dkk": "cap",
    "commitment_dkk": "commitment",
    "payment_dkk": "payment",
    "fallback_payment_dkk": "fallback_payment",
    "person_cap_dkk": "person_cap",
    "per_enrolment_dkk": "per_enrolment",
    "per_participant_month_dkk": "per_participant_month",
    "fixed_dkk_per_month": "fixed_per_month",
    "dkk_per_month": "per_month",
    "investment_limit_dkk": "investment_limit",
    "savings_dkk": "savings",
    "programme_cost_dkk": "programme_cost",
    "dkk": "amount",
}


def renamed_hint(name: str) -> str | None:
    """The error text for a field that was renamed, or None if ``name`` is not an old name."""
    new = RENAMED_FIELDS.get(name)
    return None if new is None else f"{name} was renamed to {new!r} (amounts are in the deal's currency)"
