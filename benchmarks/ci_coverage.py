"""Exact coverage of the interval methods in ``inspection_analysis.stats.proportions`` and ``.differences``.

Not a test: a script that prints, for each method, the exact coverage
probability (the sum over every possible outcome of its binomial probability
times 1 if the interval covers the true value) on a grid of true failure
rates, for the sample sizes of the Metropolitan Police case-file audits.

* One rate: n in 20, 50, 135, 170, 214, 303, 374 and p = 0.05, 0.10, ..., 0.95.
* Difference p1 - p2: the later rounds (135, 170, 214, 303 cases) against the
  2016 round (374), with p1 and p2 each on 0.05, 0.15, ..., 0.95.

It prints the mean and minimum coverage per method and sample size, and ends
with one ``info coverage_...`` line per method. No data are used: the
coverage is a property of the method, computed exactly, not simulated.
Run time is well under a minute.
"""

from __future__ import annotations

import time

import numpy as np
from _common import info_line, print_header
from scipy.stats import binom

from inspection_analysis.stats.differences import DIFF_METHODS, diff_ci
from inspection_analysis.stats.proportions import RATE_METHODS, rate_ci

LEVEL = 0.95
RATE_SIZES = (20, 50, 135, 170, 214, 303, 374)
RATE_GRID = np.round(np.arange(0.05, 0.951, 0.05), 2)
DIFF_PAIRS = ((135, 374), (170, 374), (214, 374), (303, 374))  # (later round, 2016 round)
DIFF_GRID = np.round(np.arange(0.05, 0.951, 0.10), 2)


def rate_coverage(method: str, n: int) -> np.ndarray:
    """Exact coverage of ``rate_ci`` at every p of ``RATE_GRID`` for a sample of ``n``."""
    x = np.arange(n + 1)
    low, high = rate_ci(x, n, method=method, confidence_level=LEVEL)
    covers = (low[:, None] <= RATE_GRID) & (RATE_GRID <= high[:, None])  # outcomes x grid
    pmf = binom.pmf(x[:, None], n, RATE_GRID)
    return (pmf * covers).sum(axis=0)


def diff_coverage(method: str, n1: int, n2: int) -> np.ndarray:
    """Exact coverage of ``diff_ci`` at every (p1, p2) of ``DIFF_GRID`` squared."""
    x1, x2 = np.meshgrid(np.arange(n1 + 1), np.arange(n2 + 1), indexing="ij")
    low, high = diff_ci(x1, n1, x2, n2, method=method, confidence_level=LEVEL)
    pmf1 = binom.pmf(np.arange(n1 + 1)[:, None], n1, DIFF_GRID)  # (n1 + 1) x grid
    pmf2 = binom.pmf(np.arange(n2 + 1)[:, None], n2, DIFF_GRID)
    out = np.empty((len(DIFF_GRID), len(DIFF_GRID)))
    for i, p1 in enumerate(DIFF_GRID):
        for j, p2 in enumerate(DIFF_GRID):
            delta = p1 - p2
            covers = (low <= delta + 1e-12) & (delta - 1e-12 <= high)  # grid values are rounded decimals
            out[i, j] = pmf1[:, i] @ covers @ pmf2[:, j]
    return out.ravel()


def report(kind: str, methods, sizes, coverage) -> dict[str, np.ndarray]:
    """Print mean and minimum coverage per method and size; return all values per method."""
    print(f"\n## {kind}: exact coverage of nominal {LEVEL:.0%} intervals (mean / minimum over the grid)")
    labels = [str(s) if isinstance(s, int) else f"{s[0]} v {s[1]}" for s in sizes]
    print(f"{'method':<20}" + "".join(f"{label:>16}" for label in labels))
    pooled = {}
    for method in methods:
        values = [coverage(method, *(s if isinstance(s, tuple) else (s,))) for s in sizes]
        pooled[method] = np.concatenate(values)
        print(f"{method:<20}" + "".join(f"{v.mean():>9.4f} /{v.min():.3f}" for v in values))
    return pooled


def main() -> None:
    print_header("Exact coverage of the confidence interval methods")
    start = time.perf_counter()
    rates = report("One failure rate", RATE_METHODS, RATE_SIZES, rate_coverage)
    diffs = report("Difference of two failure rates", DIFF_METHODS, DIFF_PAIRS, diff_coverage)
    seconds = time.perf_counter() - start
    print()
    for prefix, pooled in (("rate", rates), ("diff", diffs)):
        for method, values in pooled.items():
            info_line(
                f"coverage_{prefix}_{method}",
                f"mean {values.mean():.4f}, minimum {values.min():.4f}, "
                f"share of grid below 0.93 {np.mean(values < 0.93):.3f} (nominal {LEVEL})",
            )
    info_line("coverage_seconds", f"{seconds:.1f}")


if __name__ == "__main__":
    main()
