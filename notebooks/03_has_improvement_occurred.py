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
import numpy as np
import pandas as pd

import inspection_analysis as ia
from inspection_analysis import figures

pd.set_option("display.max_colwidth", 400)

# %%
rounds = ia.load_rounds()
counts = ia.to_counts(ia.load_published(rounds=rounds), failing=FAILING)
later = rounds[(rounds["force"] == FORCE) & (rounds["reference_date"] > rounds.set_index("round_id").loc[BASELINE, "reference_date"])]
tested = later[later["round_id"].isin(counts.loc[counts["failures"].notna(), "round_id"])]["round_id"].tolist()
tested

# %% [markdown]
# ## The 2016 baseline against each later round
#
# Each row: both rates with Wilson intervals, the difference with a Newcombe interval, Boschloo's
# exact test (two-sided, and one-sided for improvement), the smallest improvement the two samples
# could detect with 80% power, TOST equivalence within ±10 points, and the posterior probability
# that the rate fell.

# %%
comparisons = pd.concat(
    [ia.compare_rounds(counts, BASELINE, r, confidence_level=CONFIDENCE_LEVEL, margin=MARGIN, rounds=rounds)
     for r in tested],
    ignore_index=True,
)
comparisons[["follow_up", "rate_baseline", "rate_follow_up", "difference", "difference_low", "difference_high",
             "pvalue", "pvalue_improvement", "min_detectable_improvement", "equivalent_within_margin",
             "prob_improvement", "verdict"]].round(4)

# %%
for sentence in comparisons["sentence"]:
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

# %%
base = counts.set_index("round_id").loc[BASELINE]
mark = int(counts.set_index("round_id").loc[UNPUBLISHED_AUDIT, "n"])
grid = np.unique(np.r_[np.arange(50, 1001, 10), mark])
curve = pd.DataFrame({
    "n": grid,
    "min_detectable_change": -np.asarray(ia.stats.min_detectable_change(
        int(base["failures"]) / int(base["n"]), grid, int(base["n"]), power=0.8,
        alpha=1 - CONFIDENCE_LEVEL, alternative="less")),
})
fig, ax = figures.power_curve(
    curve, mark, title=f"An audit of {mark} files detects only large falls",
    subtitle="Smallest fall in failure rate detectable (80% power, one-sided 5%) against 2016 (n = 374)",
)

# %% [markdown]
# ## Equivalence view and probability of improvement
#
# A non-significant difference is not evidence of "no change". The TOST equivalence test asks the
# opposite question: do the data rule out a change larger than ±10 percentage points? And the
# Bayesian view (uniform priors) gives the posterior probability that the rate fell at all.

# %%
latest = tested[-1]
row = counts.set_index("round_id")
x1, n1 = int(row.loc[latest, "failures"]), int(row.loc[latest, "n"])
x2, n2 = int(row.loc[BASELINE, "failures"]), int(row.loc[BASELINE, "n"])
print(ia.stats.equivalence_test(x1, n1, x2, n2, margin=MARGIN))
print(f"P(rate fell from {BASELINE} to {latest}) = {ia.stats.prob_improvement(x1, n1, x2, n2):.3f}")

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
