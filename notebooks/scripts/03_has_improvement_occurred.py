# ---
# jupyter:
#   jupytext:
#     cell_metadata_filter: tags,-all
#     notebook_metadata_filter: kernelspec,jupytext,-jupytext.text_representation.jupytext_version
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 03 · Has any significant improvement occurred?
#
# The centre of the project. The 2016 inspection found 278 of 374 case files (74%) requiring
# improvement or inadequate. This notebook compares that baseline with every later round,
# asks what the unpublished 170-file audit could have shown, looks at power, equivalence and the
# posterior probability of improvement, tests for a trend, and ends with the verdict.
#
# For failure rates a **fall is an improvement**. "No significant improvement" means the data do
# not show an improvement beyond sampling error, **not** that nothing improved.

# %% tags=["parameters"]
FORCE = "mps"
BASELINE = "mps-2016"
UNPUBLISHED_AUDIT = "mps-2017-q2"
FAILING = ["requires improvement", "inadequate"]
CONFIDENCE_LEVEL = 0.95
MARGIN = 0.10

# %%
import pandas as pd

import inspection_analysis as ia

pd.set_option("display.max_colwidth", 400)

# %%
rounds = ia.load_rounds()
counts = ia.to_counts(ia.load_published(rounds=rounds), failing=FAILING, rounds=rounds)

# %% [markdown]
# ## The 2016 baseline against each later round
#
# Each "from baseline" row: both rates with Wilson intervals, the difference with a Newcombe
# interval, Boschloo's exact test (two-sided, and one-sided for improvement), the smallest
# improvement the two samples could detect with 80% power, TOST equivalence within ±10 points, and
# the posterior probability that the rate fell. The "consecutive" rows compare each round with
# the one before it. Rounds without published failure counts are skipped.

# %%
comparisons = ia.series_comparisons(counts, FORCE, rounds=rounds, baseline=BASELINE, confidence_level=CONFIDENCE_LEVEL,
                                 margin=MARGIN)
comparisons[["kind", "baseline", "follow_up", "rate_baseline", "rate_follow_up", "difference", "difference_low",
             "difference_high", "pvalue", "pvalue_improvement", "min_detectable_improvement",
             "equivalent_within_margin", "prob_improvement", "verdict"]].round(4)

# %%
for sentence in comparisons.loc[comparisons["kind"] == "from baseline", "sentence"]:
    print(sentence, end="\n\n")

# %% [markdown]
# The two 2017 inspectorate samples were significantly **worse** than 2016. The 2018 review's
# 69% is lower than 74%, but the difference is within sampling error.
#
# ## The 170-file audit: what could it have detected?
#
# The force's own audit team examined 170 files in 2017 Q2, and no counts were published. We
# cannot test its result, but we can ask how good it would have had to be: the **critical count**
# is the largest number of failing files out of 170 that would have been a significant
# improvement on 278 of 374.

# %%
sensitivity = ia.audit_sensitivity(counts, BASELINE, round_id=UNPUBLISHED_AUDIT,
                                   alpha=1 - CONFIDENCE_LEVEL, rounds=rounds)
print(sensitivity)

# %% [markdown]
# ### Power curve: the smallest detectable fall against audit size
#
# For audits of a few sizes, the smallest fall an audit could detect with 80% power and the
# critical count (the most failing files that would still have been a significant improvement);
# then the curve for 50 to 1,000 files.

# %%
ia.detectable_improvements(counts, BASELINE, [50, 100, sensitivity.n, 300, 500], alpha=1 - CONFIDENCE_LEVEL,
                        critical=True).round(4)

# %%
curve = ia.detectable_improvements(counts, BASELINE, [*range(50, 1001, 10), sensitivity.n], alpha=1 - CONFIDENCE_LEVEL)
fig, ax = ia.figures.power_curve(
    curve, sensitivity.n,
    title=f"An audit of {sensitivity.n} files detects only large falls",
    subtitle="Smallest fall in failure rate detectable (80% power, one-sided 5%) against 2016 (n = 374)",
)

# %% [markdown]
# ## Equivalence view and probability of improvement
#
# A non-significant difference is not evidence of "no change". The TOST equivalence test asks the
# opposite question: do the data rule out a change larger than ±10 percentage points? And the
# Bayesian view (uniform priors) gives the posterior probability that the rate fell at all. Both
# are columns of each comparison above; here for the latest round against the baseline.

# %%
comparisons.loc[comparisons["kind"] == "from baseline",
                ["baseline", "follow_up", "difference", "difference_low", "difference_high",
                 "equivalent_within_margin", "power_at_margin", "prob_improvement"]].tail(1).round(4)

# %% [markdown]
# ## Trend across the rounds

# %%
print(ia.trend(counts, force=FORCE, rounds=rounds))

# %%
chart = ia.p_chart(counts, force=FORCE, rounds=rounds)
print(chart)
chart.table

# %% [markdown]
# ## The verdict

# %%
print(ia.has_improved(counts, force=FORCE, baseline=BASELINE, confidence_level=CONFIDENCE_LEVEL, rounds=rounds))

# %% [markdown]
# ## What the data show, and what they cannot show
#
# - **What they show.** No later round shows a significant improvement on 2016. Both 2017
#   inspectorate samples (93% and 89% failing) were significantly worse. The 2018 review (69%) is
#   five points lower than 2016, but that fall is within sampling error.
# - **What they cannot show.** "No significant improvement" is **not** "no improvement": the
#   samples could reliably detect only falls of roughly 9 points or more, so a smaller real
#   improvement may have gone undetected. The equivalence test does not rule out a change of
#   10 points either way, so the data do not show that nothing changed. The 170-file audit
#   cannot be assessed at all without its counts.
# - **Assessors differed.** The 2016 and 2017 samples were graded by the inspectorate; the
#   170-file audit by the force's own team; who graded the 2018 cases is not confirmed. In 2016 the
#   force graded its own cases far more favourably than the inspectorate did (notebook 06), so a
#   comparison across assessors mixes a change in practice with a change in who is grading.
# - **Samples.** The intervals assume each round is a random sample of cases; the inspectorate's
#   samples were chosen to cover case types, which may differ between rounds (notebook 07 shows,
#   on synthetic data, how a change of case mix can mislead).
