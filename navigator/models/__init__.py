"""Customer-base models for order data: who is still a customer, how much they will buy and spend.

No Textual, no DuckDB: arrays and Polars frames in, numbers and frames out (docs/models.md).

- `customer_summary`: orders -> one row a customer in the lifetimes convention
  (frequency = repeat purchase days, recency, T, monetary_value; time in weeks).
- `bgnbd`: the BG/NBD model of repeat purchases (Fader, Hardie & Lee 2005a).
- `gamma_gamma`: the Gamma-Gamma model of spend per purchase (Fader, Hardie & Lee 2005b).
- `customer_value`: both together: expected purchases and revenue per customer over the next
  months, customer equity, and the holdout check.
- `simulate`: the models' generative processes, for tests and benchmarks.

Importing this package imports nothing heavy: the names below load their module on first use,
and scipy is imported only inside the functions that fit or evaluate a model, so the
dashboard's first paint never pays for it.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_EXPORTS = {
    "NoModel": "maximum_likelihood",
    "CustomerSummary": "customer_summary",
    "customer_summary": "customer_summary",
    "calibration_and_holdout": "customer_summary",
    "BgNbdFit": "bgnbd",
    "fit_bgnbd": "bgnbd",
    "GammaGammaFit": "gamma_gamma",
    "fit_gamma_gamma": "gamma_gamma",
    "CustomerValue": "customer_value",
    "HoldoutCheck": "customer_value",
    "value_customers": "customer_value",
    "holdout_check": "customer_value",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"navigator.models.{module}"), name)
    globals()[name] = value
    return value
