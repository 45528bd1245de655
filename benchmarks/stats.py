"""Benchmark: vectorised intervals, and round comparison over every national group.

Targets
-------
rate_ci_wilson          ``stats.rate_ci(x, n, method="wilson")`` over 100,000 groups
                        <= 1.2 x statsmodels' vectorised ``proportion_confint(method="wilson")``
compare_rounds_seconds  ``compare_rounds(counts, first, last, by=["force", "case_type"])`` over
                        every force x case type group of the synthetic national file < 5 s

Informational: ``clopper_pearson`` (statsmodels ``"beta"``) and ``jeffreys``
ratios, the largest difference from statsmodels' limits for each method, and
the comparison's time as a multiple of the time ``to_counts`` takes to count
the 1,000,000-row file. ``compare_rounds`` is timed as the median of 5 runs
after one warm-up run (which pays for the lazy imports).

All data are synthetic, seeded, and built in memory or in a temporary folder.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import _common as bench
import numpy as np

N_GROUPS = 100_000
METHODS = {"wilson": "wilson", "clopper_pearson": "beta", "jeffreys": "jeffreys"}
REPEATS = {"wilson": 41, "clopper_pearson": 7, "jeffreys": 7}  # Wilson takes ~10 ms: more runs
BY = ["force", "case_type"]


def bench_rate_ci() -> None:
    from statsmodels.stats.proportion import proportion_confint

    from inspection_analysis.stats.proportions import rate_ci

    rng = np.random.default_rng(bench.SEED)
    n = rng.integers(1, 2001, N_GROUPS)
    x = rng.binomial(n, rng.uniform(0.02, 0.98, N_GROUPS))
    print(f"\nrate_ci over {N_GROUPS:,} groups (n from 1 to 2,000), 95% level")
    ratios = {}
    for method, sm_method in METHODS.items():
        times = bench.time_alternating(
            {
                f"rate_ci({method})": lambda: rate_ci(x, n, method=method),
                f"statsmodels proportion_confint({sm_method})": lambda: proportion_confint(
                    x, n, alpha=0.05, method=sm_method
                ),
            },
            repeat=REPEATS[method],
        )
        project, baseline = bench.print_timings(times, "ms").values()
        ratios[method] = (project, baseline)
        ours = rate_ci(x, n, method=method)
        low, high = proportion_confint(x, n, alpha=0.05, method=sm_method)
        gap = max(np.max(np.abs(ours.low - low)), np.max(np.abs(ours.high - high)))
        bench.info_line(f"rate_ci_{method}_max_abs_difference_from_statsmodels", f"{gap:.2e}"
                  + (" (statsmodels does not set the limit to 0 at x = 0 or to 1 at x = n)" if method == "jeffreys" else ""))
    print()
    bench.ratio_target("rate_ci_wilson", *ratios.pop("wilson"), goal=1.2)
    for method, (project, baseline) in ratios.items():
        bench.info_line(f"rate_ci_{method}", f"ratio {project / baseline:.2f} against statsmodels (no goal)")


def bench_compare_rounds() -> None:
    from inspection_analysis.analysis.compare import compare_rounds
    from inspection_analysis.counts.table import to_counts
    from inspection_analysis.io import load_cases, load_rounds

    first, last = bench.national_round_ids()[0], bench.national_round_ids()[-1]
    with tempfile.TemporaryDirectory(prefix="ia-bench-stats-") as tmp:
        tmp = Path(tmp)
        registry = tmp / "rounds_synthetic.csv"
        bench.national_rounds().to_csv(registry, index=False)
        path = bench.write_table(bench.national_table(), tmp / "national_cases_synthetic.csv")
        rounds = load_rounds(registry)
        frame = load_cases(path, rounds=rounds)
    print(f"\ncompare_rounds {first} -> {last} by {BY} on the synthetic national file ({len(frame):,} rows)")
    by = ("round_id", *BY)
    counts_times = bench.time_alternating({"to_counts (1M rows)": lambda: to_counts(frame, by=by)}, repeat=3)
    counts = to_counts(frame, by=by)
    results = []
    compare_times = bench.time_alternating(
        {"compare_rounds": lambda: results.append(compare_rounds(counts, first, last, by=BY, rounds=rounds))},
        repeat=5,
    )
    medians = bench.print_timings({**counts_times, **compare_times})
    result = results[0]
    print(f"  {len(result)} groups compared; verdicts: {result['verdict'].value_counts().to_dict()}")
    print()
    bench.absolute_target("compare_rounds_seconds", medians["compare_rounds"], 5.0, "s")
    bench.info_line(
        "compare_rounds_vs_counting",
        f"ratio {medians['compare_rounds'] / medians['to_counts (1M rows)']:.2f} "
        "(compare_rounds time / to_counts time on the 1M-row frame; no goal)",
    )


def main() -> None:
    bench.print_header("stats: rate_ci against statsmodels; compare_rounds over all national groups")
    bench_rate_ci()
    bench_compare_rounds()


if __name__ == "__main__":
    main()
