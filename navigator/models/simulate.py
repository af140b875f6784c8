"""The models' generative processes: customers, purchases and spend drawn from known parameters.

For the tests (does a fit recover the parameters that made the data?) and the benchmarks, and
for anyone who wants order data that behaves as the models assume. Deterministic for a given
numpy Generator.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
from numpy.typing import ArrayLike

from navigator.models.customer_summary import DAYS_PER_WEEK


def simulate_purchase_times(
    T: ArrayLike, *, r: float, alpha: float, a: float, b: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """BG/NBD's repeat purchases of customers observed for `T` weeks after their first purchase.

    Each customer draws lambda ~ Gamma(r, rate alpha) and p ~ Beta(a, b); while alive they buy
    at Poisson rate lambda, and after each repeat purchase leave with probability p. Returns
    (customer index, weeks since the first purchase) for every repeat purchase up to T, all
    customers advanced together one purchase at a time.
    """
    age = np.asarray(T, dtype=float)
    count = len(age)
    rate = rng.gamma(r, 1.0 / alpha, count)
    dropout = rng.beta(a, b, count)
    active = np.arange(count)
    clock = np.zeros(count)
    customers: list[np.ndarray] = []
    times: list[np.ndarray] = []
    with np.errstate(divide="ignore"):  # a rate that underflowed to 0 never buys again
        while active.size:
            clock = clock + rng.exponential(1.0, active.size) / rate[active]
            within = clock <= age[active]
            active, clock = active[within], clock[within]
            customers.append(active)
            times.append(clock)
            stays = rng.random(active.size) >= dropout[active]
            active, clock = active[stays], clock[stays]
    return np.concatenate(customers), np.concatenate(times)


def simulate_summary(
    T: ArrayLike, *, r: float, alpha: float, a: float, b: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """(frequency, recency) of customers observed for `T` weeks, drawn from BG/NBD."""
    age = np.asarray(T, dtype=float)
    customers, times = simulate_purchase_times(age, r=r, alpha=alpha, a=a, b=b, rng=rng)
    frequency = np.bincount(customers, minlength=len(age))
    recency = np.zeros(len(age))
    np.maximum.at(recency, customers, times)
    return frequency, recency


def simulate_mean_spend(frequency: ArrayLike, *, p: float, q: float, v: float, rng: np.random.Generator) -> np.ndarray:
    """Gamma-Gamma's mean spend over each customer's `frequency` purchases (NaN where 0).

    nu ~ Gamma(q, rate v) per customer; the sum of x purchases worth Gamma(p, rate nu) each is
    Gamma(p x, rate nu), so the mean is drawn in one step.
    """
    x = np.asarray(frequency, dtype=float)
    nu = rng.gamma(q, 1.0 / v, len(x))
    total = rng.gamma(np.maximum(p * x, 1e-300), 1.0 / nu)
    return np.where(x > 0, total / np.maximum(x, 1), np.nan)


def simulate_orders(
    customers: int,
    *,
    start: dt.date,
    end: dt.date,
    r: float,
    alpha: float,
    a: float,
    b: float,
    p: float,
    q: float,
    v: float,
    seed: int,
    customer: str = "account_id",
) -> pl.DataFrame:
    """An order log (customer, date, amount) of `customers` customers whose first orders fall
    uniformly between `start` and `end`, who buy as BG/NBD says until `end`, each order worth
    Gamma(p, rate nu) with nu ~ Gamma(q, rate v) per customer, to the cent. Purchase times are
    continuous from a first order at a uniform time of its day; an order lands on the day it
    falls in, up to `end` (so two orders on one day are one purchase day, as in real data)."""
    rng = np.random.default_rng(seed)
    span_days = (end - start).days
    birth_day = rng.integers(0, span_days + 1, customers)
    age = (span_days - birth_day) / DAYS_PER_WEEK
    buyer, weeks = simulate_purchase_times(age, r=r, alpha=alpha, a=a, b=b, rng=rng)
    nu = rng.gamma(q, 1.0 / v, customers)
    who = np.concatenate([np.arange(customers), buyer])
    # The first order comes at a uniform time of its day; later ones fall on the day their time reaches.
    time_of_day = rng.random(customers)
    later = birth_day[buyer] + np.floor(time_of_day[buyer] + weeks * DAYS_PER_WEEK).astype(np.int64)
    day = np.concatenate([birth_day, later])
    amount = np.round(rng.gamma(p, 1.0 / nu[who]), 2)
    width = len(str(customers - 1))
    order = np.lexsort((day, who))
    frame = pl.DataFrame({"who": who[order], "day": day[order], "amount": amount[order]})
    return frame.select(
        (pl.lit("C") + pl.col("who").cast(pl.String).str.zfill(width)).alias(customer),
        (pl.lit(start) + pl.duration(days=pl.col("day"))).cast(pl.Date).alias("date"),
        pl.col("amount"),
    )
