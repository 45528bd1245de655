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
# # 02 · Failure rates by round, with intervals
#
# For each round with published counts: the share of case files graded "requires improvement"
# or "inadequate" (the inspectorate's headline definition), with a 95% Wilson interval. Then
# figures 1 and 2 of the report, drawn by the library's figure functions.

# %% tags=["parameters"]
FORCE = "mps"
FAILING = ["requires improvement", "inadequate"]
CONFIDENCE_LEVEL = 0.95

# %%
import pandas as pd

import inspection_analysis as ia

# %%
rounds = ia.load_rounds()
counts = ia.to_counts(ia.load_published(rounds=rounds), failing=FAILING, rounds=rounds)

# %% [markdown]
# ## Each round's failure rate and its Wilson interval
#
# One row per round of the force's series, in time order. Rounds whose failure count was not
# published (`counts_published` False), such as the 170-file audit, keep their row with no rate.

# %%
rates = ia.round_rates(counts, FORCE, rounds=rounds, confidence_level=CONFIDENCE_LEVEL)
rates.round(3)

# %% [markdown]
# ### Why a Wilson interval, and what "95%" means here
#
# The familiar "rate ± 1.96 standard errors" (Wald) interval misbehaves for rates near 0% or
# 100% and for small samples: its actual coverage can be well below 95%, and it can stray outside
# [0, 1]. The 2017 Q3 sample (125 of 135 failing, 93%) is exactly such a case. The Wilson score
# interval inverts the score test instead; its coverage stays close to the nominal 95% across
# rates and sample sizes (Brown, Cai and DasGupta, 2001), and it is never outside [0, 1].
# Clopper–Pearson (exact, conservative) and Jeffreys intervals are one argument away:

# %%
methods = pd.concat(
    [ia.round_rates(counts, FORCE, rounds=rounds, confidence_level=CONFIDENCE_LEVEL, method=m)
     for m in ("wilson", "clopper_pearson", "jeffreys")],
    ignore_index=True,
)
methods.loc[methods["round_id"] == "mps-2017-q3", ["round_id", "method", "rate", "ci_low", "ci_high"]].round(3)

# %% [markdown]
# **What a 95% interval means for a sample of 135 files.** The 135 files are a sample of the
# force's child-protection work in the quarter. Had the inspectorate drawn many such samples, a
# procedure like Wilson's would give intervals that contain the true failure rate in about 95% of
# them. For 2017 Q3 the interval runs from about 87% to 96%: rates in that range are consistent
# with what was seen; a true rate of 74% (the 2016 figure) is not. The interval describes
# sampling error only; it says nothing about how consistently assessors applied the grades, or
# whether the sample represents all cases (it assumes a random sample).

# %% [markdown]
# ## Figure 1: grades by round
#
# As in the report, the figures show the rounds whose size was published (the 2017 Q1 update
# published nothing at all).

# %%
series = ia.round_counts(counts, FORCE, rounds=rounds)
fig, ax = ia.figures.grade_distribution(
    series.dropna(subset=["n"]), title="Most case files failed in every published round",
    subtitle="Share of case files by grade, Metropolitan Police Service, 2016 to 2018",
)

# %% [markdown]
# Rounds where only the failing total was published are shown without a split; the 170-file
# audit has no counts at all.
#
# ## Figure 2: failure rate with 95% Wilson intervals

# %%
fig, ax = ia.figures.failure_rates(
    rates.dropna(subset=["n"]), title="No significant fall in failure rate since 2016",
    subtitle="Case files requiring improvement or inadequate, 95% Wilson intervals, 2016 to 2018",
)

# %% [markdown]
# The rate rose from 74% (2016) to 93% and 89% in the 2017 updates, then fell back to 69% in
# 2018. Whether any of these changes is larger than sampling error is the subject of notebook 03.
